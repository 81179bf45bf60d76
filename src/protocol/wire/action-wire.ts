// WorkflowAction (orchestrator_actions.proto) <-> our WorkflowAction union, for every action kind.
// actionFromWire is the gRPC boundary for what SDKs ask the engine to do: malformed actions fail here with
// an InvalidArgumentError naming the field path (e.g. `actions[3].createDetachedWorkflow.name`).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { WorkflowAction } from '../actions.js';
import { InvalidArgumentError } from '../../errors.js';
import {
  instanceRefFromWire,
  instanceRefToWire,
  optionalRouterFromWire,
  optionalRouterToWire,
  timerOriginFromWire,
  timerOriginToWire,
  traceContextFromWire,
  traceContextToWire,
} from './common-wire.js';
import { optionalFailureFromWire, optionalFailureToWire } from './failure-wire.js';
import { historyEventFromWire, historyEventToWire } from './history-wire.js';
import { runtimeStatusFromWire, runtimeStatusToWire } from './status-wire.js';
import { dateToTimestamp, optionalDateToTimestamp, optionalTimestampToDate, timestampToDate } from './timestamp-wire.js';
import { compact, requireNonEmpty, requirePresent, tagsFromWire, tagsToWire } from './wire-util.js';
import { WorkflowActionSchema, type WorkflowAction as WireWorkflowAction } from './gen/orchestrator_actions_pb.js';

/** The Microsoft dialect's OrchestratorAction.sendEntityMessage (reserved in the Dapr layout). */
const SEND_ENTITY_MESSAGE_FIELD = 8;

type WireBody = MessageInitShape<typeof WorkflowActionSchema>['workflowActionType'];
type WireActionType = WireWorkflowAction['workflowActionType'];
// Omit applied to each member of the union, so each kind keeps its own fields.
type ActionBody = WorkflowAction extends infer A ? (A extends WorkflowAction ? Omit<A, 'id' | 'router'> : never) : never;

export function actionToWire(action: WorkflowAction): WireWorkflowAction {
  return create(WorkflowActionSchema, {
    id: action.id,
    workflowActionType: bodyToWire(action),
    router: optionalRouterToWire(action.router),
  });
}

/** `field` is the path of this action in the enclosing message, used in validation errors. */
export function actionFromWire(wire: WireWorkflowAction, field = 'action'): WorkflowAction {
  if (wire.workflowActionType.case === undefined && wire.$unknown?.some((f) => f.no === SEND_ENTITY_MESSAGE_FIELD)) {
    throw new InvalidArgumentError(`${field}.sendEntityMessage`, 'entities are not supported by this engine (durable entities are a Microsoft extension it does not implement)');
  }
  const body = bodyFromWire(wire.workflowActionType, field);
  return compact({ id: wire.id, router: optionalRouterFromWire(wire.router), ...body } as WorkflowAction);
}

/** All actions of a WorkflowResponse; errors name `actions[i]....`. */
export function actionsFromWire(actions: readonly WireWorkflowAction[], field = 'actions'): WorkflowAction[] {
  return actions.map((a, i) => actionFromWire(a, `${field}[${i}]`));
}

function bodyToWire(a: WorkflowAction): WireBody {
  switch (a.type) {
    case 'scheduleTask':
      return { case: a.type, value: { name: a.name, version: a.version, input: a.input, taskExecutionId: a.taskExecutionId } };
    case 'createChildWorkflow':
      return { case: a.type, value: {
        instanceId: a.instanceId, name: a.name, version: a.version, input: a.input,
        retryParentInstanceInfo: a.retryParentInstanceId === undefined ? undefined : { instanceID: a.retryParentInstanceId },
      } };
    case 'createTimer':
      return { case: a.type, value: {
        fireAt: dateToTimestamp(a.fireAt, 'createTimer.fireAt'), name: a.name, origin: timerOriginToWire(a.origin),
      } };
    case 'sendEvent':
      return { case: a.type, value: { instance: instanceRefToWire(a.instance), name: a.name, data: a.data } };
    case 'completeWorkflow':
      return { case: a.type, value: {
        workflowStatus: runtimeStatusToWire(a.workflowStatus), result: a.result,
        carryoverEvents: (a.carryoverEvents ?? []).map(historyEventToWire),
        failureDetails: optionalFailureToWire(a.failureDetails),
      } };
    case 'terminateWorkflow':
      return { case: a.type, value: { instanceId: a.instanceId, reason: a.reason, recurse: a.recurse } };
    case 'workflowVersionNotAvailable':
      return { case: a.type, value: {} };
    case 'createDetachedWorkflow':
      return { case: a.type, value: {
        instanceId: a.instanceId, name: a.name, version: a.version, input: a.input,
        scheduledStartTimestamp: optionalDateToTimestamp(a.scheduledStartTimestamp, 'createDetachedWorkflow.scheduledStartTimestamp'),
        executionId: a.executionId, tags: tagsToWire(a.tags),
        parentTraceContext: traceContextToWire(a.parentTraceContext),
      } };
  }
}

function bodyFromWire(body: WireActionType, field: string): ActionBody {
  const at = `${field}.${body.case ?? 'workflowActionType'}`;
  switch (body.case) {
    case undefined:
      throw new InvalidArgumentError(`${field}.workflowActionType`, 'no action type is set (unknown or missing oneof)');
    case 'scheduleTask': {
      const v = body.value;
      return {
        type: body.case, name: requireNonEmpty(v.name, `${at}.name`), version: v.version, input: v.input,
        taskExecutionId: v.taskExecutionId,
      };
    }
    case 'createChildWorkflow': {
      // An empty instanceId is allowed: the applier derives "<caller>:<hex4>" from the action id.
      const v = body.value;
      return {
        type: body.case, instanceId: v.instanceId, name: requireNonEmpty(v.name, `${at}.name`),
        version: v.version, input: v.input, retryParentInstanceId: v.retryParentInstanceInfo?.instanceID,
      };
    }
    case 'createTimer':
      return {
        type: body.case, fireAt: timestampToDate(body.value.fireAt, `${at}.fireAt`), name: body.value.name,
        origin: timerOriginFromWire(body.value.origin),
      };
    case 'sendEvent': {
      const instance = requirePresent(body.value.instance, `${at}.instance`);
      requireNonEmpty(instance.instanceId, `${at}.instance.instanceId`);
      return {
        type: body.case, instance: instanceRefFromWire(instance), name: body.value.name,
        data: body.value.data,
      };
    }
    case 'completeWorkflow':
      return completeFromWire(body.value, at);
    case 'terminateWorkflow':
      return {
        type: body.case, instanceId: requireNonEmpty(body.value.instanceId, `${at}.instanceId`),
        reason: body.value.reason, recurse: body.value.recurse,
      };
    case 'workflowVersionNotAvailable':
      return { type: body.case };
    case 'createDetachedWorkflow': {
      const v = body.value;
      return {
        type: body.case, instanceId: requireNonEmpty(v.instanceId, `${at}.instanceId`),
        name: requireNonEmpty(v.name, `${at}.name`), version: v.version, input: v.input,
        scheduledStartTimestamp: optionalTimestampToDate(v.scheduledStartTimestamp, `${at}.scheduledStartTimestamp`),
        executionId: v.executionId, tags: tagsFromWire(v.tags),
        parentTraceContext: traceContextFromWire(v.parentTraceContext),
      };
    }
  }
}

type WireComplete = Extract<WireActionType, { case: 'completeWorkflow' }>['value'];

function completeFromWire(v: WireComplete, at: string): ActionBody {
  const carryover = v.carryoverEvents.map((e, i) => historyEventFromWire(e, `${at}.carryoverEvents[${i}]`));
  return {
    type: 'completeWorkflow',
    workflowStatus: runtimeStatusFromWire(v.workflowStatus, `${at}.workflowStatus`),
    result: v.result,
    carryoverEvents: carryover.length === 0 ? undefined : carryover,
    failureDetails: optionalFailureFromWire(v.failureDetails),
  };
}
