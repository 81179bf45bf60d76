// Worker announcements in the workers table: one row per worker process, refreshed by its heartbeat
// (database clock, like the leases).
import type { Pool } from 'pg';
import type { WorkerInfo } from '../backend.js';
import { FORGET_WORKER_AFTER_MS } from '../shared/worker-registry.js';
import type { Tables } from './queries.js';

interface WorkerRow {
  worker_id: string;
  name: string;
  host: string;
  pid: number;
  workflows: string[];
  activities: string[];
  started_at: Date;
  heartbeat_at: Date;
}

export async function heartbeatWorker(pool: Pool, t: Tables, w: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void> {
  await pool.query(
    `WITH up AS (
       INSERT INTO ${t.workers} (worker_id, name, host, pid, workflows, activities, started_at, heartbeat_at)
       VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, now())
       ON CONFLICT (worker_id) DO UPDATE SET workflows = excluded.workflows, activities = excluded.activities, heartbeat_at = now()
     )
     DELETE FROM ${t.workers} WHERE heartbeat_at < now() - $8::double precision * interval '1 millisecond'`,
    [w.workerId, w.name, w.host, w.pid, w.workflows, w.activities, w.startedAt, FORGET_WORKER_AFTER_MS],
  );
}

export async function removeWorker(pool: Pool, t: Tables, workerId: string): Promise<void> {
  await pool.query(`DELETE FROM ${t.workers} WHERE worker_id = $1`, [workerId]);
}

export async function listWorkers(pool: Pool, t: Tables, since?: Date): Promise<WorkerInfo[]> {
  const result = await pool.query<WorkerRow>(
    `SELECT * FROM ${t.workers} WHERE heartbeat_at >= coalesce($1::timestamptz, '-infinity') ORDER BY started_at, worker_id`,
    [since ?? null],
  );
  return result.rows.map((r) => ({
    workerId: r.worker_id,
    name: r.name,
    host: r.host,
    pid: r.pid,
    workflows: r.workflows,
    activities: r.activities,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
  }));
}
