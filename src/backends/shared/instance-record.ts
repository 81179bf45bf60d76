// The instance row semantics every backend shares: what createWorkflowInstance stores, what a completed
// turn changes, and what listWorkflows leaves out without payloads. Backends map these fields to storage.
import type { ExecutionStartedEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import type { InstanceUpdate } from '../backend.js';

/** Default most inbox events in one workflow work item. */
export const DEFAULT_MAX_EVENTS = 1000;

/**
 * The row of a new instance: PENDING, createdAt from the start event, never started yet.
 * executionId is '' when the start event carries none (the protocol field is optional).
 */
export function newInstanceRecord(event: ExecutionStartedEvent, now: Date): WorkflowMetadata {
  return dropUndefined({
    instanceId: event.workflowInstance.instanceId,
    name: event.name,
    runtimeStatus: 'PENDING',
    createdAt: event.timestamp,
    lastUpdatedAt: now,
    scheduledStartAt: event.scheduledStartTimestamp,
    executionId: event.workflowInstance.executionId ?? '',
    input: event.input,
    parentInstanceId: event.parentInstance?.workflowInstance?.instanceId,
    version: event.version,
    tags: event.tags,
  });
}

/**
 * The row after a turn that set `update` (a delta, see InstanceUpdate): status, custom status and completion
 * fields are the update's (absent means cleared), the start event's fields change only with a new generation,
 * lastUpdatedAt moves to now, startedAt is set on the first such turn and kept afterwards.
 */
export function applyInstanceUpdate(record: WorkflowMetadata, update: InstanceUpdate, now: Date): WorkflowMetadata {
  const g = update.generation;
  return dropUndefined({
    instanceId: record.instanceId,
    name: g ? g.name : record.name,
    runtimeStatus: update.runtimeStatus,
    createdAt: record.createdAt,
    lastUpdatedAt: now,
    completedAt: update.completedAt,
    startedAt: record.startedAt ?? now,
    scheduledStartAt: record.scheduledStartAt,
    executionId: g ? g.executionId : record.executionId,
    input: g ? g.input : record.input,
    output: update.output,
    customStatus: update.customStatus,
    failureDetails: update.failureDetails,
    parentInstanceId: g ? g.parentInstanceId : record.parentInstanceId,
    version: g ? g.version : record.version,
    tags: g ? g.tags : record.tags,
    warnings: record.warnings,
  });
}

/** listWorkflows without includePayloads: input, output and custom status are left out. */
export function withoutPayloads(record: WorkflowMetadata): WorkflowMetadata {
  const { input: _input, output: _output, customStatus: _customStatus, ...rest } = record;
  return rest;
}

/**
 * The inbox time of an instance's pending scheduled start: set while it is PENDING with a start time,
 * for core/delivery's eventVisibleAt.
 */
export function pendingStartAt(record: Pick<WorkflowMetadata, 'runtimeStatus' | 'scheduledStartAt'>): Date | undefined {
  return record.runtimeStatus === 'PENDING' ? record.scheduledStartAt : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
