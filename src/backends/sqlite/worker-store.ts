// Worker announcements in the workers table: one row per worker process, refreshed by its heartbeat.
import type { WorkerInfo } from '../backend.js';
import { FORGET_WORKER_AFTER_MS } from '../shared/worker-registry.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';

interface WorkerRow {
  worker_id: string;
  name: string;
  host: string;
  pid: number;
  workflows: string;
  activities: string;
  started_at: number;
  heartbeat_at: number;
}

export function heartbeatWorker(sql: Statements, tx: TxContext, w: Omit<WorkerInfo, 'heartbeatAt'>): void {
  sql
    .get(
      `INSERT INTO workers (worker_id, name, host, pid, workflows, activities, started_at, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (worker_id) DO UPDATE SET workflows = excluded.workflows, activities = excluded.activities,
         heartbeat_at = excluded.heartbeat_at`,
    )
    .run(w.workerId, w.name, w.host, w.pid, JSON.stringify(w.workflows), JSON.stringify(w.activities), w.startedAt.getTime(), tx.now);
  sql.get('DELETE FROM workers WHERE heartbeat_at < ?').run(tx.now - FORGET_WORKER_AFTER_MS);
}

export function removeWorker(sql: Statements, workerId: string): void {
  sql.get('DELETE FROM workers WHERE worker_id = ?').run(workerId);
}

export function listWorkers(sql: Statements, since?: Date): WorkerInfo[] {
  const rows = sql.get('SELECT * FROM workers WHERE heartbeat_at >= ? ORDER BY started_at, worker_id').all(since?.getTime() ?? 0) as WorkerRow[];
  return rows.map((r) => ({
    workerId: r.worker_id,
    name: r.name,
    host: r.host,
    pid: r.pid,
    workflows: JSON.parse(r.workflows) as string[],
    activities: JSON.parse(r.activities) as string[],
    startedAt: new Date(r.started_at),
    heartbeatAt: new Date(r.heartbeat_at),
  }));
}
