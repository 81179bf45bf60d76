// The instance list: counts per status (click to filter), filters by name, ID prefix and creation time,
// newest first with keyset paging (a stack of tokens for "newer"), refreshed live.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CountsJson, InstancePageJson } from '../api-types.js';
import { api } from './api.js';
import { formatTime, since } from './format.js';
import { useLive } from './live.js';
import { instanceHref, listHref } from './router.js';
import { STATUSES, StatusBadge } from './status.js';

const FILTERS = ['name', 'instanceIdPrefix', 'createdFrom', 'createdTo'] as const;

function withParam(params: URLSearchParams, key: string, value: string | undefined): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === undefined || value === '') next.delete(key);
  else next.set(key, value);
  return next;
}

/** datetime-local inputs speak local time without a zone; the API takes ISO instants. */
function toIso(local: string): string {
  return local ? new Date(local).toISOString() : '';
}
function toLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function ListView({ params }: { params: URLSearchParams }) {
  const [page, setPage] = useState<InstancePageJson>();
  const [counts, setCounts] = useState<CountsJson>();
  const [error, setError] = useState<string>();
  const [tokens, setTokens] = useState<string[]>([]);
  const token = tokens[tokens.length - 1];
  const statuses = (params.get('status') ?? '').split(',').filter(Boolean);

  const load = useCallback(async () => {
    const listParams = new URLSearchParams(params);
    if (token) listParams.set('continuationToken', token);
    const countParams = new URLSearchParams();
    for (const key of FILTERS) if (params.get(key)) countParams.set(key, params.get(key)!);
    try {
      const [p, c] = await Promise.all([api.list(listParams), api.counts(countParams)]);
      setPage(p);
      setCounts(c);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [params.toString(), token]);

  useEffect(() => void load(), [load]);
  useEffect(() => setTokens([]), [params.toString()]);
  const live = useLive(load);

  const go = (next: URLSearchParams) => (location.hash = listHref(next));
  const toggle = (status: string) => {
    const set = new Set(statuses);
    if (set.has(status)) set.delete(status);
    else set.add(status);
    go(withParam(params, 'status', [...set].join(',')));
  };

  return (
    <section class="list-view">
      <div class="chips" role="group" aria-label="status counts">
        <button class={`chip ${statuses.length === 0 ? 'on' : ''}`} onClick={() => go(withParam(params, 'status', undefined))} data-count="all">
          all <b>{counts?.total ?? '…'}</b>
        </button>
        {STATUSES.map((s) => (
          <button key={s} class={`chip c-${s} ${statuses.includes(s) ? 'on' : ''}`} onClick={() => toggle(s)} data-count={s} disabled={!counts?.counts[s] && !statuses.includes(s)}>
            <i class={`dot s-${s}`} />
            {s.replace(/_/g, ' ').toLowerCase()} <b>{counts?.counts[s] ?? 0}</b>
          </button>
        ))}
        <span class={`live ${live ? 'on' : ''}`} title={live ? 'live updates on' : 'reconnecting; refreshing every few seconds'}>
          {live ? 'live' : 'polling'}
        </span>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Name
          <input name="name" placeholder="workflow name" value={params.get('name') ?? ''} onChange={(e) => go(withParam(params, 'name', e.currentTarget.value.trim()))} />
        </label>
        <label>
          Instance ID
          <input name="instanceIdPrefix" placeholder="starts with…" value={params.get('instanceIdPrefix') ?? ''} onChange={(e) => go(withParam(params, 'instanceIdPrefix', e.currentTarget.value.trim()))} />
        </label>
        <label>
          Created from
          <input type="datetime-local" name="createdFrom" value={toLocal(params.get('createdFrom'))} onChange={(e) => go(withParam(params, 'createdFrom', toIso(e.currentTarget.value)))} />
        </label>
        <label>
          Created to
          <input type="datetime-local" name="createdTo" value={toLocal(params.get('createdTo'))} onChange={(e) => go(withParam(params, 'createdTo', toIso(e.currentTarget.value)))} />
        </label>
        <button type="button" class="ghost" onClick={() => go(new URLSearchParams())} disabled={params.toString() === ''}>
          Clear
        </button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="instances">
        <thead>
          <tr>
            <th>Instance ID</th>
            <th>Name</th>
            <th>Status</th>
            <th>Created</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {page?.instances.map((i) => (
            <tr key={i.instanceId} data-instance={i.instanceId}>
              <td class="mono">
                <a href={instanceHref(i.instanceId)}>{i.instanceId}</a>
                {i.parentInstanceId && <span class="sub" title={`child of ${i.parentInstanceId}`}>child</span>}
              </td>
              <td>{i.name}</td>
              <td>
                <StatusBadge status={i.runtimeStatus} />
              </td>
              <td title={i.createdAt}>{formatTime(i.createdAt)}</td>
              <td title={i.lastUpdatedAt}>{since(i.lastUpdatedAt)}</td>
            </tr>
          ))}
          {page && page.instances.length === 0 && (
            <tr>
              <td colSpan={5} class="empty">
                No workflow instances match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div class="pager">
        <button class="ghost" disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
          ← Newer
        </button>
        <button class="ghost" disabled={!page?.continuationToken} onClick={() => page?.continuationToken && setTokens([...tokens, page.continuationToken])}>
          Older →
        </button>
      </div>
    </section>
  );
}
