// Group commit of turns on PostgreSQL: the plain turns that this process completes in one event-loop turn are
// written by ONE statement, each table's rows passed as arrays, instead of one statement per turn. Each turn
// is still guarded by its own lease: a turn whose lock token no longer matches writes nothing and fails alone.
// Turns that need core/delivery decisions per target (continue-as-new, start messages, terminations) and
// batches of one take commitTurn's path; a batch whose statement fails is retried turn by turn there.
import type { Pool } from 'pg';
import type { ActivityLeaseRequest, ActivityWorkItem, TurnResult } from '../backend.js';
import { LeaseLostError } from '../../errors.js';
import { encodeEvent } from '../../protocol/codec.js';
import { visibleAtSql } from './instance-store.js';
import { Params, type Tables } from './queries.js';
import { commitTurn, isPlainTurn, leasedItems, leaseTokens, type LeaseKey, type TurnRow } from './turn-commit.js';
import { TickBatcher } from '../shared/tick-batcher.js';

interface Pending {
  key: LeaseKey;
  result: TurnResult;
  request?: ActivityLeaseRequest;
  resolve: (leased: ActivityWorkItem[]) => void;
  reject: (error: unknown) => void;
}

export class TurnBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  commit(key: LeaseKey, result: TurnResult, request?: ActivityLeaseRequest): Promise<ActivityWorkItem[]> {
    if (!isPlainTurn(result)) return commitTurn(this.pool, this.t, key, result, request);
    return new Promise((resolve, reject) => this.batcher.add({ key, result, request, resolve, reject }));
  }

  private async flush(queued: Pending[]): Promise<void> {
    if (queued.length === 1) return this.alone(queued[0]!);
    // One order of row locks for every batch.
    const batch = [...queued].sort((a, b) => (a.key.instanceId < b.key.instanceId ? -1 : a.key.instanceId > b.key.instanceId ? 1 : 0));
    let row: BatchRow;
    const tokens = batch.map((p) => leaseTokens(p.result, p.request));
    try {
      const statement = batchStatement(this.t, batch, tokens);
      row = (await this.pool.query<BatchRow>(statement.text, statement.values)).rows[0]!;
    } catch {
      // Each turn gets its own statement and outcome. A failed statement rolled back; if instead the connection
      // died after the commit, the retries find the leases released and fail as lost, which is what they are.
      await Promise.all(batch.map((p) => this.alone(p)));
      return;
    }
    const held = new Set(row.held ?? []);
    batch.forEach((p, i) => {
      if (!held.has(i + 1)) return p.reject(new LeaseLostError(`workflow '${p.key.instanceId}'`));
      p.resolve(leasedItems(p.key, p.result, tokens[i]!, { n: 1, leased: row.leased ?? [] }));
    });
  }

  private async alone(p: Pending): Promise<void> {
    await commitTurn(this.pool, this.t, p.key, p.result, p.request).then(p.resolve, p.reject);
  }
}

interface BatchRow {
  /** Ordinals (1-based) of the turns whose lease held. */
  held: number[] | null;
  leased: TurnRow['leased'] | null;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * Column arrays of the instance rows: one entry per turn. A batched turn never begins a generation (that is
 * continue-as-new, which commits alone), so the start event's columns, the input among them, are never written.
 */
function instanceArrays(batch: Pending[]) {
  const u = batch.map((p) => p.result.instance);
  return {
    id: batch.map((p) => p.key.instanceId),
    token: batch.map((p) => p.key.lockToken),
    added: batch.map((p) => p.result.newHistory.length),
    has: u.map((x) => x !== undefined),
    status: u.map((x) => x?.runtimeStatus ?? null),
    output: u.map((x) => x?.output ?? null),
    custom: u.map((x) => x?.customStatus ?? null),
    failure: u.map((x) => json(x?.failureDetails) ?? null),
    completed: u.map((x) => x?.completedAt ?? null),
  };
}

/** Rows of one child table: the turn's ordinal (1-based) and the row's own values, in turn order. */
function rowsOf<T>(batch: Pending[], pick: (p: Pending, i: number) => readonly T[]): { turn: number[]; items: T[] } {
  const turn: number[] = [];
  const items: T[] = [];
  batch.forEach((p, i) => {
    for (const item of pick(p, i)) {
      turn.push(i + 1);
      items.push(item);
    }
  });
  return { turn, items };
}

function batchStatement(t: Tables, batch: Pending[], tokens: (string | null)[][]) {
  const p = new Params();
  const x = instanceArrays(batch);
  const keep = (column: string, value: string): string => `${column} = CASE WHEN x.has THEN ${value} ELSE i.${column} END`;
  const turns = `unnest(${p.add(x.id)}::text[], ${p.add(x.token)}::text[], ${p.add(x.added)}::integer[], ${p.add(x.has)}::boolean[],
      ${p.add(x.status)}::text[], ${p.add(x.output)}::text[], ${p.add(x.custom)}::text[], ${p.add(x.failure)}::text[],
      ${p.add(x.completed)}::timestamptz[])
    WITH ORDINALITY AS x(id, tok, added, has, status, output, custom, failure, completed, k)`;
  const history = rowsOf(batch, (q) => q.result.newHistory.map((e, i) => ({ ord: i, event: encodeEvent(e) })));
  const deletes = rowsOf(batch, (q) => q.key.inboxSeqs);
  const tasks = rowsOf(batch, (q, k) =>
    q.result.activityTasks.map((e, i) => ({
      name: e.name,
      event: encodeEvent(e),
      token: tokens[k]![i] ?? null,
      by: q.request?.lockedBy ?? null,
      ms: q.request?.leaseMs ?? 0,
    })),
  );
  const timers = rowsOf(batch, (q) => q.result.timers.map((timer) => ({ event: encodeEvent(timer.event), at: timer.visibleAt })));
  const messages = rowsOf(batch, (q) => q.result.messages.map((m) => ({ target: m.targetInstanceId, event: encodeEvent(m.event), at: m.visibleAt ?? null })));
  const text = `WITH upd AS (
      UPDATE ${t.instances} i SET lock_token = NULL, locked_by = NULL, lock_expires_at = NULL,
        history_length = i.history_length + x.added,
        last_updated_at = CASE WHEN x.has THEN now() ELSE i.last_updated_at END,
        started_at = CASE WHEN x.has AND x.status <> 'PENDING' THEN coalesce(i.started_at, now()) ELSE i.started_at END,
        ${keep('runtime_status', 'x.status')}, ${keep('output', 'x.output')},
        ${keep('custom_status', 'x.custom')}, ${keep('failure_details', 'x.failure')}, ${keep('completed_at', 'x.completed')}
      FROM ${turns}
      WHERE i.instance_id = x.id AND i.lock_token = x.tok
      RETURNING x.k, i.instance_id, i.history_length - x.added AS base
    ), h AS (
      INSERT INTO ${t.history} (instance_id, seq, event)
      SELECT upd.instance_id, upd.base + r.ord, r.event FROM upd
      JOIN unnest(${p.add(history.turn)}::integer[], ${p.add(history.items.map((r) => r.ord))}::integer[], ${p.add(history.items.map((r) => r.event))}::text[])
        AS r(k, ord, event) ON r.k = upd.k
    ), d AS (
      DELETE FROM ${t.inbox} e USING upd, unnest(${p.add(deletes.turn)}::integer[], ${p.add(deletes.items)}::bigint[]) AS r(k, seq)
      WHERE r.k = upd.k AND e.seq = r.seq AND e.instance_id = upd.instance_id
    ), a AS (
      INSERT INTO ${t.tasks} (instance_id, name, event, lock_token, locked_by, visible_at, dequeue_count)
      SELECT upd.instance_id, r.name, r.event, r.tok, CASE WHEN r.tok IS NULL THEN NULL ELSE r.by END,
        CASE WHEN r.tok IS NULL THEN now() ELSE now() + r.ms * interval '1 millisecond' END,
        CASE WHEN r.tok IS NULL THEN 0 ELSE 1 END
      FROM upd JOIN unnest(${p.add(tasks.turn)}::integer[], ${p.add(tasks.items.map((r) => r.event))}::text[],
        ${p.add(tasks.items.map((r) => r.token))}::text[], ${p.add(tasks.items.map((r) => r.by))}::text[],
        ${p.add(tasks.items.map((r) => r.ms))}::double precision[], ${p.add(tasks.items.map((r) => r.name))}::text[])
        WITH ORDINALITY AS r(k, event, tok, by, ms, name, ord) ON r.k = upd.k
      ORDER BY r.ord RETURNING id, lock_token, visible_at
    ), ib AS (
      -- Each turn's timers, then its messages (read and planned as in turn-commit's inboxInsert), in order.
      INSERT INTO ${t.inbox} (instance_id, event, visible_at)
      SELECT y.instance_id, y.event, y.at FROM (
        SELECT upd.k, upd.instance_id, r.event, r.at, 0 AS part, r.ord FROM upd
        JOIN unnest(${p.add(timers.turn)}::integer[], ${p.add(timers.items.map((r) => r.event))}::text[], ${p.add(timers.items.map((r) => r.at))}::timestamptz[])
          WITH ORDINALITY AS r(k, event, at, ord) ON r.k = upd.k
        UNION ALL
        SELECT upd.k, i.instance_id, r.event, greatest(coalesce(r.at, now()), ${visibleAtSql('i')}), 1, r.ord FROM upd
        JOIN unnest(${p.add(messages.turn)}::integer[], ${p.add(messages.items.map((r) => r.target))}::text[],
          ${p.add(messages.items.map((r) => r.event))}::text[], ${p.add(messages.items.map((r) => r.at))}::timestamptz[])
          WITH ORDINALITY AS r(k, target, event, at, ord) ON r.k = upd.k
        JOIN ${t.instances} i ON i.instance_id = r.target
      ) y ORDER BY y.k, y.part, y.ord
    )
    SELECT (SELECT array_agg(k::integer) FROM upd) AS held,
      (SELECT json_agg(json_build_object('id', id::text, 'token', lock_token, 'until', visible_at)) FROM a WHERE lock_token IS NOT NULL) AS leased`;
  return { text, values: p.values };
}
