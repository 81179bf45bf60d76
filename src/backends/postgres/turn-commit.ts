// completeWorkflowWorkItem: one transaction per turn. A plain turn is ONE statement (data-modifying CTEs all
// guarded by the lease-checking UPDATE, so a lost lease changes nothing); continue-as-new, start messages and
// terminations run as several statements inside one explicit transaction: read the targets, let core/delivery
// plan, write the turn, execute the plan.
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { servesName } from '../shared/lock-names.js';
import type { ActivityLeaseRequest, ActivityWorkItem, InstanceUpdate, OutboundMessage, TurnResult } from '../backend.js';
import { cancelsScheduledStart, deliveryTargets, isStartMessage, planTurnDelivery, type DeliveryStep, type EnqueueStep } from '../../core/delivery.js';
import { LeaseLostError } from '../../errors.js';
import { encodeEvent } from '../../protocol/codec.js';
import { deleteInstanceRows, insertInstance, readTargets, visibleAtSql } from './instance-store.js';
import { inTransaction, Params, type Queryable, type Tables } from './queries.js';

export interface LeaseKey {
  instanceId: string;
  lockToken: string;
  inboxSeqs: string[];
}

function instanceSets(p: Params, u: InstanceUpdate): string[] {
  const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
  const status = `${p.add(u.runtimeStatus)}::text`;
  const sets = [
    `runtime_status = ${status}`,
    `started_at = CASE WHEN ${status} <> 'PENDING' THEN coalesce(started_at, now()) ELSE started_at END`,
    `output = ${p.add(u.output ?? null)}`,
    `custom_status = ${p.add(u.customStatus ?? null)}`,
    `failure_details = ${p.add(json(u.failureDetails))}`,
    `completed_at = ${p.add(u.completedAt ?? null)}`,
  ];
  // The start event's columns (the input above all, kept out of line by TOAST) are written only when a
  // generation begins; otherwise the row keeps them without copying them.
  const g = u.generation;
  if (g) {
    sets.push(
      `name = ${p.add(g.name)}`,
      `execution_id = ${p.add(g.executionId)}`,
      `input = ${p.add(g.input ?? null)}`,
      `parent_instance_id = ${p.add(g.parentInstanceId ?? null)}`,
      `version = ${p.add(g.version ?? null)}`,
      `tags = ${p.add(json(g.tags))}`,
    );
  }
  return sets;
}

/**
 * One INSERT of the turn's timers, then its plain messages (no start, no termination), in that order. For a
 * message the join reads its target as it writes, and applies core/delivery's plan for such a message
 * (eventVisibleAt, rendered by visibleAtSql; dropped when the target does not exist).
 */
function inboxInsert(p: Params, t: Tables, id: string, result: TurnResult, messages: OutboundMessage[]): string {
  const timers = `SELECT ${id}::text AS instance_id, x.e, x.v, 0 AS part, x.ord
      FROM unnest(${p.add(result.timers.map((timer) => encodeEvent(timer.event)))}::text[], ${p.add(result.timers.map((timer) => timer.visibleAt))}::timestamptz[])
      WITH ORDINALITY x(e, v, ord)`;
  const sent = `SELECT i.instance_id, x.e, greatest(coalesce(x.v, now()), ${visibleAtSql('i')}), 1, x.ord
      FROM unnest(${p.add(messages.map((m) => m.targetInstanceId))}::text[], ${p.add(messages.map((m) => encodeEvent(m.event)))}::text[],
        ${p.add(messages.map((m) => m.visibleAt ?? null))}::timestamptz[]) WITH ORDINALITY x(target, e, v, ord)
      JOIN ${t.instances} i ON i.instance_id = x.target`;
  return `INSERT INTO ${t.inbox} (instance_id, event, visible_at)
    SELECT y.instance_id, y.e, y.v FROM upd, (${timers} UNION ALL ${sent}) y(instance_id, e, v, part, ord) ORDER BY y.part, y.ord`;
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
    ctes.push(`a AS (INSERT INTO ${t.tasks} (instance_id, name, event, lock_token, locked_by, visible_at, dequeue_count)
      SELECT ${id}, x.n, x.e, x.tok, CASE WHEN x.tok IS NULL THEN NULL ELSE ${p.add(lease.request?.lockedBy ?? null)}::text END,
        CASE WHEN x.tok IS NULL THEN now() ELSE now() + ${leaseMs}::double precision * interval '1 millisecond' END,
        CASE WHEN x.tok IS NULL THEN 0 ELSE 1 END
      FROM upd, unnest(${p.add(result.activityTasks.map(encodeEvent))}::text[], ${p.add(lease.tokens)}::text[],
        ${p.add(result.activityTasks.map((task) => task.name))}::text[]) WITH ORDINALITY x(e, tok, n, ord)
      ORDER BY x.ord RETURNING id, lock_token, visible_at)`);
  }
  if (result.timers.length > 0 || messages.length > 0) ctes.push(`ib AS (${inboxInsert(p, t, id, result, messages)})`);
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

/**
 * Lock tokens for the tasks to insert already leased: the first `max` the worker can run, null for the rest
 * (which wait for a worker that serves them).
 */
export function leaseTokens(result: TurnResult, request?: ActivityLeaseRequest): (string | null)[] {
  let taken = 0;
  return result.activityTasks.map((task) => (request && taken < request.max && servesName(request, task.name) && ++taken ? randomUUID() : null));
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

/** A turn whose messages all plan as plain enqueues and whose history only grows: it can be one statement. */
export function isPlainTurn(result: TurnResult): boolean {
  return !result.continuedAsNew && !result.messages.some((m) => isStartMessage(m) || cancelsScheduledStart(m.event));
}

/** A start's ID was taken between our read and our insert (a concurrent creator): plan again on the new state. */
class TargetTaken extends Error {}

export async function commitTurn(pool: Pool, t: Tables, key: LeaseKey, result: TurnResult, request?: ActivityLeaseRequest): Promise<ActivityWorkItem[]> {
  const tokens = leaseTokens(result, request);
  if (isPlainTurn(result)) {
    const statement = turnStatement(t, key, result, result.messages, [], { request, tokens });
    const done = await pool.query<TurnRow>(statement.text, statement.values);
    if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
    return leasedItems(key, result, tokens, done.rows[0]);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await inTransaction(pool, (client) => commitPlanned(client, t, key, result, request, tokens));
    } catch (error) {
      if (!(error instanceof TargetTaken)) throw error;
    }
  }
  throw new LeaseLostError(`workflow '${key.instanceId}' (a start's instance ID kept changing hands)`);
}

async function commitPlanned(
  client: Queryable,
  t: Tables,
  key: LeaseKey,
  result: TurnResult,
  request: ActivityLeaseRequest | undefined,
  tokens: (string | null)[],
): Promise<ActivityWorkItem[]> {
  const held = await client.query<{ now: Date }>(
    `SELECT now() AS now FROM ${t.instances} WHERE instance_id = $1 AND lock_token = $2 FOR NO KEY UPDATE`,
    [key.instanceId, key.lockToken],
  );
  const now = held.rows[0]?.now;
  if (!now) throw new LeaseLostError(`workflow '${key.instanceId}'`);
  const targets = await readTargets(client, t, deliveryTargets(result.messages));
  const plan = planTurnDelivery({ senderId: key.instanceId, result, targets, now });
  if (result.continuedAsNew) await client.query(`DELETE FROM ${t.history} WHERE instance_id = $1`, [key.instanceId]);
  const statement = turnStatement(t, key, result, [], plan.warnings, { request, tokens });
  const done = await client.query<TurnRow>(statement.text, statement.values);
  if (done.rows[0]?.n !== 1) throw new LeaseLostError(`workflow '${key.instanceId}'`);
  await executePlan(client, t, plan.steps);
  return leasedItems(key, result, tokens, done.rows[0]);
}

/** Executes a core/delivery plan in order: runs of enqueues in one statement, instance creations one by one. */
async function executePlan(db: Queryable, t: Tables, steps: DeliveryStep[]): Promise<void> {
  let run: EnqueueStep[] = [];
  const flush = async (): Promise<void> => {
    if (run.length === 0) return;
    const p = new Params();
    await db.query(
      `INSERT INTO ${t.inbox} (instance_id, event, visible_at)
       SELECT x.target, x.e, x.v FROM unnest(${p.add(run.map((s) => s.targetInstanceId))}::text[], ${p.add(run.map((s) => encodeEvent(s.event)))}::text[],
         ${p.add(run.map((s) => s.visibleAt))}::timestamptz[]) WITH ORDINALITY x(target, e, v, ord) ORDER BY x.ord`,
      p.values,
    );
    run = [];
  };
  for (const step of steps) {
    if (step.kind === 'enqueue') {
      if (step.revealsStart) {
        await flush();
        await db.query(`UPDATE ${t.inbox} SET visible_at = $2 WHERE instance_id = $1 AND visible_at > $2`, [step.targetInstanceId, step.visibleAt]);
      }
      run.push(step);
      continue;
    }
    await flush();
    const id = step.start.workflowInstance.instanceId;
    if (step.kind === 'replace') await deleteInstanceRows(db, t, id);
    if (!(await insertInstance(db, t, step.start, step.visibleAt))) throw new TargetTaken(id);
  }
  await flush();
}
