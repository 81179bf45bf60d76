// Batched workflow locks on PostgreSQL: the lock requests of one event-loop turn (a worker asks for several
// work items at once) become one statement that leases up to that many instances, under the same rules as
// lockWorkflow: started instances first, then new ones, each oldest first, SKIP LOCKED, delivered events
// invisible until their lease ends.
import type { Pool } from 'pg';
import type { WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import { TickBatcher } from '../shared/tick-batcher.js';
import { Params, type Tables } from './queries.js';
import { leaseSql, lockWorkflow, workItemOf, type LockRow } from './workflow-queue.js';

interface Pending {
  options: WorkflowLockOptions;
  resolve: (item: WorkflowWorkItem | undefined) => void;
  reject: (error: unknown) => void;
}

interface Row extends LockRow {
  lock_token: string;
}

export class LockBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  lock(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    return new Promise((resolve, reject) => this.batcher.add({ options, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
    // Requests with the same options share a statement (one worker's loop asks with the same ones).
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = JSON.stringify([p.options.lockedBy, p.options.leaseMs, p.options.maxEvents ?? null]);
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    await Promise.all([...groups.values()].map((group) => this.serve(group)));
  }

  private async serve(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const p = group[0]!;
      return lockWorkflow(this.pool, this.t, p.options).then(p.resolve, p.reject);
    }
    let items: WorkflowWorkItem[];
    try {
      items = await lockMany(this.pool, this.t, group[0]!.options, group.length);
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => p.resolve(items[i]));
  }
}

/** Leases up to `count` instances in one statement; returns their work items in pick order. */
async function lockMany(pool: Pool, t: Tables, options: WorkflowLockOptions, count: number): Promise<WorkflowWorkItem[]> {
  const p = new Params();
  const n = p.add(count);
  const free = `(i.lock_expires_at IS NULL OR i.lock_expires_at <= now())`;
  // A pick reads inbox rows, so an instance with several visible events can come up more than once: pick
  // `count` rows of each kind and keep the first `count` distinct instances, started ones first.
  const sql = `WITH started AS (
      SELECT i.instance_id, e.visible_at, e.seq FROM ${t.inbox} e JOIN ${t.instances} i ON i.instance_id = e.instance_id
      WHERE NOT e.is_start AND e.visible_at <= now() AND ${free}
      ORDER BY e.visible_at, e.seq LIMIT ${n}
      FOR NO KEY UPDATE OF i SKIP LOCKED
    ), fresh AS (
      SELECT i.instance_id, e.visible_at, e.seq FROM ${t.inbox} e JOIN ${t.instances} i ON i.instance_id = e.instance_id
      WHERE e.is_start AND e.visible_at <= now() AND ${free}
      ORDER BY e.visible_at, e.seq LIMIT (SELECT greatest(${n}::integer - count(DISTINCT instance_id), 0) FROM started)
      FOR NO KEY UPDATE OF i SKIP LOCKED
    ), picked AS (
      SELECT instance_id, min(kind) AS kind, min(visible_at) AS visible_at, min(seq) AS seq FROM (
        SELECT instance_id, 0 AS kind, visible_at, seq FROM started UNION ALL SELECT instance_id, 1, visible_at, seq FROM fresh
      ) u GROUP BY instance_id ORDER BY min(kind), min(visible_at), min(seq) LIMIT ${n}
    ), inst AS (
      UPDATE ${t.instances} i SET lock_token = gen_random_uuid()::text, locked_by = ${p.add(options.lockedBy)},
        lock_expires_at = ${leaseSql(p, options.leaseMs)}
      FROM picked WHERE i.instance_id = picked.instance_id
      RETURNING i.instance_id, i.lock_token, i.runtime_status, i.history_length, i.lock_expires_at, picked.kind, picked.visible_at, picked.seq AS first_seq
    ), ev AS (
      UPDATE ${t.inbox} e SET dequeue_count = e.dequeue_count + 1, visible_at = inst.lock_expires_at
      FROM inst, (SELECT e2.seq FROM (
          SELECT e3.seq, row_number() OVER (PARTITION BY e3.instance_id ORDER BY e3.seq) AS rn
          FROM ${t.inbox} e3 JOIN inst ON e3.instance_id = inst.instance_id WHERE e3.visible_at <= now()
        ) e2 WHERE e2.rn <= ${p.add(options.maxEvents ?? 1000)}) w
      WHERE e.seq = w.seq AND e.instance_id = inst.instance_id
      RETURNING e.instance_id, e.seq, e.event, e.dequeue_count
    )
    SELECT inst.instance_id, inst.lock_token, inst.runtime_status, inst.history_length, inst.lock_expires_at,
      ev.seq, ev.event, ev.dequeue_count
    FROM inst LEFT JOIN ev ON ev.instance_id = inst.instance_id
    ORDER BY inst.kind, inst.visible_at, inst.first_seq, ev.seq`;
  const result = await pool.query<Row>(sql, p.values);
  const byInstance = new Map<string, Row[]>();
  for (const row of result.rows) {
    const rows = byInstance.get(row.instance_id);
    if (rows) rows.push(row);
    else byInstance.set(row.instance_id, [row]);
  }
  const items: WorkflowWorkItem[] = [];
  const empty: Row[] = [];
  for (const rows of byInstance.values()) {
    const item = workItemOf(rows, rows[0]!.lock_token);
    // The snapshot can predate a commit that consumed this inbox (see lockWorkflow): release, lease nothing.
    if (item.newEvents.length === 0) empty.push(rows[0]!);
    else items.push(item);
  }
  if (empty.length > 0) {
    await pool.query(
      `UPDATE ${t.instances} SET lock_token = NULL, locked_by = NULL, lock_expires_at = NULL
       WHERE lock_token = ANY($1::text[])`,
      [empty.map((row) => row.lock_token)],
    );
  }
  return items;
}
