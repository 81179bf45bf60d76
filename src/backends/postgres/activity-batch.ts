// Group commit of activity completions on PostgreSQL: the completions of one event-loop turn share one
// statement. Each is still checked against its own task lease; each instance that appears once in the batch
// and is free may be leased to the completing worker with its result (as completeActivity does alone). An
// instance with several results in the batch gets them queued and is leased by no one here: the lock query
// takes them together. A batch of one, and a batch whose statement fails, take completeActivity's path.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ActivityResultEvent, ActivityWorkItem, WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import { LeaseLostError } from '../../errors.js';
import { decodeEvent, encodeEvent } from '../../protocol/codec.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { completeActivity } from './activity-queue.js';
import { visibleAtSql } from './instance-store.js';
import { Params, type Tables } from './queries.js';
import type { WorkflowHandle } from './workflow-queue.js';
import { TickBatcher } from '../shared/tick-batcher.js';

interface Pending {
  item: ActivityWorkItem;
  result: ActivityResultEvent;
  lease?: WorkflowLockOptions;
  token: string;
  resolve: (leased: WorkflowWorkItem | undefined) => void;
  reject: (error: unknown) => void;
}

interface BatchRow {
  deleted: number[] | null;
  leased: { k: number; instance_id: string; runtime_status: RuntimeStatus; history_length: number; lock_expires_at: string }[] | null;
  inserted: { seq: string; instance_id: string }[] | null;
  earlier: { k: number; seq: string; event: string; dequeue_count: number }[] | null;
  existing: string[] | null;
}

export class ActivityBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  complete(item: ActivityWorkItem, result: ActivityResultEvent, lease?: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    return new Promise((resolve, reject) => {
      this.batcher.add({ item, result, lease, token: randomUUID(), resolve, reject });
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    let row: BatchRow;
    try {
      const statement = batchStatement(this.t, batch);
      row = (await this.pool.query<BatchRow>(statement.text, statement.values)).rows[0]!;
    } catch {
      // Each completion gets its own statement and outcome. A failed statement rolled back; if instead the
      // connection died after the commit, the retries find the tasks gone and fail as lost leases (a workflow
      // the batch leased then waits for that lease to expire).
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    const deleted = new Set(row.deleted ?? []);
    const existing = new Set(row.existing ?? []);
    const leased = new Map((row.leased ?? []).map((l) => [l.k, l]));
    const newSeq = new Map((row.inserted ?? []).map((r) => [r.instance_id, r.seq]));
    batch.forEach((p, i) => {
      const k = i + 1;
      if (!deleted.has(k)) {
        // A purge deletes the instance's tasks: the result of a task of a vanished instance is dropped.
        if (!existing.has(p.item.instanceId)) return p.resolve(undefined);
        return p.reject(new LeaseLostError(`activity task ${p.item.id} of '${p.item.instanceId}'`));
      }
      const lease = leased.get(k);
      const seq = lease && newSeq.get(lease.instance_id);
      if (!lease || seq === undefined) return p.resolve(undefined);
      const earlier = (row.earlier ?? []).filter((e) => e.k === k);
      const handle: WorkflowHandle = { inboxSeqs: [...earlier.map((e) => e.seq), seq], status: lease.runtime_status };
      p.resolve({
        instanceId: lease.instance_id,
        lockToken: p.token,
        lockedUntil: new Date(lease.lock_expires_at),
        newEvents: [...earlier.map((e) => decodeEvent(e.event)), p.result],
        historyLength: lease.history_length,
        retryCount: Math.max(0, ...earlier.map((e) => e.dequeue_count - 1)),
        handle,
      });
    });
  }

  private async alone(p: Pending): Promise<void> {
    await completeActivity(this.pool, this.t, p.item, p.result, p.lease).then(p.resolve, p.reject);
  }
}

function batchStatement(t: Tables, batch: Pending[]) {
  const p = new Params();
  const col = <T>(pick: (q: Pending) => T): T[] => batch.map(pick);
  // Statements see one snapshot: `ev` cannot see the rows `ins` adds, so those are inserted already
  // delivered, visible again at the lease's end (see workflow-queue.ts).
  const text = `WITH x AS (
      SELECT * FROM unnest(${p.add(col((q) => q.item.id))}::bigint[], ${p.add(col((q) => q.item.lockToken))}::text[],
        ${p.add(col((q) => encodeEvent(q.result)))}::text[], ${p.add(col((q) => q.lease !== undefined))}::boolean[],
        ${p.add(col((q) => q.token))}::text[], ${p.add(col((q) => q.lease?.lockedBy ?? null))}::text[],
        ${p.add(col((q) => q.lease?.leaseMs ?? 0))}::double precision[], ${p.add(col((q) => q.lease?.maxEvents ?? 1000))}::integer[])
      WITH ORDINALITY AS x(id, tok, event, want, newtok, by, ms, maxev, k)
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
      RETURNING x.k, i.instance_id, i.runtime_status, i.history_length, i.lock_expires_at, x.maxev
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
        'history_length', history_length, 'lock_expires_at', lock_expires_at)) FROM lk) AS leased,
      (SELECT json_agg(json_build_object('seq', seq::text, 'instance_id', instance_id)) FROM ins) AS inserted,
      (SELECT json_agg(json_build_object('k', k, 'seq', seq::text, 'event', event, 'dequeue_count', dequeue_count) ORDER BY seq) FROM ev) AS earlier,
      (SELECT array_agg(instance_id) FROM ${t.instances} WHERE instance_id = ANY(${p.add(col((q) => q.item.instanceId))}::text[])) AS existing`;
  return { text, values: p.values };
}
