// The raw history: every event in order with its offset from the first; a click shows the whole event.
import { useEffect, useState } from 'preact/hooks';
import type { HistoryEventJson } from '../api-types.js';
import { api } from './api.js';
import { formatDuration, formatTime } from './format.js';

const SKIP = new Set(['index', 'type', 'eventId', 'timestamp']);

function summary(e: HistoryEventJson): string {
  const rest = Object.entries(e).filter(([k]) => !SKIP.has(k));
  const text = rest.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('  ');
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export function HistoryView({ id, version }: { id: string; version: number }) {
  const [history, setHistory] = useState<HistoryEventJson[]>();
  const [open, setOpen] = useState<number>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.history(id).then(setHistory, (e: Error) => setError(e.message));
  }, [id, version]);
  if (error) return <p class="error">{error}</p>;
  if (!history) return <p class="muted">Loading…</p>;
  const t0 = history[0] ? Date.parse(history[0].timestamp) : 0;
  return (
    <table class="history" aria-label="history">
      <thead>
        <tr>
          <th>#</th>
          <th>Event</th>
          <th>ID</th>
          <th>Time</th>
          <th>+</th>
          <th>Fields</th>
        </tr>
      </thead>
      <tbody>
        {history.map((e) => (
          <>
            <tr key={e.index} class="ev" onClick={() => setOpen(open === e.index ? undefined : e.index)}>
              <td class="mono">{e.index}</td>
              <td class="mono">{e.type}</td>
              <td class="mono">{e.eventId}</td>
              <td>{formatTime(e.timestamp)}</td>
              <td class="muted">{formatDuration(Date.parse(e.timestamp) - t0)}</td>
              <td class="fields mono">{summary(e)}</td>
            </tr>
            {open === e.index && (
              <tr class="ev-full" key={`${e.index}-full`}>
                <td colSpan={6}>
                  <pre>{JSON.stringify(e, null, 2)}</pre>
                </td>
              </tr>
            )}
          </>
        ))}
      </tbody>
    </table>
  );
}
