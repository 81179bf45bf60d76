// One instance: its status and facts, payloads, failure, actions, and the timeline, family and history tabs.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { InfoJson, InstanceJson } from '../api-types.js';
import { api, ApiError } from './api.js';
import { Actions } from './actions.js';
import { Facts, Failure, Payload } from './details.js';
import { FamilyView } from './family-view.js';
import { HistoryView } from './history-view.js';
import { useLive } from './live.js';
import { instanceHref } from './router.js';
import { StatusBadge } from './status.js';
import { TimelineView } from './timeline-view.js';

const TABS = [
  ['timeline', 'Timeline'],
  ['family', 'Family'],
  ['history', 'History'],
] as const;

export function InstanceView({ id, tab, info }: { id: string; tab: string; info?: InfoJson }) {
  const [instance, setInstance] = useState<InstanceJson>();
  const [missing, setMissing] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      setInstance(await api.instance(id));
      setMissing(undefined);
      setVersion((v) => v + 1);
    } catch (e) {
      setMissing(e instanceof ApiError && e.status === 404 ? `Workflow instance '${id}' was not found.` : (e as Error).message);
    }
  }, [id]);
  useEffect(() => void load(), [load]);
  useLive(load, id);

  if (missing) {
    return (
      <section>
        <p class="error" role="alert">
          {missing}
        </p>
        <a href="#/">← All instances</a>
      </section>
    );
  }
  if (!instance) return <p class="muted">Loading…</p>;
  const readOnly = info?.readOnly ?? true;
  return (
    <section class="instance-view">
      <nav class="crumbs">
        <a href="#/">Instances</a> <span>/</span> <span class="mono">{id}</span>
      </nav>
      <header class="instance-head">
        <div>
          <h1>
            {instance.name} <StatusBadge status={instance.runtimeStatus} />
          </h1>
          <p class="mono muted">{instance.instanceId}</p>
        </div>
        {!readOnly && (
          <Actions
            instance={instance}
            onDone={(message, purged) => {
              setNotice(message);
              if (purged) location.hash = '#/';
              else void load();
            }}
          />
        )}
      </header>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="cards">
        <Facts instance={instance} />
        <Payload title="Input" text={instance.serializedInput} />
        <Payload title="Output" text={instance.serializedOutput} />
        <Payload title="Custom status" text={instance.serializedCustomStatus} />
      </div>
      {instance.failureDetails && <Failure failure={instance.failureDetails} />}
      <div class="tabs" role="tablist">
        {TABS.map(([key, label]) => (
          <a key={key} role="tab" aria-selected={tab === key} class={tab === key ? 'on' : ''} href={instanceHref(id, key)}>
            {label}
          </a>
        ))}
      </div>
      <div class="tab-body">
        {tab === 'timeline' && <TimelineView id={id} version={version} onShowHistory={() => (location.hash = instanceHref(id, 'history'))} />}
        {tab === 'family' && <FamilyView id={id} version={version} />}
        {tab === 'history' && <HistoryView id={id} version={version} />}
      </div>
    </section>
  );
}
