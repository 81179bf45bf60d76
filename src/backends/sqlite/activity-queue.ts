// The activity task queue. available_at is when a task may be locked next: its enqueue time, the end
// of its lease while locked, or the end of an abandon delay. One indexed column keeps the lock query a
// single seek however many tasks are queued.
import { randomUUID } from 'node:crypto';
import type { ActivityResultEvent, ActivityWorkItem, LockOptions, WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import type { HistoryEvent, TaskScheduledEvent } from '../../protocol/history.js';
import { decodeEvent } from '../../protocol/codec.js';
import { LeaseLostError } from '../../errors.js';
import type { TxContext } from './group-commit.js';
import type { Statements } from './statements.js';
import { enqueue, readStatus, targetStateOf, type StatusRow } from './instance-store.js';
import { enqueueLocked, type ArrivalRow } from './workflow-queue.js';
import { planEvent } from '../../core/delivery.js';
import { servesName } from '../shared/lock-names.js';
import { nextActivityCandidate } from './ready-query.js';

interface TaskRow {
  id: number;
  instance_id: string;
  event: string;
  dequeue_count: number;
}

/** Whether a task of these names can be locked now (a read, outside any transaction). */
export function hasActivityWork(sql: Statements, now: number, names?: readonly string[]): boolean {
  return nextActivityCandidate(sql, now, names) !== undefined;
}

export function lockActivity(sql: Statements, tx: TxContext, options: LockOptions): ActivityWorkItem | undefined {
  const row = nextActivityCandidate<TaskRow>(sql, tx.now, options.names);
  if (!row) return undefined;
  const lockToken = randomUUID();
  const until = tx.now + options.leaseMs;
  sql
    .get(
      `UPDATE activity_tasks SET lock_token = ?, locked_by = ?, lock_expires_at = ?, available_at = ?,
         dequeue_count = dequeue_count + 1 WHERE id = ?`,
    )
    .run(lockToken, options.lockedBy, until, until, row.id);
  return {
    id: String(row.id),
    instanceId: row.instance_id,
    lockToken,
    lockedUntil: new Date(until),
    event: decodeEvent(row.event) as TaskScheduledEvent,
    retryCount: row.dequeue_count,
  };
}

function lost(item: ActivityWorkItem): LeaseLostError {
  return new LeaseLostError(`activity work item ${item.id} of instance '${item.instanceId}'`);
}

export function completeActivity(
  sql: Statements,
  tx: TxContext,
  item: ActivityWorkItem,
  result: ActivityResultEvent,
  leaseWorkflow?: WorkflowLockOptions,
): WorkflowWorkItem | undefined {
  const deleted = sql.get('DELETE FROM activity_tasks WHERE id = ? AND lock_token = ?').run(Number(item.id), item.lockToken);
  if (deleted.changes === 0) {
    // Purging the instance deleted its tasks: the result is dropped, as for any vanished instance.
    const taskGone = sql.get('SELECT 1 FROM activity_tasks WHERE id = ?').get(Number(item.id)) === undefined;
    if (taskGone && !readStatus(sql, item.instanceId)) return undefined;
    throw lost(item);
  }
  return deliverResult(sql, tx, item.instanceId, result, leaseWorkflow);
}

export function abandonActivity(sql: Statements, tx: TxContext, item: ActivityWorkItem, delayMs: number): void {
  const availableAt = tx.now + Math.max(0, delayMs);
  const changed = sql
    .get(
      `UPDATE activity_tasks SET lock_token = NULL, locked_by = NULL, lock_expires_at = NULL, available_at = ?
       WHERE id = ? AND lock_token = ?`,
    )
    .run(availableAt, Number(item.id), item.lockToken).changes;
  if (changed === 0) throw lost(item);
  if (availableAt <= tx.now) tx.signals.push({ kind: 'activityWork' });
}

/** @returns the new lease expiry */
export function renewActivity(sql: Statements, tx: TxContext, item: ActivityWorkItem, leaseMs: number): Date {
  const until = tx.now + leaseMs;
  const changed = sql
    .get('UPDATE activity_tasks SET lock_expires_at = ?, available_at = ? WHERE id = ? AND lock_token = ?')
    .run(until, until, Number(item.id), item.lockToken).changes;
  if (changed === 0) throw lost(item);
  return new Date(until);
}

/**
 * Appends an activity result to its instance's inbox; dropped when the instance no longer exists. With
 * `lease`, an instance that is free and not waiting for a scheduled start is locked with the result.
 */
export function deliverResult(
  sql: Statements,
  tx: TxContext,
  instanceId: string,
  event: HistoryEvent,
  lease?: WorkflowLockOptions,
): WorkflowWorkItem | undefined {
  const row = sql
    .get(
      `SELECT instance_id, execution_id, name, runtime_status, scheduled_start_at, history_length, lock_expires_at, next_visible_at
       FROM instances WHERE instance_id = ?`,
    )
    .get(instanceId) as (ArrivalRow & StatusRow & { name: string }) | undefined;
  const step = row && planEvent(instanceId, event, targetStateOf(row), new Date(tx.now));
  if (!row || !step) return undefined;
  const visibleAt = step.visibleAt.getTime();
  const free = row.lock_expires_at === null || row.lock_expires_at <= tx.now;
  // The worker that ran the activity takes the workflow only if it can run it.
  if (lease && free && visibleAt <= tx.now && servesName(lease, row.name)) return enqueueLocked(sql, tx, row, event, lease);
  enqueue(sql, tx, instanceId, event, visibleAt);
  return undefined;
}
