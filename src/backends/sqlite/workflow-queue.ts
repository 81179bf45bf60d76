// Workflow work items: locking an instance with its visible inbox rows, and committing, abandoning or
// renewing that lock. The lock token lives on the instance row and on exactly the inbox rows locked,
// so completion deletes exactly the batch that was delivered.
import { randomUUID } from 'node:crypto';
import type { ActivityLeaseRequest, ActivityWorkItem, WorkflowLockOptions, WorkflowTurnResult, WorkflowWorkItem } from '../backend.js';
import type { HistoryEvent, TaskScheduledEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { decodeEvent, encodeEvent } from '../../protocol/codec.js';
import { LeaseLostError } from '../../errors.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';
import { deliverMessage, enqueue, refreshNextVisible } from './instance-store.js';
import { jsonOrNull, msOrNull } from './rows.js';
import { DEFAULT_MAX_EVENTS } from '../shared/instance-record.js';

/** The work item's handle: the id range of its locked inbox rows, so releasing them is a range seek. */
interface InboxRange {
  firstId: number;
  lastId: number;
}

/** The locked rows' id range; a work item without our handle falls back to every id. */
function rangeOf(item: WorkflowWorkItem): InboxRange {
  const h = item.handle as Partial<InboxRange> | undefined;
  return typeof h?.firstId === 'number' && typeof h.lastId === 'number'
    ? { firstId: h.firstId, lastId: h.lastId }
    : { firstId: 0, lastId: Number.MAX_SAFE_INTEGER };
}

interface InboxRow {
  id: number;
  event: string;
  dequeue_count: number;
}

const CANDIDATE = `SELECT instance_id, history_length FROM instances
  WHERE next_visible_at <= ? AND (lock_expires_at IS NULL OR lock_expires_at <= ?)
  ORDER BY next_visible_at LIMIT 1`;

/** Whether some unlocked instance has visible inbox events (a read, outside any transaction). */
export function hasWorkflowWork(sql: Statements, now: number): boolean {
  return sql.get(CANDIDATE).get(now, now) !== undefined;
}

export function lockWorkflow(sql: Statements, tx: TxContext, options: WorkflowLockOptions): WorkflowWorkItem | undefined {
  // A candidate whose cached next_visible_at is stale finds no rows; repair it and try the next one.
  for (let attempt = 0; attempt < 10; attempt++) {
    const candidate = sql.get(CANDIDATE).get(tx.now, tx.now) as { instance_id: string; history_length: number } | undefined;
    if (!candidate) return undefined;
    const item = lockInstance(sql, tx, candidate.instance_id, candidate.history_length, options);
    if (item) return item;
    refreshNextVisible(sql, candidate.instance_id);
  }
  return undefined;
}

/** Locks this instance if no lease holds it and it has visible events (an activity result just arrived). */
export function lockFreeInstance(sql: Statements, tx: TxContext, instanceId: string, options: WorkflowLockOptions): WorkflowWorkItem | undefined {
  const row = sql.get('SELECT history_length, lock_expires_at FROM instances WHERE instance_id = ?').get(instanceId) as
    | { history_length: number; lock_expires_at: number | null }
    | undefined;
  if (!row || (row.lock_expires_at !== null && row.lock_expires_at > tx.now)) return undefined;
  return lockInstance(sql, tx, instanceId, row.history_length, options);
}

function lockInstance(
  sql: Statements,
  tx: TxContext,
  instanceId: string,
  historyLength: number,
  options: WorkflowLockOptions,
): WorkflowWorkItem | undefined {
  const rows = sql
    // inbox_instance walks the instance's rows in id (FIFO) order and stops at the limit, where the
    // planner would otherwise pick inbox_visible and sort every visible row of a large fan-out.
    .get('SELECT id, event, dequeue_count FROM inbox INDEXED BY inbox_instance WHERE instance_id = ? AND visible_at <= ? ORDER BY id LIMIT ?')
    .all(instanceId, tx.now, Math.max(1, options.maxEvents ?? DEFAULT_MAX_EVENTS)) as InboxRow[];
  if (rows.length === 0) return undefined;
  const lockToken = randomUUID();
  const lockedUntil = tx.now + options.leaseMs;
  // The visible rows between the first and last id selected are exactly the selected set (same instant).
  const range: InboxRange = { firstId: rows[0]!.id, lastId: rows[rows.length - 1]!.id };
  sql
    .get(
      `UPDATE inbox INDEXED BY inbox_instance SET lock_token = ?, dequeue_count = dequeue_count + 1
       WHERE instance_id = ? AND id BETWEEN ? AND ? AND visible_at <= ?`,
    )
    .run(lockToken, instanceId, range.firstId, range.lastId, tx.now);
  sql
    .get('UPDATE instances SET lock_token = ?, locked_by = ?, lock_expires_at = ? WHERE instance_id = ?')
    .run(lockToken, options.lockedBy, lockedUntil, instanceId);
  return {
    instanceId,
    lockToken,
    lockedUntil: new Date(lockedUntil),
    newEvents: rows.map((r) => decodeEvent(r.event)),
    historyLength,
    retryCount: Math.max(...rows.map((r) => r.dequeue_count)),
    handle: range,
  };
}

interface LockedRow {
  runtime_status: RuntimeStatus;
  history_length: number;
  warnings: string | null;
}

function requireLock(sql: Statements, item: WorkflowWorkItem): LockedRow {
  const row = sql
    .get('SELECT runtime_status, history_length, warnings FROM instances WHERE instance_id = ? AND lock_token = ?')
    .get(item.instanceId, item.lockToken) as LockedRow | undefined;
  if (!row) throw new LeaseLostError(`workflow work item of instance '${item.instanceId}'`);
  return row;
}

export function completeWorkflow(
  sql: Statements,
  tx: TxContext,
  item: WorkflowWorkItem,
  result: WorkflowTurnResult,
  lease?: ActivityLeaseRequest,
): ActivityWorkItem[] {
  const id = item.instanceId;
  const locked = requireLock(sql, item);
  const historyLength = appendHistory(sql, id, result.continuedAsNew ? 0 : locked.history_length, result);
  const warnings: string[] = locked.warnings ? (JSON.parse(locked.warnings) as string[]) : [];
  warnings.push(...(result.warnings ?? []));
  for (const message of result.messages) {
    const warning = deliverMessage(sql, tx, message);
    if (warning) warnings.push(warning);
  }
  updateInstance(sql, tx, id, result, historyLength, jsonOrNull(warnings));
  if (result.instance && result.instance.runtimeStatus !== locked.runtime_status) {
    tx.signals.push({ kind: 'statusChanged', instanceId: id });
  }
  const range = rangeOf(item);
  sql
    .get('DELETE FROM inbox INDEXED BY inbox_instance WHERE instance_id = ? AND id BETWEEN ? AND ? AND lock_token = ?')
    .run(id, range.firstId, range.lastId, item.lockToken);
  refreshNextVisible(sql, id);
  const leased = insertTasks(sql, tx, id, result.activityTasks, lease);
  if (result.activityTasks.length > leased.length) tx.signals.push({ kind: 'activityWork' });
  for (const timer of result.timers) enqueue(sql, tx, id, timer.event, timer.visibleAt.getTime());
  return leased;
}

/** Queues the turn's activity tasks; the first `lease.max` are inserted already leased to that worker. */
function insertTasks(sql: Statements, tx: TxContext, id: string, tasks: TaskScheduledEvent[], lease?: ActivityLeaseRequest): ActivityWorkItem[] {
  const leased: ActivityWorkItem[] = [];
  tasks.forEach((task, i) => {
    if (!lease || i >= lease.max) {
      sql.get('INSERT INTO activity_tasks (instance_id, available_at, enqueued_at, event) VALUES (?, ?, ?, ?)').run(id, tx.now, tx.now, encodeEvent(task));
      return;
    }
    const lockToken = randomUUID();
    const until = tx.now + lease.leaseMs;
    const row = sql
      .get(
        `INSERT INTO activity_tasks (instance_id, available_at, enqueued_at, event, lock_token, locked_by, lock_expires_at, dequeue_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
      )
      .run(id, until, tx.now, encodeEvent(task), lockToken, lease.lockedBy, until);
    leased.push({ id: String(row.lastInsertRowid), instanceId: id, lockToken, lockedUntil: new Date(until), event: task, retryCount: 0 });
  });
  return leased;
}

/** Appends the turn's events (after clearing the history on continue-as-new); returns the new length. */
function appendHistory(sql: Statements, id: string, from: number, result: WorkflowTurnResult): number {
  if (result.continuedAsNew) sql.get('DELETE FROM history WHERE instance_id = ?').run(id);
  const insert = sql.get('INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)');
  result.newHistory.forEach((event: HistoryEvent, i) => insert.run(id, from + i, encodeEvent(event)));
  return from + result.newHistory.length;
}

function updateInstance(
  sql: Statements,
  tx: TxContext,
  id: string,
  result: WorkflowTurnResult,
  historyLength: number,
  warnings: string | null,
): void {
  const u = result.instance;
  if (!u) {
    sql
      .get(
        `UPDATE instances SET history_length = ?, warnings = ?, lock_token = NULL, locked_by = NULL, lock_expires_at = NULL
         WHERE instance_id = ?`,
      )
      .run(historyLength, warnings, id);
    return;
  }
  sql
    .get(
      `UPDATE instances SET runtime_status = ?, name = ?, execution_id = ?, created_at = ?, input = ?, output = ?,
         custom_status = ?, failure_details = ?, completed_at = ?, parent_instance_id = ?, version = ?, tags = ?,
         last_updated_at = ?, started_at = COALESCE(started_at, ?), history_length = ?, warnings = ?,
         lock_token = NULL, locked_by = NULL, lock_expires_at = NULL
       WHERE instance_id = ?`,
    )
    .run(
      u.runtimeStatus,
      u.name,
      u.executionId,
      u.createdAt.getTime(),
      u.input ?? null,
      u.output ?? null,
      u.customStatus ?? null,
      jsonOrNull(u.failureDetails),
      msOrNull(u.completedAt),
      u.parentInstanceId ?? null,
      u.version ?? null,
      jsonOrNull(u.tags),
      tx.now,
      tx.now,
      historyLength,
      warnings,
      id,
    );
}

export function abandonWorkflow(sql: Statements, tx: TxContext, item: WorkflowWorkItem, delayMs: number): void {
  requireLock(sql, item);
  const visibleAt = tx.now + Math.max(0, delayMs);
  const range = rangeOf(item);
  sql
    .get(
      `UPDATE inbox INDEXED BY inbox_instance SET lock_token = NULL, visible_at = ?
       WHERE instance_id = ? AND id BETWEEN ? AND ? AND lock_token = ?`,
    )
    .run(visibleAt, item.instanceId, range.firstId, range.lastId, item.lockToken);
  sql
    .get('UPDATE instances SET lock_token = NULL, locked_by = NULL, lock_expires_at = NULL WHERE instance_id = ?')
    .run(item.instanceId);
  refreshNextVisible(sql, item.instanceId);
  if (visibleAt <= tx.now) tx.signals.push({ kind: 'workflowWork' });
}

/** @returns the new lease expiry */
export function renewWorkflow(sql: Statements, tx: TxContext, item: WorkflowWorkItem, leaseMs: number): Date {
  const until = tx.now + leaseMs;
  const changed = sql
    .get('UPDATE instances SET lock_expires_at = ? WHERE instance_id = ? AND lock_token = ?')
    .run(until, item.instanceId, item.lockToken).changes;
  if (changed === 0) throw new LeaseLostError(`workflow work item of instance '${item.instanceId}'`);
  return new Date(until);
}
