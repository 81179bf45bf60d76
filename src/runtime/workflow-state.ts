// What clients get for an instance: its metadata with payloads decoded (and the stored text beside them).
import type { FailureDetails } from '../protocol/common.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import type { RuntimeStatus } from '../protocol/status.js';
import { decodePayload } from '../core/payload.js';

export interface WorkflowState {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdAt: Date;
  lastUpdatedAt: Date;
  completedAt?: Date;
  startedAt?: Date;
  scheduledStartAt?: Date;
  executionId: string;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  serializedInput?: string;
  serializedOutput?: string;
  serializedCustomStatus?: string;
  failureDetails?: FailureDetails;
  /** Child workflows only; a detached workflow has no parent. */
  parentInstanceId?: string;
  tags?: Record<string, string>;
  warnings?: string[];
}

export function toWorkflowState(m: WorkflowMetadata, includePayloads: boolean): WorkflowState {
  const state: WorkflowState = {
    instanceId: m.instanceId,
    name: m.name,
    runtimeStatus: m.runtimeStatus,
    createdAt: m.createdAt,
    lastUpdatedAt: m.lastUpdatedAt,
    completedAt: m.completedAt,
    startedAt: m.startedAt,
    scheduledStartAt: m.scheduledStartAt,
    executionId: m.executionId,
    failureDetails: m.failureDetails,
    parentInstanceId: m.parentInstanceId,
    tags: m.tags,
    warnings: m.warnings,
  };
  if (includePayloads) {
    state.serializedInput = m.input;
    state.serializedOutput = m.output;
    state.serializedCustomStatus = m.customStatus;
    state.input = payloadValue(m.input);
    state.output = payloadValue(m.output);
    state.customStatus = payloadValue(m.customStatus);
  }
  return state;
}

/**
 * A stored payload as a value: its JSON decoded, or, for text that is not JSON (an SDK over gRPC may store raw
 * text, e.g. the Dapr SDK's setCustomStatus("foobaz")), the text itself; showing an instance never fails on it.
 */
export function payloadValue(payload: string | undefined): unknown {
  try {
    return decodePayload(payload);
  } catch {
    return payload;
  }
}
