// Shared protocol messages (orchestration.proto) <-> our plain data: routers, instances, trace context,
// parent info, versions, and timer origins.
import { create } from '@bufbuild/protobuf';
import type {
  ParentInstanceInfo,
  TaskRouter,
  TraceContext,
  WorkflowInstanceRef,
  WorkflowVersion,
} from '../common.js';
import type { TimerOrigin } from '../history.js';
import { compact, emptyToUndefined } from './wire-util.js';
import {
  ParentInstanceInfoSchema,
  TaskRouterSchema,
  TraceContextSchema,
  WorkflowInstanceSchema,
  WorkflowVersionSchema,
  type ParentInstanceInfo as WireParentInstanceInfo,
  type TaskRouter as WireTaskRouter,
  type TraceContext as WireTraceContext,
  type WorkflowInstance as WireWorkflowInstance,
  type WorkflowVersion as WireWorkflowVersion,
} from './gen/orchestration_pb.js';
import type { TimerCreatedEvent as WireTimerCreatedEvent } from './gen/history_events_pb.js';

export function routerToWire(router: TaskRouter): WireTaskRouter {
  return create(TaskRouterSchema, {
    sourceAppID: router.sourceAppID ?? '',
    targetAppID: router.targetAppID,
    targetAppNamespace: router.targetAppNamespace,
  });
}

export function routerFromWire(wire: WireTaskRouter): TaskRouter {
  return compact<TaskRouter>({
    sourceAppID: emptyToUndefined(wire.sourceAppID),
    targetAppID: wire.targetAppID,
    targetAppNamespace: wire.targetAppNamespace,
  });
}

export function optionalRouterToWire(router: TaskRouter | undefined): WireTaskRouter | undefined {
  return router === undefined ? undefined : routerToWire(router);
}

export function optionalRouterFromWire(wire: WireTaskRouter | undefined): TaskRouter | undefined {
  return wire === undefined ? undefined : routerFromWire(wire);
}

export function instanceRefToWire(ref: WorkflowInstanceRef): WireWorkflowInstance {
  return create(WorkflowInstanceSchema, { instanceId: ref.instanceId, executionId: ref.executionId });
}

export function instanceRefFromWire(wire: WireWorkflowInstance): WorkflowInstanceRef {
  return compact<WorkflowInstanceRef>({ instanceId: wire.instanceId, executionId: wire.executionId });
}

export function traceContextToWire(tc: TraceContext | undefined): WireTraceContext | undefined {
  if (tc === undefined) return undefined;
  return create(TraceContextSchema, { traceParent: tc.traceParent, spanID: tc.spanID ?? '', traceState: tc.traceState });
}

export function traceContextFromWire(wire: WireTraceContext | undefined): TraceContext | undefined {
  if (wire === undefined) return undefined;
  return compact<TraceContext>({
    traceParent: wire.traceParent,
    spanID: emptyToUndefined(wire.spanID),
    traceState: wire.traceState,
  });
}

export function parentInstanceToWire(parent: ParentInstanceInfo | undefined): WireParentInstanceInfo | undefined {
  if (parent === undefined) return undefined;
  return create(ParentInstanceInfoSchema, {
    taskScheduledId: parent.taskScheduledId,
    name: parent.name,
    version: parent.version,
    workflowInstance: parent.workflowInstance === undefined ? undefined : instanceRefToWire(parent.workflowInstance),
    appID: parent.appID,
    appNamespace: parent.appNamespace,
  });
}

export function parentInstanceFromWire(wire: WireParentInstanceInfo | undefined): ParentInstanceInfo | undefined {
  if (wire === undefined) return undefined;
  return compact<ParentInstanceInfo>({
    taskScheduledId: wire.taskScheduledId,
    name: wire.name,
    version: wire.version,
    workflowInstance: wire.workflowInstance === undefined ? undefined : instanceRefFromWire(wire.workflowInstance),
    appID: wire.appID,
    appNamespace: wire.appNamespace,
  });
}

export function workflowVersionToWire(version: WorkflowVersion | undefined): WireWorkflowVersion | undefined {
  if (version === undefined) return undefined;
  return create(WorkflowVersionSchema, { patches: [...version.patches], name: version.name });
}

export function workflowVersionFromWire(wire: WireWorkflowVersion | undefined): WorkflowVersion | undefined {
  if (wire === undefined) return undefined;
  return compact<WorkflowVersion>({ patches: [...wire.patches], name: wire.name });
}

/**
 * The `origin` oneof. TimerCreatedEvent numbers it 4-7 and CreateTimerAction 3-6, but the case names and
 * message types are the same, so one mapping serves both; the generated code applies the numbers.
 */
export type WireTimerOrigin = WireTimerCreatedEvent['origin'];

export function timerOriginToWire(origin: TimerOrigin | undefined): WireTimerOrigin {
  switch (origin?.kind) {
    case undefined:
      return { case: undefined };
    case 'createTimer':
      return { case: 'createTimer', value: { $typeName: 'TimerOriginCreateTimer' } };
    case 'externalEvent':
      return { case: 'externalEvent', value: { $typeName: 'TimerOriginExternalEvent', name: origin.name } };
    case 'activityRetry':
      return {
        case: 'activityRetry',
        value: { $typeName: 'TimerOriginActivityRetry', taskExecutionId: origin.taskExecutionId },
      };
    case 'childWorkflowRetry':
      return {
        case: 'childWorkflowRetry',
        value: { $typeName: 'TimerOriginChildWorkflowRetry', instanceId: origin.instanceId },
      };
  }
}

export function timerOriginFromWire(origin: WireTimerOrigin): TimerOrigin | undefined {
  switch (origin.case) {
    case undefined:
      return undefined;
    case 'createTimer':
      return { kind: 'createTimer' };
    case 'externalEvent':
      return { kind: 'externalEvent', name: origin.value.name };
    case 'activityRetry':
      return { kind: 'activityRetry', taskExecutionId: origin.value.taskExecutionId };
    case 'childWorkflowRetry':
      return { kind: 'childWorkflowRetry', instanceId: origin.value.instanceId };
  }
}
