// WorkflowMetadata <-> WorkflowState (old OrchestrationState): what GetInstance, the Wait* RPCs and
// QueryInstances return. Payloads and failure details are sent only when the caller asked for them.
import { create } from '@bufbuild/protobuf';
import type { WorkflowMetadata } from '../metadata.js';
import { optionalFailureFromWire, optionalFailureToWire } from './failure-wire.js';
import { runtimeStatusFromWire, runtimeStatusToWire } from './status-wire.js';
import { dateToTimestamp, optionalDateToTimestamp, optionalTimestampToDate, timestampToDate } from './timestamp-wire.js';
import { compact, emptyToUndefined, tagsFromWire, tagsToWire } from './wire-util.js';
import { WorkflowStateSchema, type WorkflowState } from './gen/orchestration_pb.js';

export interface WorkflowStateOptions {
  /**
   * Include input, output, custom status and failure details (GetInstanceRequest.getInputsAndOutputs).
   * @default true
   */
  getInputsAndOutputs?: boolean;
  /** Dapr app ID of the parent, when the parent runs in another app; not part of our metadata. */
  parentAppId?: string;
}

export function workflowStateToWire(meta: WorkflowMetadata, options: WorkflowStateOptions = {}): WorkflowState {
  const payloads = options.getInputsAndOutputs ?? true;
  return create(WorkflowStateSchema, {
    instanceId: meta.instanceId,
    name: meta.name,
    version: meta.version,
    workflowStatus: runtimeStatusToWire(meta.runtimeStatus),
    scheduledStartTimestamp: optionalDateToTimestamp(meta.scheduledStartAt, 'scheduledStartAt'),
    createdTimestamp: dateToTimestamp(meta.createdAt, 'createdAt'),
    lastUpdatedTimestamp: dateToTimestamp(meta.lastUpdatedAt, 'lastUpdatedAt'),
    input: payloads ? meta.input : undefined,
    output: payloads ? meta.output : undefined,
    customStatus: payloads ? meta.customStatus : undefined,
    failureDetails: payloads ? optionalFailureToWire(meta.failureDetails) : undefined,
    executionId: emptyToUndefined(meta.executionId),
    completedTimestamp: optionalDateToTimestamp(meta.completedAt, 'completedAt'),
    parentInstanceId: meta.parentInstanceId,
    tags: tagsToWire(meta.tags),
    parentAppId: options.parentAppId,
    startedAt: optionalDateToTimestamp(meta.startedAt, 'startedAt'),
  });
}

/** For clients of a sidecar (the TS gRPC client). `field` prefixes validation error paths. */
export function workflowStateFromWire(wire: WorkflowState, field = 'workflowState'): WorkflowMetadata {
  return compact<WorkflowMetadata>({
    instanceId: wire.instanceId,
    name: wire.name,
    runtimeStatus: runtimeStatusFromWire(wire.workflowStatus, `${field}.workflowStatus`),
    createdAt: timestampToDate(wire.createdTimestamp, `${field}.createdTimestamp`),
    lastUpdatedAt: timestampToDate(wire.lastUpdatedTimestamp, `${field}.lastUpdatedTimestamp`),
    completedAt: optionalTimestampToDate(wire.completedTimestamp, `${field}.completedTimestamp`),
    startedAt: optionalTimestampToDate(wire.startedAt, `${field}.startedAt`),
    scheduledStartAt: optionalTimestampToDate(wire.scheduledStartTimestamp, `${field}.scheduledStartTimestamp`),
    executionId: wire.executionId ?? '',
    input: wire.input,
    output: wire.output,
    customStatus: wire.customStatus,
    failureDetails: optionalFailureFromWire(wire.failureDetails),
    parentInstanceId: wire.parentInstanceId,
    version: wire.version,
    tags: tagsFromWire(wire.tags),
  });
}
