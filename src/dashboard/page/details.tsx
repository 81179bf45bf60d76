// The facts of one instance: times, IDs, tags, warnings; payloads formatted; a failure with its stack
// and its chain of inner failures.
import type { FailureDetails } from '../../protocol/common.js';
import type { InstanceJson } from '../api-types.js';
import { formatDuration, formatPayload, formatTime } from './format.js';
import { instanceHref } from './router.js';

export function Facts({ instance: i }: { instance: InstanceJson }) {
  const end = i.completedAt ? Date.parse(i.completedAt) : undefined;
  const began = i.startedAt ?? i.createdAt;
  const rows: [string, preact.ComponentChild][] = [
    ['Created', formatTime(i.createdAt)],
    ['Started', formatTime(i.startedAt)],
    ['Last updated', formatTime(i.lastUpdatedAt)],
    ['Completed', formatTime(i.completedAt)],
    ['Duration', end ? formatDuration(end - Date.parse(began)) : '—'],
    ['Execution', <span class="mono">{i.executionId}</span>],
  ];
  if (i.scheduledStartAt) rows.splice(1, 0, ['Scheduled start', formatTime(i.scheduledStartAt)]);
  if (i.parentInstanceId) rows.push(['Parent', <a class="mono" href={instanceHref(i.parentInstanceId, 'family')}>{i.parentInstanceId}</a>]);
  return (
    <div class="card facts">
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd class={typeof v === 'string' ? 'time' : ''}>{v}</dd>
          </div>
        ))}
      </dl>
      {i.tags && Object.keys(i.tags).length > 0 && (
        <div class="tags" aria-label="tags">
          {Object.entries(i.tags).map(([k, v]) => (
            <span class="tag" key={k}>
              {k}
              <b>{v}</b>
            </span>
          ))}
        </div>
      )}
      {i.warnings?.map((w) => (
        <p class="warning" key={w}>
          {w}
        </p>
      ))}
    </div>
  );
}

export function Payload({ title, text }: { title: string; text?: string }) {
  if (text === undefined || text === '') {
    return (
      <div class="card payload">
        <h3>{title}</h3>
        <p class="none">none</p>
      </div>
    );
  }
  const shown = formatPayload(text);
  return (
    <div class="card payload" data-payload={title}>
      <h3>
        {title} <span class="kind">{shown.json ? 'JSON' : 'text'}</span>
      </h3>
      <pre>{shown.text}</pre>
    </div>
  );
}

export function Failure({ failure }: { failure: FailureDetails }) {
  const chain: FailureDetails[] = [];
  for (let f: FailureDetails | undefined = failure; f && chain.length < 20; f = f.innerFailure) chain.push(f);
  return (
    <div class="card failure" role="region" aria-label="failure">
      <h3>Failure</h3>
      {chain.map((f, depth) => (
        <div class="cause" key={depth} style={{ marginLeft: `${depth * 16}px` }}>
          <p>
            {depth > 0 && <span class="caused">caused by </span>}
            <b>{f.errorType}</b>: {f.errorMessage}
            {f.isNonRetriable && <span class="sub">non-retriable</span>}
          </p>
          {f.stackTrace && <pre class="stack">{f.stackTrace}</pre>}
        </div>
      ))}
    </div>
  );
}
