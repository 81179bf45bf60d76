// HistoryEvent (history_events.proto) <-> our HistoryEvent union, for every event kind.
// Fields our data model does not carry (attestations, rerun/propagation info) are dropped on the way in.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { HistoryEvent } from '../history.js';
import { InvalidArgumentError } from '../../errors.js';
import {
  instanceRefFromWire,
  instanceRefToWire,
  optionalRouterFromWire,
  optionalRouterToWire,
  parentInstanceFromWire,
  parentInstanceToWire,
  timerOriginFromWire,
  timerOriginToWire,
  traceContextFromWire,
  traceContextToWire,
  workflowVersionFromWire,
  workflowVersionToWire,
} from './common-wire.js';
import { optionalFailureFromWire, optionalFailureToWire } from './failure-wire.js';
import {
  runtimeStatusFromWire,
  runtimeStatusToWire,
  stalledReasonFromWire,
  stalledReasonToWire,
} from './status-wire.js';
import {
  dateToTimestamp,
  optionalDateToTimestamp,
  optionalTimestampToDate,
  timestampToDate,
} from './timestamp-wire.js';
import { compact, requirePresent, tagsFromWire, tagsToWire } from './wire-util.js';
import { HistoryEventSchema, type HistoryEvent as WireHistoryEvent } from './gen/history_events_pb.js';

type WireBody = MessageInitShape<typeof HistoryEventSchema>['eventType'];
type WireEventType = WireHistoryEvent['eventType'];
// Omit applied to each member of the union, so each kind keeps its own fields.
type EventBody = HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'eventId' | 'timestamp' | 'router'> : never) : never;

export function historyEventToWire(event: HistoryEvent): WireHistoryEvent {
  return create(HistoryEventSchema, {
    eventId: event.eventId,
    timestamp: dateToTimestamp(event.timestamp, `${event.type}.timestamp`),
    eventType: bodyToWire(event),
    router: optionalRouterToWire(event.router),
  });
}

/** `field` is the path of this event in the enclosing message, used in validation errors. */
export function historyEventFromWire(wire: WireHistoryEvent, field = 'event'): HistoryEvent {
  const base = {
    eventId: wire.eventId,
    timestamp: timestampToDate(wire.timestamp, `${field}.timestamp`),
    router: optionalRouterFromWire(wire.router),
  };
  return compact({ ...base, ...bodyFromWire(wire.eventType, field) } as HistoryEvent);
}

export function historyToWire(events: readonly HistoryEvent[]): WireHistoryEvent[] {
  return events.map(historyEventToWire);
}

export function historyFromWire(events: readonly WireHistoryEvent[], field = 'events'): HistoryEvent[] {
  return events.map((e, i) => historyEventFromWire(e, `${field}[${i}]`));
}

function bodyToWire(e: HistoryEvent): WireBody {
  switch (e.type) {
    case 'executionStarted':
      return { case: e.type, value: {
        name: e.name, version: e.version, input: e.input,
        workflowInstance: instanceRefToWire(e.workflowInstance),
        parentInstance: parentInstanceToWire(e.parentInstance),
        scheduledStartTimestamp: optionalDateToTimestamp(e.scheduledStartTimestamp, 'executionStarted.scheduledStartTimestamp'),
        parentTraceContext: traceContextToWire(e.parentTraceContext),
        workflowSpanID: e.workflowSpanID, tags: tagsToWire(e.tags),
      } };
    case 'executionCompleted':
      return { case: e.type, value: {
        workflowStatus: runtimeStatusToWire(e.workflowStatus), result: e.result,
        failureDetails: optionalFailureToWire(e.failureDetails),
      } };
    case 'executionTerminated':
      return { case: e.type, value: { input: e.input, recurse: e.recurse } };
    case 'taskScheduled':
      return { case: e.type, value: {
        name: e.name, version: e.version, input: e.input,
        parentTraceContext: traceContextToWire(e.parentTraceContext), taskExecutionId: e.taskExecutionId,
      } };
    case 'taskCompleted':
      return { case: e.type, value: { taskScheduledId: e.taskScheduledId, result: e.result, taskExecutionId: e.taskExecutionId } };
    case 'taskFailed':
      return { case: e.type, value: {
        taskScheduledId: e.taskScheduledId, failureDetails: optionalFailureToWire(e.failureDetails),
        taskExecutionId: e.taskExecutionId,
      } };
    case 'childWorkflowInstanceCreated':
      return { case: e.type, value: {
        instanceId: e.instanceId, name: e.name, version: e.version, input: e.input,
        parentTraceContext: traceContextToWire(e.parentTraceContext),
        retryParentInstanceInfo: e.retryParentInstanceId === undefined ? undefined : { instanceID: e.retryParentInstanceId },
      } };
    case 'childWorkflowInstanceCompleted':
      return { case: e.type, value: { taskScheduledId: e.taskScheduledId, result: e.result } };
    case 'childWorkflowInstanceFailed':
      return { case: e.type, value: { taskScheduledId: e.taskScheduledId, failureDetails: optionalFailureToWire(e.failureDetails) } };
    case 'timerCreated':
      return { case: e.type, value: {
        fireAt: dateToTimestamp(e.fireAt, 'timerCreated.fireAt'), name: e.name, origin: timerOriginToWire(e.origin),
      } };
    case 'timerFired':
      return { case: e.type, value: { fireAt: dateToTimestamp(e.fireAt, 'timerFired.fireAt'), timerId: e.timerId } };
    case 'workflowStarted':
      return { case: e.type, value: { version: workflowVersionToWire(e.version) } };
    case 'workflowCompleted':
      return { case: e.type, value: {} };
    case 'eventSent':
      return { case: e.type, value: { instanceId: e.instanceId, name: e.name, input: e.input } };
    case 'eventRaised':
      return { case: e.type, value: { name: e.name, input: e.input } };
    case 'continueAsNew':
    case 'executionSuspended':
    case 'executionResumed':
      return { case: e.type, value: { input: e.input } };
    case 'executionStalled':
      return { case: e.type, value: { reason: stalledReasonToWire(e.reason), description: e.description } };
    case 'detachedWorkflowInstanceCreated':
      return { case: e.type, value: { instanceId: e.instanceId } };
    case 'executionRewound':
      // This schema has no ExecutionRewound (its field 30 is the router; the Microsoft dialect's 30 is
      // executionRewound). A rewind is already applied to the history it is part of, so an SDK replays the
      // record as what changes nothing: a resume of a workflow that is not suspended.
      return { case: 'executionResumed', value: { input: e.reason } };
  }
}

// Returns the type tag and kind-specific fields; the caller adds eventId, timestamp and router.
function bodyFromWire(body: WireEventType, field: string): EventBody {
  const at = `${field}.${body.case ?? 'eventType'}`;
  switch (body.case) {
    case undefined:
      throw new InvalidArgumentError(`${field}.eventType`, 'no event type is set (unknown or missing oneof)');
    case 'executionStarted': {
      const v = body.value;
      return {
        type: body.case, name: v.name, version: v.version, input: v.input,
        workflowInstance: instanceRefFromWire(requirePresent(v.workflowInstance, `${at}.workflowInstance`)),
        parentInstance: parentInstanceFromWire(v.parentInstance),
        scheduledStartTimestamp: optionalTimestampToDate(v.scheduledStartTimestamp, `${at}.scheduledStartTimestamp`),
        parentTraceContext: traceContextFromWire(v.parentTraceContext),
        workflowSpanID: v.workflowSpanID, tags: tagsFromWire(v.tags),
      };
    }
    case 'executionCompleted':
      return {
        type: body.case, workflowStatus: runtimeStatusFromWire(body.value.workflowStatus, `${at}.workflowStatus`),
        result: body.value.result, failureDetails: optionalFailureFromWire(body.value.failureDetails),
      };
    case 'executionTerminated':
      return { type: body.case, input: body.value.input, recurse: body.value.recurse };
    case 'taskScheduled': {
      const v = body.value;
      return {
        type: body.case, name: v.name, version: v.version, input: v.input,
        parentTraceContext: traceContextFromWire(v.parentTraceContext), taskExecutionId: v.taskExecutionId,
      };
    }
    case 'taskCompleted':
      return { type: body.case, taskScheduledId: body.value.taskScheduledId, result: body.value.result, taskExecutionId: body.value.taskExecutionId };
    case 'taskFailed':
      return {
        type: body.case, taskScheduledId: body.value.taskScheduledId,
        failureDetails: optionalFailureFromWire(body.value.failureDetails), taskExecutionId: body.value.taskExecutionId,
      };
    case 'childWorkflowInstanceCreated': {
      const v = body.value;
      return {
        type: body.case, instanceId: v.instanceId, name: v.name, version: v.version, input: v.input,
        parentTraceContext: traceContextFromWire(v.parentTraceContext),
        retryParentInstanceId: v.retryParentInstanceInfo?.instanceID,
      };
    }
    case 'childWorkflowInstanceCompleted':
      return { type: body.case, taskScheduledId: body.value.taskScheduledId, result: body.value.result };
    case 'childWorkflowInstanceFailed':
      return { type: body.case, taskScheduledId: body.value.taskScheduledId, failureDetails: optionalFailureFromWire(body.value.failureDetails) };
    case 'timerCreated':
      return {
        type: body.case, fireAt: timestampToDate(body.value.fireAt, `${at}.fireAt`), name: body.value.name,
        origin: timerOriginFromWire(body.value.origin),
      };
    case 'timerFired':
      return { type: body.case, fireAt: timestampToDate(body.value.fireAt, `${at}.fireAt`), timerId: body.value.timerId };
    case 'workflowStarted':
      return { type: body.case, version: workflowVersionFromWire(body.value.version) };
    case 'workflowCompleted':
      return { type: body.case };
    case 'eventSent':
      return { type: body.case, instanceId: body.value.instanceId, name: body.value.name, input: body.value.input };
    case 'eventRaised':
      return { type: body.case, name: body.value.name, input: body.value.input };
    case 'continueAsNew':
    case 'executionSuspended':
    case 'executionResumed':
      return { type: body.case, input: body.value.input };
    case 'executionStalled':
      return {
        type: body.case, reason: stalledReasonFromWire(body.value.reason, `${at}.reason`), description: body.value.description,
      };
    case 'detachedWorkflowInstanceCreated':
      return { type: body.case, instanceId: body.value.instanceId };
  }
}
