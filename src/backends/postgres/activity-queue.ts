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
import { DEFAULT_MAX_EVENTS } from '../shared/instance-record.js';

/**
 * The id of the task to lock: for each name the worker serves (or, without names, each name queued, found by
 * a loose index scan), the oldest available task by one seek on tasks_ready, and the oldest of those.
 */
function nextTaskSql(p: Params, t: Tables, names: readonly string[] | undefined): string {
  const source =
    names === undefined
      ? `WITH RECURSIVE n(name) AS (
          SELECT (SELECT name FROM ${t.tasks} ORDER BY name LIMIT 1)
          UNION ALL SELECT (SELECT name FROM ${t.tasks} WHERE name > n.name ORDER BY name LIMIT 1) FROM n WHERE n.name IS NOT NULL)
        SELECT name FROM n WHERE name IS NOT NULL`
      : `SELECT unnest(${p.add(names)}::text[]) AS name`;
  return `SELECT c.id FROM (${source}) n CROSS JOIN LATERAL (
      SELECT id, visible_at FROM ${t.tasks} WHERE name = n.name AND visible_at <= now() ORDER BY visible_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
    ) c ORDER BY c.visible_at, c.id LIMIT 1`;
}

export async function lockActivity(pool: Pool, t: Tables, options: LockOptions): Promise<ActivityWorkItem | undefined> {
  const p = new Params();
  const token = randomUUID();
  const result = await pool.query<{ id: string; instance_id: string; event: string; visible_at: Date; dequeue_count: number }>(
    `UPDATE ${t.tasks} SET lock_token = ${p.add(token)}, locked_by = ${p.add(options.lockedBy)},
       visible_at = ${leaseSql(p, options.leaseMs)}, dequeue_count = dequeue_count + 1
     WHERE id = (${nextTaskSql(p, t, options.names)})
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

/** One completion: the task's work item, its result, and the lease on its workflow it asks for. */
export interface Completion {
  item: ActivityWorkItem;
  result: ActivityResultEvent;
  lease?: WorkflowLockOptions;
  /** The lock token the workflow gets if this completion leases it. */
  token: string;
}

/** What a completion came to: its workflow leased to the caller (or not), or the error it fails with. */
export type CompletionOutcome = { ok: true; leased: WorkflowWorkItem | undefined } | { ok: false; error: Error };

interface CompletionsRow {
  deleted: number[] | null;
  leased: { k: number; instance_id: string; runtime_status: RuntimeStatus; history_length: number; execution_id: string; lock_expires_at: string }[] | null;
  inserted: { seq: string; instance_id: string }[] | null;
  earlier: { k: number; seq: string; event: string; dequeue_count: number }[] | null;
  existing: string[] | null;
}

/**
 * Completes activity tasks in one statement: each task is deleted if its lease holds and its result appended
 * to its instance's inbox (dropped if the instance is gone). A completion that asks for a lease gets its
 * workflow leased with the result and the earlier visible events when no lease holds the workflow, it is not
 * waiting for a scheduled start, and no other completion of the same statement is for it (several results
 * for one instance are queued together for the lock query).
 */
export async function completeActivities(pool: Pool, t: Tables, completions: Completion[]): Promise<CompletionOutcome[]> {
  const statement = completionsStatement(t, completions);
  const row = (await pool.query<CompletionsRow>(statement.text, statement.values)).rows[0]!;
  const deleted = new Set(row.deleted ?? []);
  const existing = new Set(row.existing ?? []);
  const leased = new Map((row.leased ?? []).map((l) => [l.k, l]));
  const newSeq = new Map((row.inserted ?? []).map((r) => [r.instance_id, r.seq]));
  return completions.map((c, i): CompletionOutcome => {
    const k = i + 1;
    if (!deleted.has(k)) {
      // A purge deletes the instance's tasks: the result of a task of a vanished instance is dropped.
      if (!existing.has(c.item.instanceId)) return { ok: true, leased: undefined };
      return { ok: false, error: new LeaseLostError(`activity task ${c.item.id} of '${c.item.instanceId}'`) };
    }
    const lease = leased.get(k);
    const seq = lease && newSeq.get(lease.instance_id);
    if (!lease || seq === undefined) return { ok: true, leased: undefined };
    const earlier = (row.earlier ?? []).filter((e) => e.k === k);
    const handle: WorkflowHandle = { inboxSeqs: [...earlier.map((e) => e.seq), seq], status: lease.runtime_status };
    const item: WorkflowWorkItem = {
      instanceId: lease.instance_id,
      lockToken: c.token,
      lockedUntil: new Date(lease.lock_expires_at),
      newEvents: [...earlier.map((e) => decodeEvent(e.event)), c.result],
      historyLength: lease.history_length,
      executionId: lease.execution_id,
      retryCount: Math.max(0, ...earlier.map((e) => e.dequeue_count - 1)),
      handle,
    };
    return { ok: true, leased: item };
  });
}

function completionsStatement(t: Tables, batch: Completion[]) {
  const p = new Params();
  const col = <T>(pick: (q: Completion) => T): T[] => batch.map(pick);
  // Statements see one snapshot: `ev` cannot see the rows `ins` adds, so those are inserted already
  // delivered, visible again at the lease's end (see workflow-queue.ts).
  const text = `WITH x AS (
      SELECT * FROM unnest(${p.add(col((q) => q.item.id))}::bigint[], ${p.add(col((q) => q.item.lockToken))}::text[],
        ${p.add(col((q) => encodeEvent(q.result)))}::text[], ${p.add(col((q) => q.lease !== undefined))}::boolean[],
        ${p.add(col((q) => q.token))}::text[], ${p.add(col((q) => q.lease?.lockedBy ?? null))}::text[],
        ${p.add(col((q) => q.lease?.leaseMs ?? 0))}::double precision[], ${p.add(col((q) => q.lease?.maxEvents ?? DEFAULT_MAX_EVENTS))}::integer[],
        ${p.add(col((q) => (q.lease?.names === undefined ? null : JSON.stringify(q.lease.names))))}::text[])
      WITH ORDINALITY AS x(id, tok, event, want, newtok, by, ms, maxev, names, k)
    ), del AS (
      DELETE FROM ${t.tasks} d USING x WHERE d.id = x.id AND d.lock_token = x.tok RETURNING x.k, d.instance_id
    ), solo AS (
      SELECT instance_id FROM del GROUP BY instance_id HAVING count(*) = 1
    ), lk AS (
      UPDATE ${t.instances} i SET lock_token = x.newtok, locked_by = x.by, lock_expires_at = now() + x.ms * interval '1 millisecond'
      FROM del JOIN x ON x.k = del.k JOIN solo ON solo.instance_id = del.instance_id
      WHERE x.want AND i.instance_id = del.instance_id
        AND (i.lock_expires_at IS NULL OR i.lock_expires_at <= now())
        AND NOT (i.runtime_status = 'PENDING' AND i.scheduled_start_at > now())
        AND (x.names IS NULL OR x.names::jsonb ? i.name)
      RETURNING x.k, i.instance_id, i.runtime_status, i.history_length, i.execution_id, i.lock_expires_at, x.maxev
    ), ins AS (
      INSERT INTO ${t.inbox} (instance_id, event, visible_at, dequeue_count)
      SELECT i.instance_id, x.event, coalesce(lk.lock_expires_at, ${visibleAtSql('i')}), CASE WHEN lk.k IS NULL THEN 0 ELSE 1 END
      FROM del JOIN x ON x.k = del.k JOIN ${t.instances} i ON i.instance_id = del.instance_id LEFT JOIN lk ON lk.k = del.k
      ORDER BY del.k
      RETURNING seq, instance_id
    ), ev AS (
      UPDATE ${t.inbox} e SET dequeue_count = e.dequeue_count + 1, visible_at = lk.lock_expires_at
      FROM lk, LATERAL (SELECT e2.seq FROM ${t.inbox} e2 WHERE e2.instance_id = lk.instance_id AND e2.visible_at <= now()
                        ORDER BY e2.seq LIMIT greatest(lk.maxev - 1, 0)) pick
      WHERE e.seq = pick.seq
      RETURNING lk.k, e.seq, e.event, e.dequeue_count
    )
    SELECT (SELECT array_agg(k::integer) FROM del) AS deleted,
      (SELECT json_agg(json_build_object('k', k, 'instance_id', instance_id, 'runtime_status', runtime_status,
        'history_length', history_length, 'execution_id', execution_id, 'lock_expires_at', lock_expires_at)) FROM lk) AS leased,
      (SELECT json_agg(json_build_object('seq', seq::text, 'instance_id', instance_id)) FROM ins) AS inserted,
      (SELECT json_agg(json_build_object('k', k, 'seq', seq::text, 'event', event, 'dequeue_count', dequeue_count) ORDER BY seq) FROM ev) AS earlier,
      (SELECT array_agg(instance_id) FROM ${t.instances} WHERE instance_id = ANY(${p.add(col((q) => q.item.instanceId))}::text[])) AS existing`;
  return { text, values: p.values };
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
