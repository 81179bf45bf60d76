// History events of the Durable Task protocol (history_events.proto) as plain data.
// A union tagged by the proto oneof name; every event carries its eventId and timestamp.
// eventId is the action's sequence number for events produced from an action, -1 otherwise.
import type {
  FailureDetails,
  ParentInstanceInfo,
  Payload,
  SourceLocation,
  TaskRouter,
  TraceContext,
  WorkflowInstanceRef,
  WorkflowVersion,
} from './common.js';
import type { RuntimeStatus } from './status.js';

interface EventBase {
  eventId: number;
  timestamp: Date;
  router?: TaskRouter;
}

export type TimerOrigin =
  | { kind: 'createTimer' }
  | { kind: 'externalEvent'; name: string }
  | { kind: 'activityRetry'; taskExecutionId: string }
  | { kind: 'childWorkflowRetry'; instanceId: string };

export interface ExecutionStartedEvent extends EventBase {
  type: 'executionStarted';
  name: string;
  version?: string;
  input?: Payload;
  workflowInstance: WorkflowInstanceRef;
  parentInstance?: ParentInstanceInfo;
  scheduledStartTimestamp?: Date;
  parentTraceContext?: TraceContext;
  workflowSpanID?: string;
  tags?: Record<string, string>;
  /** Engine bookkeeping, never on the wire: set on every generation that continue-as-new started. */
  continuation?: Continuation;
}

/** What a generation started by continue-as-new carries over from the ones before it. */
export interface Continuation {
  /** 1 for the first generation after the original start, counting up: default IDs differ per generation. */
  generation: number;
  /** When the instance was created: continue-as-new never moves it (it is the listWorkflows paging key). */
  createdAt: Date;
}

export interface ExecutionCompletedEvent extends EventBase {
  type: 'executionCompleted';
  workflowStatus: RuntimeStatus;
  result?: Payload;
  failureDetails?: FailureDetails;
}

export interface ExecutionTerminatedEvent extends EventBase {
  type: 'executionTerminated';
  input?: Payload;
  recurse: boolean;
  /** Engine bookkeeping, never on the wire: set on the terminations a recursive terminate passes to children. */
  cascade?: TerminationCascade;
}

/** Who passed a recursive termination on: a target that is not that execution's child ignores it (core/links.ts). */
export interface TerminationCascade {
  parent: WorkflowInstanceRef;
  /** Every instance the cascade went through, root first: the cascade's visited set. */
  path: string[];
}

export interface TaskScheduledEvent extends EventBase {
  type: 'taskScheduled';
  name: string;
  version?: string;
  input?: Payload;
  parentTraceContext?: TraceContext;
  taskExecutionId: string;
  /** Where the call was made (this engine's field, kept in storage; not on the gRPC wire). */
  source?: SourceLocation;
}

export interface TaskCompletedEvent extends EventBase {
  type: 'taskCompleted';
  taskScheduledId: number;
  result?: Payload;
  taskExecutionId: string;
}

export interface TaskFailedEvent extends EventBase {
  type: 'taskFailed';
  taskScheduledId: number;
  failureDetails?: FailureDetails;
  taskExecutionId: string;
}

export interface ChildWorkflowInstanceCreatedEvent extends EventBase {
  type: 'childWorkflowInstanceCreated';
  instanceId: string;
  name: string;
  version?: string;
  input?: Payload;
  parentTraceContext?: TraceContext;
  retryParentInstanceId?: string;
  /** Where the call was made (this engine's field, kept in storage; not on the gRPC wire). */
  source?: SourceLocation;
}

export interface ChildWorkflowInstanceCompletedEvent extends EventBase {
  type: 'childWorkflowInstanceCompleted';
  taskScheduledId: number;
  result?: Payload;
}

export interface ChildWorkflowInstanceFailedEvent extends EventBase {
  type: 'childWorkflowInstanceFailed';
  taskScheduledId: number;
  failureDetails?: FailureDetails;
}

export interface TimerCreatedEvent extends EventBase {
  type: 'timerCreated';
  fireAt: Date;
  name?: string;
  origin?: TimerOrigin;
  /** Where the call was made (this engine's field, kept in storage; not on the gRPC wire). */
  source?: SourceLocation;
}

export interface TimerFiredEvent extends EventBase {
  type: 'timerFired';
  fireAt: Date;
  timerId: number;
}

export interface WorkflowStartedEvent extends EventBase {
  type: 'workflowStarted';
  version?: WorkflowVersion;
}

export interface WorkflowCompletedEvent extends EventBase {
  type: 'workflowCompleted';
}

export interface EventSentEvent extends EventBase {
  type: 'eventSent';
  instanceId: string;
  name: string;
  input?: Payload;
  /** Where the call was made (this engine's field, kept in storage; not on the gRPC wire). */
  source?: SourceLocation;
}

export interface EventRaisedEvent extends EventBase {
  type: 'eventRaised';
  name: string;
  input?: Payload;
}

export interface ContinueAsNewEvent extends EventBase {
  type: 'continueAsNew';
  input?: Payload;
}

export interface ExecutionSuspendedEvent extends EventBase {
  type: 'executionSuspended';
  input?: Payload;
}

export interface ExecutionResumedEvent extends EventBase {
  type: 'executionResumed';
  input?: Payload;
}

export type StalledReason = 'PATCH_MISMATCH' | 'VERSION_NOT_AVAILABLE' | 'PAYLOAD_SIZE_EXCEEDED';

export interface ExecutionStalledEvent extends EventBase {
  type: 'executionStalled';
  reason: StalledReason;
  description?: string;
}

export interface DetachedWorkflowInstanceCreatedEvent extends EventBase {
  type: 'detachedWorkflowInstanceCreated';
  instanceId: string;
  /** Where the call was made (this engine's field, kept in storage; not on the gRPC wire). */
  source?: SourceLocation;
}

/**
 * A rewind of a FAILED instance (Microsoft protocol's ExecutionRewound): the engine removes the failures from
 * the history and runs the workflow again from there; kept in the history as the record of the rewind.
 */
export interface ExecutionRewoundEvent extends EventBase {
  type: 'executionRewound';
  reason?: Payload;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | ChildWorkflowInstanceCreatedEvent
  | ChildWorkflowInstanceCompletedEvent
  | ChildWorkflowInstanceFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | WorkflowStartedEvent
  | WorkflowCompletedEvent
  | EventSentEvent
  | EventRaisedEvent
  | ContinueAsNewEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent
  | ExecutionStalledEvent
  | DetachedWorkflowInstanceCreatedEvent
  | ExecutionRewoundEvent;

export type HistoryEventType = HistoryEvent['type'];

/** The event of the given type, e.g. `EventOf<'taskScheduled'>`. */
export type EventOf<T extends HistoryEventType> = Extract<HistoryEvent, { type: T }>;

/** Fields a constructor takes: everything but the tag, with eventId defaulting to -1. */
export type EventFields<T extends HistoryEventType> = Omit<EventOf<T>, 'type' | 'eventId' | 'timestamp'> & {
  eventId?: number;
};

/**
 * Builds a history event. `newEvent('taskCompleted', now, { taskScheduledId: 3, ... })`.
 * eventId defaults to -1: only events produced from an action carry the action's id.
 */
export function newEvent<T extends HistoryEventType>(type: T, timestamp: Date, fields: EventFields<T>): EventOf<T> {
  return { eventId: -1, ...fields, type, timestamp } as unknown as EventOf<T>;
}
