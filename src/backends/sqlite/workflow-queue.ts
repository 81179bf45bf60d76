// Workflow work items: locking an instance with its visible inbox rows, and committing, abandoning or
// renewing that lock. The lock token lives on the instance row and on exactly the inbox rows locked,
// so completion deletes exactly the batch that was delivered.
import { randomUUID } from 'node:crypto';
import type { ActivityLeaseRequest, ActivityWorkItem, WorkflowLockOptions, TurnResult, WorkflowWorkItem } from '../backend.js';
import type { HistoryEvent, TaskScheduledEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { decodeEvent, encodeEvent, encodeEvents } from '../../protocol/codec.js';
import { LeaseLostError } from '../../errors.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';
import { enqueue, executeStep, readStatus, refreshNextVisible, targetStateOf } from './instance-store.js';
import { deliveryTargets, planTurnDelivery } from '../../core/delivery.js';
import { jsonOrNull, msOrNull } from './rows.js';
import { DEFAULT_MAX_EVENTS } from '../shared/instance-record.js';
import { servesName } from '../shared/lock-names.js';
import { nextWorkflowCandidate } from './ready-query.js';

/**
 * The work item's handle: the id range of its locked inbox rows (releasing them is a range seek, or a
 * rowid lookup for one row) and the instance's status when locked (a turn that keeps it sends no
 * status signal).
 */
interface LockHandle {
  firstId: number;
  lastId: number;
  status?: RuntimeStatus;
}

/** The locked rows' id range; a work item without our handle falls back to every id. */
function handleOf(item: WorkflowWorkItem): LockHandle {
  const h = item.handle as Partial<LockHandle> | undefined;
  return typeof h?.firstId === 'number' && typeof h.lastId === 'number'
    ? { firstId: h.firstId, lastId: h.lastId, status: h.status }
    : { firstId: 0, lastId: Number.MAX_SAFE_INTEGER };
}

interface InboxRow {
  id: number;
  event: string;
  dequeue_count: number;
}

interface Candidate {
  instance_id: string;
  history_length: number;
  execution_id: string;
  runtime_status: RuntimeStatus;
}

/** Whether some unlocked instance of these names has visible inbox events (a read, outside any transaction). */
export function hasWorkflowWork(sql: Statements, now: number, names?: readonly string[]): boolean {
  return nextWorkflowCandidate(sql, now, names) !== undefined;
}

export function lockWorkflow(sql: Statements, tx: TxContext, options: WorkflowLockOptions): WorkflowWorkItem | undefined {
  // A candidate whose cached next_visible_at is stale finds no rows; repair it and try the next one.
  for (let attempt = 0; attempt < 10; attempt++) {
    const candidate = nextWorkflowCandidate<Candidate>(sql, tx.now, options.names);
    if (!candidate) return undefined;
    const item = lockInstance(sql, tx, candidate, options);
    if (item) return item;
    refreshNextVisible(sql, candidate.instance_id);
  }
  return undefined;
}

/** The instance fields that decide whether an arriving event can be locked at once. */
export interface ArrivalRow extends Candidate {
  lock_expires_at: number | null;
  next_visible_at: number | null;
}

/**
 * Enqueues an event that is visible now to an instance no lease holds, and locks the instance with it,
 * so the event goes to the caller's worker without a lock query. Other visible events of the instance
 * join the work item.
 *
 * While a lease holds an instance, its next_visible_at is at most the lease's end (the completion
 * recomputes it): the lock query then passes over leased instances instead of reading each one again,
 * and an expired lease makes the instance and its undelivered rows due again by itself.
 */
export function enqueueLocked(
  sql: Statements,
  tx: TxContext,
  row: ArrivalRow,
  event: HistoryEvent,
  options: WorkflowLockOptions,
): WorkflowWorkItem {
  const instanceId = row.instance_id;
  if (row.history_length === 0 || (row.next_visible_at !== null && row.next_visible_at <= tx.now)) {
    // Earlier events wait, or the start goes along: queue behind them and lock them all, in order.
    enqueue(sql, tx, instanceId, event, tx.now);
    const item = lockInstance(sql, tx, row, options);
    // The event just queued is visible, so there is an item; failing here rolls the enqueue back.
    if (!item) throw new Error(`instance '${instanceId}' has no visible inbox event right after one was queued`);
    return item;
  }
  const lockToken = randomUUID();
  const until = tx.now + options.leaseMs;
  const id = Number(
    sql
      .get('INSERT INTO inbox (instance_id, visible_at, enqueued_at, event, lock_token, dequeue_count) VALUES (?, ?, ?, ?, ?, 1)')
      .run(instanceId, tx.now, tx.now, encodeEvent(event), lockToken).lastInsertRowid,
  );
  sql
    .get(
      `UPDATE instances SET lock_token = ?, locked_by = ?, lock_expires_at = ?,
         next_visible_at = MIN(COALESCE(next_visible_at, ?), ?) WHERE instance_id = ?`,
    )
    .run(lockToken, options.lockedBy, until, until, until, instanceId);
  const handle: LockHandle = { firstId: id, lastId: id, status: row.runtime_status };
  return { instanceId, lockToken, lockedUntil: new Date(until), newEvents: [event], historyLength: row.history_length, executionId: row.execution_id, retryCount: 0, handle };
}

function lockInstance(sql: Statements, tx: TxContext, candidate: Candidate, options: WorkflowLockOptions): WorkflowWorkItem | undefined {
  const instanceId = candidate.instance_id;
  // A literal limit: a bound LIMIT parameter measured about twice as slow for this query.
  const limit = Math.max(1, Math.floor(options.maxEvents ?? DEFAULT_MAX_EVENTS));
  const lockToken = randomUUID();
  // An instance that has not started takes its start (its first row) along, even while a back-off holds
  // the start back: an event that arrived meanwhile must not reach an instance with no history and be
  // dropped (a scheduled start holds the other events back too, and a termination reveals it).
  const fresh = candidate.history_length === 0;
  const visible = fresh
    ? `(visible_at <= ? OR (id = (SELECT MIN(id) FROM inbox WHERE instance_id = ?)
         AND EXISTS (SELECT 1 FROM inbox WHERE instance_id = ? AND visible_at <= ?)))`
    : 'visible_at <= ?';
  const rows = sql
    // inbox_instance walks the instance's rows in id (FIFO) order and stops at the limit, where the
    // planner would otherwise pick inbox_visible and sort every visible row of a large fan-out.
    .get(
      `UPDATE inbox SET lock_token = ?, dequeue_count = dequeue_count + 1 WHERE id IN
         (SELECT id FROM inbox INDEXED BY inbox_instance WHERE instance_id = ? AND ${visible} ORDER BY id LIMIT ${limit})
       RETURNING id, event, dequeue_count`,
    )
    .all(lockToken, instanceId, tx.now, ...(fresh ? [instanceId, instanceId, tx.now] : [])) as InboxRow[];
  if (rows.length === 0) return undefined;
  // RETURNING has no defined order; the inbox is FIFO by id.
  rows.sort((a, b) => a.id - b.id);
  const lockedUntil = tx.now + options.leaseMs;
  sql
    .get('UPDATE instances SET lock_token = ?, locked_by = ?, lock_expires_at = ?, next_visible_at = ? WHERE instance_id = ?')
    .run(lockToken, options.lockedBy, lockedUntil, lockedUntil, instanceId);
  // The visible rows between the first and last id selected are exactly the selected set (same instant).
  const handle: LockHandle = { firstId: rows[0]!.id, lastId: rows[rows.length - 1]!.id, status: candidate.runtime_status };
  return {
    instanceId,
    lockToken,
    lockedUntil: new Date(lockedUntil),
    newEvents: rows.map((r) => decodeEvent(r.event)),
    historyLength: candidate.history_length,
    executionId: candidate.execution_id,
    // dequeue_count was already incremented for this delivery.
    retryCount: Math.max(...rows.map((r) => r.dequeue_count)) - 1,
    handle,
  };
}

/** Releases the work item's inbox rows; one row (the common turn) is a rowid lookup. */
function deleteLockedRows(sql: Statements, item: WorkflowWorkItem, handle: LockHandle): void {
  if (handle.firstId === handle.lastId) {
    sql.get('DELETE FROM inbox WHERE id = ? AND lock_token = ?').run(handle.firstId, item.lockToken);
    return;
  }
  sql
    .get('DELETE FROM inbox INDEXED BY inbox_instance WHERE instance_id = ? AND id BETWEEN ? AND ? AND lock_token = ?')
    .run(item.instanceId, handle.firstId, handle.lastId, item.lockToken);
}

/**
 * Commits a turn. The lease is checked by the instance UPDATE itself (no separate read): a lost lease
 * throws, and the group committer rolls this write back to its savepoint.
 */
export function completeWorkflow(
  sql: Statements,
  tx: TxContext,
  item: WorkflowWorkItem,
  result: TurnResult,
  lease?: ActivityLeaseRequest,
): ActivityWorkItem[] {
  const id = item.instanceId;
  const handle = handleOf(item);
  const warnings: string[] = [];
  deleteLockedRows(sql, item, handle);
  // The instance UPDATE below recomputes next_visible_at, so the timers skip their own update.
  for (const timer of result.timers) enqueue(sql, tx, id, timer.event, timer.visibleAt.getTime(), { refresh: false });
  if (result.messages.length > 0) {
    const targets = new Map(deliveryTargets(result.messages).map((target) => [target, targetStateOf(readStatus(sql, target))]));
    const plan = planTurnDelivery({ senderId: id, result, targets, now: new Date(tx.now) });
    for (const step of plan.steps) executeStep(sql, tx, step);
    warnings.push(...plan.warnings);
  }
  const historyLength = (result.continuedAsNew ? 0 : item.historyLength) + result.newHistory.length;
  if (!updateInstance(sql, tx, id, item.lockToken, result, historyLength)) {
    throw new LeaseLostError(`workflow work item of instance '${id}'`);
  }
  if (warnings.length > 0) appendWarnings(sql, id, warnings);
  if (result.instance && result.instance.runtimeStatus !== handle.status) {
    tx.signals.push({ kind: 'statusChanged', instanceId: id, runtimeStatus: result.instance.runtimeStatus });
  }
  appendHistory(sql, id, item.historyLength, result);
  const leased = insertTasks(sql, tx, id, result.activityTasks, lease);
  if (result.activityTasks.length > leased.length) tx.signals.push({ kind: 'activityWork' });
  return leased;
}

function appendWarnings(sql: Statements, id: string, warnings: string[]): void {
  const row = sql.get('SELECT warnings FROM instances WHERE instance_id = ?').get(id) as { warnings: string | null };
  const all = [...(row.warnings ? (JSON.parse(row.warnings) as string[]) : []), ...warnings];
  sql.get('UPDATE instances SET warnings = ? WHERE instance_id = ?').run(jsonOrNull(all), id);
}

/** Queues the turn's activity tasks; the first `lease.max` are inserted already leased to that worker. */
function insertTasks(sql: Statements, tx: TxContext, id: string, tasks: TaskScheduledEvent[], lease?: ActivityLeaseRequest): ActivityWorkItem[] {
  const leased: ActivityWorkItem[] = [];
  for (const task of tasks) {
    // Only tasks the committing worker can run are leased to it; the rest wait for a worker that serves them.
    if (!lease || leased.length >= lease.max || !servesName(lease, task.name)) {
      sql
        .get('INSERT INTO activity_tasks (instance_id, name, available_at, enqueued_at, event) VALUES (?, ?, ?, ?, ?)')
        .run(id, task.name, tx.now, tx.now, encodeEvent(task));
      continue;
    }
    const lockToken = randomUUID();
    const until = tx.now + lease.leaseMs;
    const row = sql
      .get(
        `INSERT INTO activity_tasks (instance_id, name, available_at, enqueued_at, event, lock_token, locked_by, lock_expires_at, dequeue_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(id, task.name, until, tx.now, encodeEvent(task), lockToken, lease.lockedBy, until);
    leased.push({ id: String(row.lastInsertRowid), instanceId: id, lockToken, lockedUntil: new Date(until), event: task, retryCount: 0 });
  }
  return leased;
}

/** Appends the turn's events as one row (after clearing the history on continue-as-new). */
function appendHistory(sql: Statements, id: string, historyLength: number, result: TurnResult): void {
  if (result.continuedAsNew) sql.get('DELETE FROM history WHERE instance_id = ?').run(id);
  if (result.newHistory.length === 0) return;
  sql
    .get('INSERT INTO history (instance_id, seq, events) VALUES (?, ?, ?)')
    .run(id, result.continuedAsNew ? 0 : historyLength, encodeEvents(result.newHistory));
}

const NEXT_VISIBLE = '(SELECT MIN(visible_at) FROM inbox WHERE instance_id = instances.instance_id)';

/** Writes the turn's instance row and releases the lock; false when the lock token no longer matches. */
function updateInstance(
  sql: Statements,
  tx: TxContext,
  id: string,
  lockToken: string,
  result: TurnResult,
  historyLength: number,
): boolean {
  const u = result.instance;
  if (!u) {
    return (
      sql
        .get(
          `UPDATE instances SET history_length = ?, next_visible_at = ${NEXT_VISIBLE},
             lock_token = NULL, locked_by = NULL, lock_expires_at = NULL
           WHERE instance_id = ? AND lock_token = ?`,
        )
        .run(historyLength, id, lockToken).changes > 0
    );
  }
  // The start event's columns (the input above all) are written only when a generation begins.
  const g = u.generation;
  const generation = g ? 'name = ?, execution_id = ?, input = ?, parent_instance_id = ?, version = ?, tags = ?,' : '';
  const generationValues = g ? [g.name, g.executionId, g.input ?? null, g.parentInstanceId ?? null, g.version ?? null, jsonOrNull(g.tags)] : [];
  return (
    sql
      .get(
        `UPDATE instances SET runtime_status = ?, ${generation} output = ?, custom_status = ?, failure_details = ?, completed_at = ?,
           last_updated_at = ?, started_at = COALESCE(started_at, ?), history_length = ?, next_visible_at = ${NEXT_VISIBLE},
           lock_token = NULL, locked_by = NULL, lock_expires_at = NULL
         WHERE instance_id = ? AND lock_token = ?`,
      )
      .run(
        u.runtimeStatus,
        ...generationValues,
        u.output ?? null,
        u.customStatus ?? null,
        jsonOrNull(u.failureDetails),
        msOrNull(u.completedAt),
        tx.now,
        tx.now,
        historyLength,
        id,
        lockToken,
      ).changes > 0
  );
}

export function abandonWorkflow(sql: Statements, tx: TxContext, item: WorkflowWorkItem, delayMs: number): void {
  const released = sql
    .get('UPDATE instances SET lock_token = NULL, locked_by = NULL, lock_expires_at = NULL WHERE instance_id = ? AND lock_token = ?')
    .run(item.instanceId, item.lockToken).changes;
  if (released === 0) throw new LeaseLostError(`workflow work item of instance '${item.instanceId}'`);
  const visibleAt = tx.now + Math.max(0, delayMs);
  const range = handleOf(item);
  sql
    .get(
      `UPDATE inbox INDEXED BY inbox_instance SET lock_token = NULL, visible_at = ?
       WHERE instance_id = ? AND id BETWEEN ? AND ? AND lock_token = ?`,
    )
    .run(visibleAt, item.instanceId, range.firstId, range.lastId, item.lockToken);
  refreshNextVisible(sql, item.instanceId);
  if (visibleAt <= tx.now) tx.signals.push({ kind: 'workflowWork' });
}

/** @returns the new lease expiry */
export function renewWorkflow(sql: Statements, tx: TxContext, item: WorkflowWorkItem, leaseMs: number): Date {
  const until = tx.now + leaseMs;
  const changed = sql
    // next_visible_at follows the lease's end (see enqueueLocked).
    .get('UPDATE instances SET lock_expires_at = ?, next_visible_at = ? WHERE instance_id = ? AND lock_token = ?')
    .run(until, until, item.instanceId, item.lockToken).changes;
  if (changed === 0) throw new LeaseLostError(`workflow work item of instance '${item.instanceId}'`);
  return new Date(until);
}
