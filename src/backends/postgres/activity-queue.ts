// Activity tasks: a row is lockable when visible_at <= now() (database clock); a lock moves visible_at to the
// lease expiry and sets a fresh token, so an expired lease is reclaimed by the same query.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ActivityResultEvent, ActivityWorkItem, LockOptions } from '../backend.js';
import { LeaseLostError } from '../../errors.js';
import { decodeEvent, encodeEvent } from '../../protocol/codec.js';
import type { TaskScheduledEvent } from '../../protocol/history.js';
import { visibleAtSql } from './instance-store.js';
import { Params, quoteLiteral, type Tables } from './queries.js';
import { leaseSql } from './workflow-queue.js';

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

/** Deletes the task and appends the result to its instance's inbox in one statement (dropped if the instance is gone). */
export async function completeActivity(pool: Pool, t: Tables, item: ActivityWorkItem, result: ActivityResultEvent): Promise<void> {
  const done = await pool.query<{ n: number; instance_exists: boolean }>(
    `WITH del AS (DELETE FROM ${t.tasks} WHERE id = $1 AND lock_token = $2 RETURNING instance_id),
          ins AS (INSERT INTO ${t.inbox} (instance_id, event, visible_at)
                  SELECT i.instance_id, $3, ${visibleAtSql('i')} FROM del JOIN ${t.instances} i ON i.instance_id = del.instance_id)
     SELECT (SELECT count(*)::integer FROM del) AS n,
            EXISTS (SELECT 1 FROM ${t.instances} WHERE instance_id = $4) AS instance_exists`,
    [item.id, item.lockToken, encodeEvent(result), item.instanceId],
  );
  const row = done.rows[0];
  // A purge deletes the instance's tasks: the result of a task of a vanished instance is dropped, not an error.
  if (row?.n !== 1 && row?.instance_exists !== false) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
}

export async function abandonActivity(
  pool: Pool,
  t: Tables,
  item: ActivityWorkItem,
  delayMs: number,
  channel: string | undefined,
): Promise<void> {
  const p = new Params();
  const delay = Math.max(0, delayMs);
  const notify = delay === 0 && channel ? `pg_notify(${quoteLiteral(channel)}, 'a') IS NULL` : 'false';
  const done = await pool.query<{ n: number }>(
    `WITH rel AS (UPDATE ${t.tasks} SET lock_token = NULL, locked_by = NULL, visible_at = ${leaseSql(p, delay)}
                  WHERE id = ${p.add(item.id)} AND lock_token = ${p.add(item.lockToken)} RETURNING id)
     SELECT count(*)::integer AS n, bool_or(${notify}) AS notified FROM rel`,
    p.values,
  );
  if (done.rows[0]?.n !== 1) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
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
