// The Gantt chart: one row per durable call on a shared time axis. A bar's colour is its outcome; a click
// opens the history events behind it. Where the worker recorded it, each row shows the call's source line.
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEventJson, TimelineJson, TimelineRow, TimelineSegment } from '../api-types.js';
import { api } from './api.js';
import { formatDuration, formatTime } from './format.js';
import { instanceHref } from './router.js';

const KIND_LABEL: Record<TimelineRow['kind'], string> = { activity: 'activity', child: 'child', timer: 'timer', event: 'event', detached: 'detached', signal: 'send' };

/** A step of 1, 2 or 5 times a power of ten giving about six ticks. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 6;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

function segmentTitle(row: TimelineRow, s: TimelineSegment, end: number): string {
  const ms = (s.end ? Date.parse(s.end) : end) - Date.parse(s.start);
  const what = s.kind === 'retryDelay' ? 'retry delay' : s.kind;
  const source = row.source && `at ${row.source.file}:${row.source.line}`;
  return [`${row.label}: ${what} ${s.outcome}`, s.end === s.start ? formatTime(s.start) : formatDuration(ms), s.detail, source].filter(Boolean).join(' · ');
}

export function TimelineView({ id, version, onShowHistory }: { id: string; version: number; onShowHistory: () => void }) {
  const [timeline, setTimeline] = useState<TimelineJson>();
  const [history, setHistory] = useState<HistoryEventJson[]>();
  const [selected, setSelected] = useState<{ row: TimelineRow; segment: TimelineSegment }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.timeline(id).then(setTimeline, (e: Error) => setError(e.message));
    api.history(id).then(setHistory, () => undefined);
  }, [id, version]);
  if (error) return <p class="error">{error}</p>;
  if (!timeline) return <p class="muted">Loading…</p>;

  const t0 = Date.parse(timeline.start);
  const t1 = Math.max(Date.parse(timeline.end), t0 + 1);
  const span = t1 - t0;
  const pct = (iso: string) => ((Date.parse(iso) - t0) / span) * 100;
  const step = tickStep(span);
  const ticks: number[] = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);

  return (
    <div class="timeline-wrap">
      <div class="timeline-head">
        <span class="muted">
          {timeline.rows.length} call{timeline.rows.length === 1 ? '' : 's'} over {formatDuration(span)}
          {timeline.finished ? '' : ' (still running)'}
        </span>
        <span class="legend">
          <i class="lg completed" /> completed <i class="lg failed" /> failed <i class="lg running" /> running <i class="lg retryDelay" /> retry delay <i class="lg timer" /> timer <i class="lg wait" /> event wait <i class="lg spawned" /> spawn
        </span>
        <button class="link" onClick={onShowHistory}>
          Raw history →
        </button>
      </div>
      <div class="gantt" role="table" aria-label="timeline">
        <div class="g-row g-axis" aria-hidden="true">
          <div class="g-label" />
          <div class="g-track">
            {ticks.map((t) => (
              <span class="tick" key={t} style={{ left: `${(t / span) * 100}%` }}>
                +{formatDuration(t)}
              </span>
            ))}
          </div>
        </div>
        {timeline.rows.length === 0 && <p class="muted empty">No durable calls yet.</p>}
        {timeline.rows.map((row) => (
          <div class="g-row" role="row" key={row.key} data-row-kind={row.kind}>
            <div class="g-label" role="rowheader">
              <span class={`kind k-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
              <span class="name" title={row.label}>
                {row.label}
              </span>
              {row.segments.filter((s) => s.kind === 'attempt').length > 1 && <span class="sub">{row.segments.filter((s) => s.kind === 'attempt').length} attempts</span>}
              {row.source && (
                <span class="source" title={`${row.source.file}:${row.source.line}`} data-source>
                  {row.source.file.split('/').pop()}:{row.source.line}
                </span>
              )}
            </div>
            <div class="g-track">
              {ticks.map((t) => (
                <i class="grid" key={t} style={{ left: `${(t / span) * 100}%` }} />
              ))}
              {row.segments.map((s, i) => {
                const left = pct(s.start);
                const instant = s.end === s.start;
                const width = instant ? 0 : Math.max(((s.end ? Date.parse(s.end) : t1) - Date.parse(s.start)) / span * 100, 0.6);
                const on = selected?.segment === s;
                return (
                  <button
                    key={i}
                    class={`bar seg-${s.kind} o-${s.outcome} ${instant ? 'instant' : ''} ${on ? 'on' : ''}`}
                    style={{ left: `${left}%`, width: instant ? undefined : `${width}%` }}
                    title={segmentTitle(row, s, t1)}
                    data-outcome={s.outcome}
                    data-kind={s.kind}
                    onClick={() => setSelected(on ? undefined : { row, segment: s })}
                  >
                    {!instant && width > 8 && <span>{s.end ? formatDuration(Date.parse(s.end) - Date.parse(s.start)) : '…'}</span>}
                  </button>
                );
              })}
            </div>
          </div>
        ))}
      </div>
      {selected && <SegmentEvents row={selected.row} segment={selected.segment} history={history} onClose={() => setSelected(undefined)} />}
    </div>
  );
}

function SegmentEvents({ row, segment, history, onClose }: { row: TimelineRow; segment: TimelineSegment; history?: HistoryEventJson[]; onClose: () => void }) {
  const events = segment.events.map((i) => history?.[i]).filter((e): e is HistoryEventJson => e !== undefined);
  return (
    <div class="card segment-events" role="region" aria-label="history events of the selected bar">
      <div class="se-head">
        <h3>
          {row.label} <span class="muted">· {segment.kind === 'retryDelay' ? 'retry delay' : segment.kind} · {segment.outcome}</span>
        </h3>
        <button class="ghost" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="muted">
        {formatTime(segment.start)}
        {segment.end && segment.end !== segment.start && ` → ${formatTime(segment.end)} (${formatDuration(Date.parse(segment.end) - Date.parse(segment.start))})`}
        {segment.detail && ` · ${segment.detail}`}
        {row.source && (
          <>
            {' · called at '}
            <span class="mono">
              {row.source.file}:{row.source.line}
            </span>
          </>
        )}
        {segment.instanceId && (
          <>
            {' · '}
            <a href={instanceHref(segment.instanceId)}>open {segment.instanceId}</a>
          </>
        )}
      </p>
      {events.map((e) => (
        <details open key={e.index}>
          <summary>
            <span class="mono">#{e.index}</span> {e.type} <span class="muted">{formatTime(e.timestamp)}</span>
          </summary>
          <pre>{JSON.stringify(e, null, 2)}</pre>
        </details>
      ))}
    </div>
  );
}
