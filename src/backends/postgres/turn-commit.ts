// completeWorkflowWorkItem: one transaction per turn. A plain turn is ONE statement (data-modifying CTEs all
// guarded by the lease-checking UPDATE, so a lost lease changes nothing); continue-as-new, start messages and
// terminations, which need core/delivery decisions per target, run as several statements inside one explicit
// transaction.
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import type { ActivityLeaseRequest, ActivityWorkItem, InstanceUpdate, OutboundMessage, TurnResult } from '../backend.js';
import { cancelsScheduledStart, decideStartDelivery, isStartMessage } from '../../core/delivery.js';
import { LeaseLostError } from '../../errors.js';
import { encodeEvent } from '../../protocol/codec.js';
import type { ExecutionStartedEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { deleteInstanceRows, enqueueStartCancelling, insertInstance, visibleAtSql } from './instance-store.js';
import { inTransaction, Params, type Queryable, type Tables } from './queries.js';

export interface LeaseKey {
  instanceId: string;
  lockToken: string;
  inboxSeqs: string[];
}

function instanceSets(p: Params, u: InstanceUpdate): string[] {
  const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
  const status = `${p.add(u.runtimeStatus)}::text`;
  return [
    `runtime_status = ${status}`,
    `started_at = CASE WHEN ${status} <> 'PENDING' THEN coalesce(started_at, now()) ELSE started_at END`,
    `name = ${p.add(u.name)}`,
    `execution_id = ${p.add(u.executionId)}`,
    `created_at = ${p.add(u.createdAt)}`,
    `input = ${p.add(u.input ?? null)}`,
    `output = ${p.add(u.output ?? null)}`,
    `custom_status = ${p.add(u.customStatus ?? null)}`,
    `failure_details = ${p.add(json(u.failureDetails))}`,
    `completed_at = ${p.add(u.completedAt ?? null)}`,
    `parent_instance_id = ${p.add(u.parentInstanceId ?? null)}`,
    `version = ${p.add(u.version ?? null)}`,
    `tags = ${p.add(json(u.tags))}`,
  ];
}

/** INSERT of non-start messages into their targets' inboxes; messages to unknown instances are dropped. */
function messagesInsert(p: Params, t: Tables, messages: OutboundMessage[], guard: string): string {
  const targets = p.add(messages.map((m) => m.targetInstanceId));
  const events = p.add(messages.map((m) => encodeEvent(m.event)));
  const visible = p.add(messages.map((m) => m.visibleAt ?? null));
  return `INSERT INTO ${t.inbox} (instance_id, event, visible_at)
    SELECT i.instance_id, x.e, greatest(coalesce(x.v, now()), ${visibleAtSql('i')})
    FROM ${guard}unnest(${targets}::text[], ${events}::text[], ${visible}::timestamptz[]) WITH ORDINALITY x(target, e, v, ord)
    JOIN ${t.instances} i ON i.instance_id = x.target ORDER BY x.ord`;
}

/**
 * The whole turn as one statement; returns 1 row with n = 1 when the lease held, n = 0 otherwise, and the
 * activity tasks inserted already leased (`tokens` holds a lock token for those, null for the others).
 */
function turnStatement(
  t: Tables,
  key: LeaseKey,
  result: TurnResult,
  messages: OutboundMessage[],
  warnings: string[],
  lease: { request?: ActivityLeaseRequest; tokens: (string | null)[] },
) {
  const p = new Params();
  const id = p.add(key.instanceId);
  const history = result.newHistory.map(encodeEvent);
  const sets = ['lock_token = NULL', 'locked_by = NULL', 'lock_expires_at = NULL'];
  sets.push(`history_length = ${result.continuedAsNew ? '0' : 'history_length'} + ${history.length}`);
  if (warnings.length > 0) sets.push(`warnings = warnings || ${p.add(warnings)}::text[]`);
  // A turn that only consumed its inbox leaves the row (and lastUpdatedAt) as it was.
  if (result.instance) sets.push('last_updated_at = now()', ...instanceSets(p, result.instance));
  const ctes = [
    `upd AS (UPDATE ${t.instances} SET ${sets.join(', ')} WHERE instance_id = ${id} AND lock_token = ${p.add(key.lockToken)}
      RETURNING history_length - ${history.length} AS base)`,
  ];
  if (history.length > 0) {
    ctes.push(`h AS (INSERT INTO ${t.history} (instance_id, seq, event)
      SELECT ${id}, upd.base + x.ord::integer - 1, x.e FROM upd, unnest(${p.add(history)}::text[]) WITH ORDINALITY x(e, ord))`);
  }
  if (key.inboxSeqs.length > 0) {
    ctes.push(`d AS (DELETE FROM ${t.inbox} WHERE instance_id = ${id} AND seq = ANY(${p.add(key.inboxSeqs)}::bigint[])
      AND EXISTS (SELECT 1 FROM upd))`);
  }
  if (result.activityTasks.length > 0) {
    const leaseMs = p.add(lease.request?.leaseMs ?? 0);
    ctes.push(`a AS (INSERT INTO ${t.tasks} (instance_id, event, lock_token, locked_by, visible_at, dequeue_count)
      SELECT ${id}, x.e, x.tok, CASE WHEN x.tok IS NULL THEN NULL ELSE ${p.add(lease.request?.lockedBy ?? null)}::text END,
        CASE WHEN x.tok IS NULL THEN now() ELSE now() + ${leaseMs}::double precision * interval '1 millisecond' END,
        CASE WHEN x.tok IS NULL THEN 0 ELSE 1 END
      FROM upd, unnest(${p.add(result.activityTasks.map(encodeEvent))}::text[], ${p.add(lease.tokens)}::text[]) WITH ORDINALITY x(e, tok, ord)
      ORDER BY x.ord RETURNING id, lock_token, visible_at)`);
  }
  if (result.timers.length > 0) {
    const events = p.add(result.timers.map((timer) => encodeEvent(timer.event)));
    const visible = p.add(result.timers.map((timer) => timer.visibleAt));
    ctes.push(`tm AS (INSERT INTO ${t.inbox} (instance_id, event, visible_at)
      SELECT ${id}, x.e, x.v FROM upd, unnest(${events}::text[], ${visible}::timestamptz[]) WITH ORDINALITY x(e, v, ord)
      ORDER BY x.ord)`);
  }
  if (messages.length > 0) ctes.push(`m AS (${messagesInsert(p, t, messages, 'upd, ')})`);
  const leased =
    result.activityTasks.length > 0
      ? `(SELECT coalesce(json_agg(json_build_object('id', id::text, 'token', lock_token, 'until', visible_at)), '[]') FROM a WHERE lock_token IS NOT NULL)`
      : `'[]'::json`;
  return { text: `WITH ${ctes.join(',\n')}\nSELECT (SELECT count(*)::integer FROM upd) AS n, ${leased} AS leased`, values: p.values };
}

export interface TurnRow {
  n: number;
  leased: { id: string; token: string; until: string }[];
}

/** Lock tokens for the tasks to insert already leased: the first `max`, null for the rest. */
export function leaseTokens(result: TurnResult, request?: ActivityLeaseRequest): (string | null)[] {
  return result.activityTasks.map((_, i) => (request && i < request.max ? randomUUID() : null));
}

export function leasedItems(key: LeaseKey, result: TurnResult, tokens: (string | null)[], row: TurnRow): ActivityWorkItem[] {
  const byToken = new Map(row.leased.map((r) => [r.token, r]));
  const items: ActivityWorkItem[] = [];
  tokens.forEach((token, i) => {
    const leased = token ? byToken.get(token) : undefined;
    if (!token || !leased) return;
    items.push({ id: leased.id, instanceId: key.instanceId, lockToken: token, lockedUntil: new Date(leased.until), event: result.activityTasks[i]!, retryCount: 0 });
  });
  return items;
}

export async function commitTurn(pool: Pool, t: Tables, key: LeaseKey, result: TurnResult, request?: ActivityLeaseRequest): Promise<ActivityWorkItem[]> {
  const warnings = [...(result.warnings ?? [])];
  const tokens = leaseTokens(result, request);
  // Start messages and terminations need core/delivery decisions per target: an explicit transaction.
  if (!result.continuedAsNew && !result.messages.some((m) => isStartMessage(m) || cancelsScheduledStart(m.event))) {
    const statement = turnStatement(t, key, result, result.messages, warnings, { request, tokens });
    const done = await pool.query<TurnRow>(statement.text, statement.values);
    if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    return leasedItems(key, result, tokens, done.rows[0]);
  }
  return inTransaction(pool, async (client) => {
    const held = await client.query<{ now: Date }>(
      `SELECT now() AS now FROM ${t.instances} WHERE instance_id = $1 AND lock_token = $2 FOR NO KEY UPDATE`,
      [key.instanceId, key.lockToken],
    );
    const now = held.rows[0]?.now;
    if (!now) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    if (result.continuedAsNew) await client.query(`DELETE FROM ${t.history} WHERE instance_id = $1`, [key.instanceId]);
    await deliverMessages(client, t, result.messages, now, warnings);
    const statement = turnStatement(t, key, result, [], warnings, { request, tokens });
    const done = await client.query<TurnRow>(statement.text, statement.values);
    if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    return leasedItems(key, result, tokens, done.rows[0]);
  });
}

/** Delivers messages in order: runs of plain messages in one statement, start messages one by one. */
async function deliverMessages(db: Queryable, t: Tables, messages: OutboundMessage[], now: Date, warnings: string[]): Promise<void> {
  let run: OutboundMessage[] = [];
  const flush = async (): Promise<void> => {
    if (run.length === 0) return;
    const p = new Params();
    await db.query(messagesInsert(p, t, run, ''), p.values);
    run = [];
  };
  for (const message of messages) {
    if (cancelsScheduledStart(message.event)) {
      await flush();
      // A termination to a vanished instance is dropped like any other message.
      await enqueueStartCancelling(db, t, message.targetInstanceId, message.event);
      continue;
    }
    if (!isStartMessage(message)) {
      run.push(message);
      continue;
    }
    await flush();
    const reply = await deliverStart(db, t, message.event, message.visibleAt, now);
    if (reply?.notify) run.push(reply.notify);
    if (reply?.warning) warnings.push(reply.warning);
  }
  await flush();
}

/** Applies core/delivery's decision for one start message; returns the rejection, if any. */
async function deliverStart(db: Queryable, t: Tables, start: ExecutionStartedEvent, visibleAt: Date | undefined, now: Date) {
  const target = start.workflowInstance.instanceId;
  // A concurrent creator can take the ID between our read and our insert: then decide again on its status.
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await db.query<{ runtime_status: RuntimeStatus }>(
      `SELECT runtime_status FROM ${t.instances} WHERE instance_id = $1 FOR UPDATE`,
      [target],
    );
    const decision = decideStartDelivery(found.rows[0]?.runtime_status, start, now);
    if (decision.outcome === 'reject') return decision;
    if (decision.outcome === 'replace') await deleteInstanceRows(db, t, target);
    if (await insertInstance(db, t, start, visibleAt)) return undefined;
  }
  throw new LeaseLostError(`workflow start of '${target}' (the ID kept changing hands)`);
}
