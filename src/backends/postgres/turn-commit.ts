// completeWorkflowWorkItem: one transaction per turn. A plain turn is ONE statement (data-modifying CTEs all
// guarded by the lease-checking UPDATE, so a lost lease changes nothing); continue-as-new and start messages,
// which need core/delivery decisions per target, run as several statements inside one explicit transaction.
import type { Pool } from 'pg';
import type { InstanceUpdate, OutboundMessage, WorkflowTurnResult } from '../backend.js';
import { decideStartDelivery, isStartMessage } from '../../core/delivery.js';
import { LeaseLostError } from '../../errors.js';
import { encodeEvent } from '../../protocol/codec.js';
import type { ExecutionStartedEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { deleteInstanceRows, insertInstance, visibleAtSql } from './instance-store.js';
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

/** The whole turn as one statement; returns 1 row with n = 1 when the lease held, n = 0 otherwise. */
function turnStatement(t: Tables, key: LeaseKey, result: WorkflowTurnResult, messages: OutboundMessage[], warnings: string[]) {
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
    ctes.push(`a AS (INSERT INTO ${t.tasks} (instance_id, event)
      SELECT ${id}, x.e FROM upd, unnest(${p.add(result.activityTasks.map(encodeEvent))}::text[]) WITH ORDINALITY x(e, ord)
      ORDER BY x.ord)`);
  }
  if (result.timers.length > 0) {
    const events = p.add(result.timers.map((timer) => encodeEvent(timer.event)));
    const visible = p.add(result.timers.map((timer) => timer.visibleAt));
    ctes.push(`tm AS (INSERT INTO ${t.inbox} (instance_id, event, visible_at)
      SELECT ${id}, x.e, x.v FROM upd, unnest(${events}::text[], ${visible}::timestamptz[]) WITH ORDINALITY x(e, v, ord)
      ORDER BY x.ord)`);
  }
  if (messages.length > 0) ctes.push(`m AS (${messagesInsert(p, t, messages, 'upd, ')})`);
  return { text: `WITH ${ctes.join(',\n')}\nSELECT count(*)::integer AS n FROM upd`, values: p.values };
}

export async function commitTurn(pool: Pool, t: Tables, key: LeaseKey, result: WorkflowTurnResult): Promise<void> {
  const warnings = [...(result.warnings ?? [])];
  if (!result.continuedAsNew && !result.messages.some(isStartMessage)) {
    const statement = turnStatement(t, key, result, result.messages, warnings);
    const done = await pool.query<{ n: number }>(statement.text, statement.values);
    if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    return;
  }
  await inTransaction(pool, async (client) => {
    const held = await client.query<{ now: Date }>(
      `SELECT now() AS now FROM ${t.instances} WHERE instance_id = $1 AND lock_token = $2 FOR NO KEY UPDATE`,
      [key.instanceId, key.lockToken],
    );
    const now = held.rows[0]?.now;
    if (!now) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    if (result.continuedAsNew) await client.query(`DELETE FROM ${t.history} WHERE instance_id = $1`, [key.instanceId]);
    await deliverMessages(client, t, result.messages, now, warnings);
    const statement = turnStatement(t, key, result, [], warnings);
    const done = await client.query<{ n: number }>(statement.text, statement.values);
    if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
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
