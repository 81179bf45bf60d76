// The messages whose field numbers the two dialects give different meanings (engine-spec §15), decoded and
// encoded by each dialect's own schema: the Dapr layouts in orchestrator_service.proto, the Microsoft ones in
// microsoft_dialect.proto. Everything else on the wire is shared and mapped by the other *-wire modules.
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '../../errors.js';
import type { HistoryEvent as WireHistoryEvent } from './gen/history_events_pb.js';
import {
  MicrosoftCreateInstanceRequestSchema,
  MicrosoftGetWorkItemsRequestSchema,
  MicrosoftOrchestratorResponseSchema,
  MicrosoftWorkerCapability,
  MicrosoftWorkItemSchema,
  ResponseTokenSchema,
  type OrchestrationTraceContext,
  type WorkItemFilters,
} from './gen/microsoft_dialect_pb.js';
import type { WorkflowVersion as WireWorkflowVersion } from './gen/orchestration_pb.js';
import type { WorkflowAction as WireWorkflowAction } from './gen/orchestrator_actions_pb.js';
import {
  CreateInstanceRequestSchema,
  GetWorkItemsRequestSchema,
  WorkerCapability,
  WorkflowResponseSchema,
  WorkItemSchema,
  type CreateInstanceRequest,
  type WorkItem,
} from './gen/orchestrator_service_pb.js';

export type Dialect = 'dapr' | 'microsoft';

/** CompleteWorkflowTask / CompleteOrchestratorTask, with each dialect's own fields under their own names. */
export interface WorkerTurnAnswer {
  instanceId: string;
  completionToken: string;
  actions: WireWorkflowAction[];
  customStatus?: string;
  /** Dapr field 6. */
  version?: WireWorkflowVersion;
  /** Microsoft field 6: the span the SDK started for this turn. */
  orchestrationTraceContext?: OrchestrationTraceContext;
  /** Microsoft field 7: the worker lacked history and asks for the item again with all of it. */
  requiresHistory: boolean;
  /** Microsoft field 8: one chunk of a chunked answer (not supported). */
  isPartial: boolean;
}

// Unknown fields (a newer SDK's) are skipped, not kept: nothing reads them.
const READ = { readUnknownFields: false };

/** Decodes a request by one dialect's schema; bytes that do not fit it are the caller's error. */
function decode<S extends DescMessage>(schema: S, bytes: Uint8Array, dialect: Dialect): MessageShape<S> {
  try {
    return fromBinary(schema, bytes, READ);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(schema.typeName, `is not a valid ${dialect}-dialect message (${reason})`);
  }
}

/**
 * The completion token of a WorkflowResponse: field 4 in both dialects, read before the dialect is known (it
 * names the dispatch, whose stream's dialect then decodes the rest). '' when absent or unreadable.
 */
export function responseToken(bytes: Uint8Array): string {
  try {
    return fromBinary(ResponseTokenSchema, bytes, READ).completionToken;
  } catch {
    return '';
  }
}

export function workerTurnAnswerFromBinary(dialect: Dialect, bytes: Uint8Array): WorkerTurnAnswer {
  if (dialect === 'microsoft') {
    const m = decode(MicrosoftOrchestratorResponseSchema, bytes, dialect);
    return {
      instanceId: m.instanceId, completionToken: m.completionToken, actions: m.actions, customStatus: m.customStatus,
      orchestrationTraceContext: m.orchestrationTraceContext, requiresHistory: m.requiresHistory, isPartial: m.isPartial,
    };
  }
  const d = decode(WorkflowResponseSchema, bytes, dialect);
  return {
    instanceId: d.instanceId, completionToken: d.completionToken, actions: d.actions, customStatus: d.customStatus,
    version: d.version, requiresHistory: false, isPartial: false,
  };
}

/** What a GetWorkItems stream declares about itself. */
export interface WorkerStreamOptions {
  /** Dapr STATEFUL_HISTORY: the worker keeps the history between turns and takes only what is new. */
  statefulHistory: boolean;
  /** Microsoft HISTORY_STREAMING: the worker can read a large history with StreamInstanceHistory. */
  historyStreaming: boolean;
  /** Microsoft workItemFilters: the workflows and activities this worker can run. */
  filters?: WorkItemFilters;
}

export function workerStreamOptionsFromBinary(dialect: Dialect, bytes: Uint8Array): WorkerStreamOptions {
  if (dialect === 'microsoft') {
    const m = decode(MicrosoftGetWorkItemsRequestSchema, bytes, dialect);
    return {
      statefulHistory: false,
      historyStreaming: m.capabilities.includes(MicrosoftWorkerCapability.HISTORY_STREAMING),
      filters: m.workItemFilters,
    };
  }
  const d = decode(GetWorkItemsRequestSchema, bytes, dialect);
  return { statefulHistory: d.capabilities.includes(WorkerCapability.STATEFUL_HISTORY), historyStreaming: false };
}

/** StartInstance as the Dapr-layout message; the Microsoft requestTime (field 10) is informational and dropped. */
export function createInstanceRequestFromBinary(dialect: Dialect, bytes: Uint8Array): CreateInstanceRequest {
  if (dialect === 'dapr') return decode(CreateInstanceRequestSchema, bytes, dialect);
  const m = decode(MicrosoftCreateInstanceRequestSchema, bytes, dialect);
  return create(CreateInstanceRequestSchema, {
    instanceId: m.instanceId, name: m.name, version: m.version, input: m.input,
    scheduledStartTimestamp: m.scheduledStartTimestamp, executionId: m.executionId, tags: m.tags,
    parentTraceContext: m.parentTraceContext,
  });
}

/** Extra Microsoft-only fields of a workflow work item. */
export interface MicrosoftWorkflowExtras {
  requiresHistoryStreaming?: boolean;
  orchestrationTraceContext?: OrchestrationTraceContext;
}

/**
 * A work item built in the Dapr layout, encoded for a stream of `dialect`. For the Microsoft dialect the
 * Dapr-only fields are left out: history routers (HistoryEvent 30 is executionRewound there), the workflow
 * request's router, propagated and cached history (7-9 are properties and the trace context there), and the
 * activity's taskExecutionId and propagated history (7 is tags there).
 */
export function workItemToBinary(dialect: Dialect, item: WorkItem, extras: MicrosoftWorkflowExtras = {}): Uint8Array {
  if (dialect === 'dapr') return toBinary(WorkItemSchema, item);
  const { request } = item;
  if (request.case === 'workflowRequest') {
    const r = request.value;
    return toBinary(MicrosoftWorkItemSchema, create(MicrosoftWorkItemSchema, {
      completionToken: item.completionToken,
      request: { case: 'orchestratorRequest', value: {
        instanceId: r.instanceId, executionId: r.executionId,
        pastEvents: r.pastEvents.map(withoutRouter), newEvents: r.newEvents.map(withoutRouter),
        requiresHistoryStreaming: extras.requiresHistoryStreaming ?? false,
        orchestrationTraceContext: extras.orchestrationTraceContext,
      } },
    }));
  }
  if (request.case === 'activityRequest') {
    const r = request.value;
    return toBinary(MicrosoftWorkItemSchema, create(MicrosoftWorkItemSchema, {
      completionToken: item.completionToken,
      request: { case: 'activityRequest', value: {
        name: r.name, version: r.version, input: r.input, orchestrationInstance: r.workflowInstance,
        taskId: r.taskId, parentTraceContext: r.parentTraceContext,
      } },
    }));
  }
  throw new Error('a work item carries a workflow or an activity request');
}

function withoutRouter(event: WireHistoryEvent): WireHistoryEvent {
  return event.router === undefined ? event : { ...event, router: undefined };
}
