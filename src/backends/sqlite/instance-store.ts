// Instance rows and inboxes: creating, deleting, enqueueing events, and executing core/delivery plans.
// Every function runs inside a group-commit transaction.
import type { CreateReusePolicy } from '../backend.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { isTerminalStatus } from '../../protocol/status.js';
import { encodeEvent } from '../../protocol/codec.js';
import { planEvent, type DeliveryStep, type TargetState } from '../../core/delivery.js';
import { FailedPreconditionError, WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../errors.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';
import { jsonOrNull } from './rows.js';

export interface StatusRow {
  runtime_status: RuntimeStatus;
  scheduled_start_at: number | null;
}

export function readStatus(sql: Statements, instanceId: string): StatusRow | undefined {
  return sql.get('SELECT runtime_status, scheduled_start_at FROM instances WHERE instance_id = ?').get(instanceId) as
    | StatusRow
    | undefined;
}

export function targetStateOf(row: StatusRow | undefined): TargetState | undefined {
  if (!row) return undefined;
  return { runtimeStatus: row.runtime_status, scheduledStartAt: row.scheduled_start_at === null ? undefined : new Date(row.scheduled_start_at) };
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
  const step = planEvent(instanceId, event, targetStateOf(readStatus(sql, instanceId)), new Date(tx.now));
  if (!step) throw new WorkflowNotFoundError(instanceId);
  executeStep(sql, tx, step);
}

/** Executes one step of a core/delivery plan. */
export function executeStep(sql: Statements, tx: TxContext, step: DeliveryStep): void {
  if (step.kind === 'enqueue') {
    if (step.revealsStart) {
      sql.get('UPDATE inbox SET visible_at = ? WHERE instance_id = ? AND visible_at > ?').run(tx.now, step.targetInstanceId, tx.now);
      refreshNextVisible(sql, step.targetInstanceId);
    }
    enqueue(sql, tx, step.targetInstanceId, step.event, step.visibleAt.getTime());
    return;
  }
  if (step.kind === 'replace') deleteInstance(sql, step.start.workflowInstance.instanceId);
  insertInstance(sql, tx, step.start, step.visibleAt);
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
