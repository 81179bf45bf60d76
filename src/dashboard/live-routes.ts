// Live updates: GET /api/events is a server-sent event stream of the backend's status changes
// ("change" events, data {instanceId, runtimeStatus?}). The backend signals changes made in this process
// (and, for PostgreSQL, those its notifications carry); the page also re-reads on a timer for the rest.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Backend } from '../backends/backend.js';

const KEEPALIVE_MS = 15_000;

export function addLiveRoutes(app: Hono, backend: Backend, closing: AbortSignal): void {
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined;
      const queue: string[] = [];
      const unsubscribe = backend.subscribe((signal) => {
        if (signal.kind !== 'statusChanged') return;
        queue.push(JSON.stringify({ instanceId: signal.instanceId, runtimeStatus: signal.runtimeStatus }));
        wake?.();
      });
      const stop = () => wake?.();
      stream.onAbort(stop);
      closing.addEventListener('abort', stop);
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' });
        while (!stream.aborted && !stream.closed && !closing.aborted) {
          while (queue.length > 0) await stream.writeSSE({ event: 'change', data: queue.shift()! });
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KEEPALIVE_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (queue.length === 0 && !stream.aborted && !closing.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
        }
      } finally {
        unsubscribe();
        closing.removeEventListener('abort', stop);
      }
    }),
  );
}
