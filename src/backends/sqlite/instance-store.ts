// Instance rows and inboxes: creating, deleting, enqueueing events, and delivering a turn's messages
// under the shared core/delivery rules. Every function runs inside a group-commit transaction.
import type { CreateReusePolicy, OutboundMessage } from '../backend.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { isTerminalStatus } from '../../protocol/status.js';
import { encodeEvent } from '../../protocol/codec.js';
import { cancelsScheduledStart, decideStartDelivery, eventVisibleAt, isStartMessage } from '../../core/delivery.js';
import { FailedPreconditionError, WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../errors.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';
import { jsonOrNull } from './rows.js';
import { pendingStartAt as sharedPendingStartAt } from '../shared/instance-record.js';

export interface StatusRow {
  runtime_status: RuntimeStatus;
  scheduled_start_at: number | null;
}

export function readStatus(sql: Statements, instanceId: string): StatusRow | undefined {
  return sql.get('SELECT runtime_status, scheduled_start_at FROM instances WHERE instance_id = ?').get(instanceId) as
    | StatusRow
    | undefined;
}

/** The start time an instance still waits for, if any: its events stay invisible until then. */
export function pendingStartAt(row: StatusRow): Date | undefined {
  return sharedPendingStartAt({
    runtimeStatus: row.runtime_status,
    scheduledStartAt: row.scheduled_start_at === null ? undefined : new Date(row.scheduled_start_at),
  });
}

/**
 * Appends an event to an existing instance's inbox and keeps next_visible_at = MIN(visible_at);
 * `refresh: false` when the caller writes next_visible_at itself in the same transaction.
 */
export function enqueue(
  sql: Statements,
  tx: TxContext,
  instanceId: string,
  event: HistoryEvent,
  visibleAt: number,
  options: { refresh: boolean } = { refresh: true },
): void {
  sql
    .get('INSERT INTO inbox (instance_id, visible_at, enqueued_at, event) VALUES (?, ?, ?, ?)')
    .run(instanceId, visibleAt, tx.now, encodeEvent(event));
  if (options.refresh) {
    sql
      .get('UPDATE instances SET next_visible_at = MIN(COALESCE(next_visible_at, ?), ?) WHERE instance_id = ?')
      .run(visibleAt, visibleAt, instanceId);
  }
  if (visibleAt <= tx.now) tx.signals.push({ kind: 'workflowWork' });
}

/** Recomputes next_visible_at after inbox rows were deleted or delayed. */
export function refreshNextVisible(sql: Statements, instanceId: string): void {
  sql
    .get('UPDATE instances SET next_visible_at = (SELECT MIN(visible_at) FROM inbox WHERE instance_id = ?) WHERE instance_id = ?')
    .run(instanceId, instanceId);
}

/** Inserts the instance row (PENDING) and its ExecutionStarted, visible at the scheduled start or `visibleAt`. */
export function insertInstance(sql: Statements, tx: TxContext, start: ExecutionStartedEvent, visibleAt?: Date): void {
  const ref = start.workflowInstance;
  const scheduled = start.scheduledStartTimestamp?.getTime() ?? null;
  const startVisibleAt = visibleAt?.getTime() ?? scheduled ?? tx.now;
  sql
    .get(
      `INSERT INTO instances (instance_id, execution_id, name, version, runtime_status, created_at, last_updated_at,
         scheduled_start_at, input, parent_instance_id, tags, next_visible_at)
       VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      ref.instanceId,
      // The protocol field is optional; '' as in shared/instance-record.
      ref.executionId ?? '',
      start.name,
      start.version ?? null,
      start.timestamp.getTime(),
      tx.now,
      scheduled,
      start.input ?? null,
      start.parentInstance?.workflowInstance?.instanceId ?? null,
      jsonOrNull(start.tags),
      startVisibleAt,
    );
  enqueue(sql, tx, ref.instanceId, start, startVisibleAt, { refresh: false });
  tx.signals.push({ kind: 'statusChanged', instanceId: ref.instanceId, runtimeStatus: 'PENDING' });
}

/** Deletes an instance with its history, inbox and activity tasks. */
export function deleteInstance(sql: Statements, instanceId: string): void {
  sql.get('DELETE FROM history WHERE instance_id = ?').run(instanceId);
  sql.get('DELETE FROM inbox WHERE instance_id = ?').run(instanceId);
  sql.get('DELETE FROM activity_tasks WHERE instance_id = ?').run(instanceId);
  sql.get('DELETE FROM instances WHERE instance_id = ?').run(instanceId);
}

export function createInstance(
  sql: Statements,
  tx: TxContext,
  start: ExecutionStartedEvent,
  reuse: CreateReusePolicy = 'error',
): void {
  const id = start.workflowInstance.instanceId;
  const existing = readStatus(sql, id);
  if (existing) {
    if (reuse !== 'replaceTerminal' || !isTerminalStatus(existing.runtime_status)) {
      throw new WorkflowAlreadyExistsError(id, existing.runtime_status);
    }
    deleteInstance(sql, id);
  }
  insertInstance(sql, tx, start);
}

export function addEvent(sql: Statements, tx: TxContext, instanceId: string, event: HistoryEvent): void {
  const row = readStatus(sql, instanceId);
  if (!row) throw new WorkflowNotFoundError(instanceId);
  enqueueFor(sql, tx, instanceId, row, event);
}

/** Enqueues an event to an existing instance under the scheduled-start rules of core/delivery. */
function enqueueFor(sql: Statements, tx: TxContext, instanceId: string, row: StatusRow, event: HistoryEvent, visibleAt?: Date): void {
  const waitingUntil = pendingStartAt(row);
  if (waitingUntil && cancelsScheduledStart(event)) {
    sql.get('UPDATE inbox SET visible_at = ? WHERE instance_id = ? AND visible_at > ?').run(tx.now, instanceId, tx.now);
    refreshNextVisible(sql, instanceId);
    enqueue(sql, tx, instanceId, event, tx.now);
    return;
  }
  enqueue(sql, tx, instanceId, event, (visibleAt ?? eventVisibleAt(waitingUntil, new Date(tx.now))).getTime());
}

export function purgeInstance(sql: Statements, tx: TxContext, instanceId: string): boolean {
  const row = readStatus(sql, instanceId);
  if (!row) return false;
  if (!isTerminalStatus(row.runtime_status)) {
    throw new FailedPreconditionError(
      `cannot purge workflow instance '${instanceId}': it is ${row.runtime_status}, not in a terminal state`,
    );
  }
  deleteInstance(sql, instanceId);
  tx.signals.push({ kind: 'statusChanged', instanceId });
  return true;
}

/**
 * Delivers one outbound message of a turn. Start messages create, replace or are rejected per
 * core/delivery; other events to a missing instance are dropped (the target was purged or never existed).
 * @returns a warning to record on the sender, if any
 */
export function deliverMessage(sql: Statements, tx: TxContext, message: OutboundMessage): string | undefined {
  const target = readStatus(sql, message.targetInstanceId);
  if (isStartMessage(message)) {
    const decision = decideStartDelivery(target?.runtime_status, message.event, new Date(tx.now));
    if (decision.outcome === 'reject') {
      if (decision.notify) deliverMessage(sql, tx, decision.notify);
      return decision.warning;
    }
    if (decision.outcome === 'replace') deleteInstance(sql, message.targetInstanceId);
    insertInstance(sql, tx, message.event, message.visibleAt);
    return undefined;
  }
  if (!target) return undefined;
  enqueueFor(sql, tx, message.targetInstanceId, target, message.event, message.visibleAt);
  return undefined;
}
