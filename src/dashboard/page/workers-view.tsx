// The live workers of the task hub (heartbeat within 60 s) and what each serves: where work that waits for a
// worker can go, and which deploy is running where.
import { useEffect, useState } from 'preact/hooks';
import { api, type WorkerJson } from './api.js';

export function WorkersView() {
  const [workers, setWorkers] = useState<WorkerJson[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const load = () => api.workers().then((r) => setWorkers(r.workers), (e: Error) => setError(e.message));
    void load();
    const timer = setInterval(() => void load(), 4000);
    return () => clearInterval(timer);
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!workers) return <p class="muted">loading…</p>;
  return (
    <section>
      <h1>Workers</h1>
      {workers.length === 0 ? (
        <p class="muted">No worker has announced itself in the last 60 s.</p>
      ) : (
        <table class="instances workers">
          <thead>
            <tr>
              <th>Name</th>
              <th>Host</th>
              <th>PID</th>
              <th>Workflows</th>
              <th>Activities</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.workerId} data-worker={w.workerId}>
                <td>{w.name}</td>
                <td class="mono">{w.host}</td>
                <td class="mono">{w.pid}</td>
                <td>{w.workflows.length ? w.workflows.join(', ') : 'any'}</td>
                <td>{w.activities.length ? w.activities.join(', ') : 'any'}</td>
                <td class="mono">{new Date(w.heartbeatAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
