// Activity tasks: a row is lockable when visible_at <= now() (database clock); a lock moves visible_at to the
// lease expiry and sets a fresh token, so an expired lease is reclaimed by the same query.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ActivityResultEvent, ActivityWorkItem, LockOptions, WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import { LeaseLostError } from '../../errors.js';
import { decodeEvent, encodeEvent } from '../../protocol/codec.js';
import type { TaskScheduledEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { visibleAtSql } from './instance-store.js';
import { Params, type Tables } from './queries.js';
import { leaseSql, type WorkflowHandle } from './workflow-queue.js';

export async function lockActivity(pool: Pool, t: Tables, options: LockOptions): Promise<ActivityWorkItem | undefined> {
  const p = new Params();
  const token = randomUUID();
  const result = await pool.query<{ id: string; instance_id: string; event: string; visible_at: Date; dequeue_count: number }>(
    `UPDATE ${t.tasks} SET lock_token = ${p.add(token)}, locked_by = ${p.add(options.lockedBy)},
       visible_at = ${leaseSql(p, options.leaseMs)}, dequeue_count = dequeue_count + 1
     WHERE id = (SELECT id FROM ${t.tasks} WHERE visible_at <= now() ORDER BY visible_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING id, instance_id, event, visible_at, dequeue_count`,
    p.values,
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    instanceId: row.instance_id,
    lockToken: token,
    lockedUntil: row.visible_at,
    event: decodeEvent(row.event) as TaskScheduledEvent,
    retryCount: row.dequeue_count - 1,
  };
}

interface CompletionRow {
  n: number;
  instance_exists: boolean;
  leased: { instance_id: string; runtime_status: RuntimeStatus; history_length: number; lock_expires_at: string } | null;
  new_seq: string | null;
  earlier: { seq: string; event: string; dequeue_count: number }[] | null;
}

/**
 * Deletes the task and appends the result to its instance's inbox in one statement (dropped if the instance
 * is gone). With `lease`, the same statement leases the instance when no lease holds it and it is not
 * waiting for a scheduled start, and returns it as a work item: the result plus the earlier visible events.
 */
export async function completeActivity(
  pool: Pool,
  t: Tables,
  item: ActivityWorkItem,
  result: ActivityResultEvent,
  lease?: WorkflowLockOptions,
): Promise<WorkflowWorkItem | undefined> {
  const p = new Params();
  const token = randomUUID();
  const id = p.add(item.id);
  const lockToken = p.add(item.lockToken);
  const event = p.add(encodeEvent(result));
  // Statements see one snapshot: the new row is not among `ev`'s rows, so it is inserted already delivered.
  // Delivered rows are visible again at the lease's end (see workflow-queue.ts).
  const sql = `WITH del AS (DELETE FROM ${t.tasks} WHERE id = ${id} AND lock_token = ${lockToken} RETURNING instance_id),
    lk AS (UPDATE ${t.instances} i SET lock_token = ${p.add(token)}, locked_by = ${p.add(lease?.lockedBy ?? null)},
        lock_expires_at = ${leaseSql(p, lease?.leaseMs ?? 0)}
      FROM del WHERE ${p.add(lease !== undefined)} AND i.instance_id = del.instance_id
        AND (i.lock_expires_at IS NULL OR i.lock_expires_at <= now())
        AND NOT (i.runtime_status = 'PENDING' AND i.scheduled_start_at > now())
      RETURNING i.instance_id, i.runtime_status, i.history_length, i.lock_expires_at),
    ins AS (INSERT INTO ${t.inbox} (instance_id, event, visible_at, dequeue_count)
      SELECT i.instance_id, ${event}, coalesce((SELECT lock_expires_at FROM lk), ${visibleAtSql('i')}),
        CASE WHEN EXISTS (SELECT 1 FROM lk) THEN 1 ELSE 0 END
      FROM del JOIN ${t.instances} i ON i.instance_id = del.instance_id RETURNING seq),
    ev AS (UPDATE ${t.inbox} e SET dequeue_count = e.dequeue_count + 1, visible_at = lk.lock_expires_at
      FROM lk
      WHERE e.seq IN (SELECT e2.seq FROM ${t.inbox} e2 JOIN lk ON e2.instance_id = lk.instance_id
                      WHERE e2.visible_at <= now() ORDER BY e2.seq LIMIT ${p.add(Math.max(0, (lease?.maxEvents ?? 1000) - 1))})
      RETURNING e.seq, e.event, e.dequeue_count)
    SELECT (SELECT count(*)::integer FROM del) AS n,
      EXISTS (SELECT 1 FROM ${t.instances} WHERE instance_id = ${p.add(item.instanceId)}) AS instance_exists,
      (SELECT row_to_json(lk) FROM lk) AS leased, (SELECT seq FROM ins) AS new_seq,
      (SELECT json_agg(json_build_object('seq', seq::text, 'event', event, 'dequeue_count', dequeue_count) ORDER BY seq) FROM ev) AS earlier`;
  const done = await pool.query<CompletionRow>(sql, p.values);
  const row = done.rows[0];
  // A purge deletes the instance's tasks: the result of a task of a vanished instance is dropped, not an error.
  if (row?.n !== 1 && row?.instance_exists !== false) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
  if (!row?.leased || row.new_seq === null) return undefined;
  const earlier = row.earlier ?? [];
  const handle: WorkflowHandle = { inboxSeqs: [...earlier.map((e) => e.seq), row.new_seq], status: row.leased.runtime_status };
  return {
    instanceId: row.leased.instance_id,
    lockToken: token,
    lockedUntil: new Date(row.leased.lock_expires_at),
    newEvents: [...earlier.map((e) => decodeEvent(e.event)), result],
    historyLength: row.leased.history_length,
    retryCount: Math.max(0, ...earlier.map((e) => e.dequeue_count - 1)),
    handle,
  };
}

export async function abandonActivity(pool: Pool, t: Tables, item: ActivityWorkItem, delayMs: number): Promise<void> {
  const p = new Params();
  const done = await pool.query(
    `UPDATE ${t.tasks} SET lock_token = NULL, locked_by = NULL, visible_at = ${leaseSql(p, Math.max(0, delayMs))}
     WHERE id = ${p.add(item.id)} AND lock_token = ${p.add(item.lockToken)}`,
    p.values,
  );
  if (done.rowCount !== 1) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
}

export async function renewActivity(pool: Pool, t: Tables, item: ActivityWorkItem, leaseMs: number): Promise<void> {
  const p = new Params();
  const result = await pool.query<{ visible_at: Date }>(
    `UPDATE ${t.tasks} SET visible_at = ${leaseSql(p, leaseMs)}
     WHERE id = ${p.add(item.id)} AND lock_token = ${p.add(item.lockToken)} RETURNING visible_at`,
    p.values,
  );
  const row = result.rows[0];
  if (!row) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
  item.lockedUntil = row.visible_at;
}
