// What the engine knows of one instance's current generation, built by adding history events one by one.
// Adding is where duplicates die: a second start or completion, or a second resolution of the same task,
// timer or child (keyed by kind and id, across the whole history) is rejected and never reaches history.
import type { Payload, TaskRouter } from '../protocol/common.js';
import type { ExecutionCompletedEvent, ExecutionStartedEvent, HistoryEvent } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';
import type { InstanceUpdate } from './turn-result.js';

export interface RuntimeState {
  readonly instanceId: string;
  startEvent?: ExecutionStartedEvent;
  completedEvent?: ExecutionCompletedEvent;
  isSuspended: boolean;
  stalled: boolean;
  customStatus?: Payload;
  lastUpdatedAt?: Date;
  /** Committed history events of this generation. */
  historyLength: number;
  /** Resolution keys seen: `task:<id>`, `timer:<id>`, `child:<id>`. */
  readonly resolved: Set<string>;
  /**
   * What this generation scheduled, by resolution key: the task execution id of a task, the fire time of a
   * timer ('' for a child). A result that matches nothing here belongs to an earlier generation.
   */
  readonly scheduled: Map<string, string>;
  /** Children created by this generation (for recursive terminate), with the router of their creation. */
  readonly children: Map<string, TaskRouter | undefined>;
}

export function newRuntimeState(instanceId: string): RuntimeState {
  return { instanceId, isSuspended: false, stalled: false, historyLength: 0, resolved: new Set(), scheduled: new Map(), children: new Map() };
}

/** Rebuilds state from committed history (duplicates in stored history are skipped, as on any add). */
export function stateFromHistory(instanceId: string, history: readonly HistoryEvent[]): RuntimeState {
  const state = newRuntimeState(instanceId);
  for (const event of history) addEvent(state, event);
  state.historyLength = history.length;
  return state;
}

function resolutionKey(event: HistoryEvent): string | undefined {
  switch (event.type) {
    case 'taskCompleted':
    case 'taskFailed':
      return `task:${event.taskScheduledId}`;
    case 'timerFired':
      return `timer:${event.timerId}`;
    case 'childWorkflowInstanceCompleted':
    case 'childWorkflowInstanceFailed':
      return `child:${event.taskScheduledId}`;
    default:
      return undefined;
  }
}

/** Adds an event to the state. Returns false, changing nothing, when the event is a duplicate. */
export function addEvent(state: RuntimeState, event: HistoryEvent): boolean {
  switch (event.type) {
    case 'executionStarted':
      if (state.startEvent) return false;
      state.startEvent = event;
      break;
    case 'executionCompleted':
      if (state.completedEvent) return false;
      state.completedEvent = event;
      break;
    case 'executionSuspended':
      state.isSuspended = true;
      break;
    case 'executionResumed':
      state.isSuspended = false;
      break;
    case 'executionStalled':
      state.stalled = true;
      break;
    case 'childWorkflowInstanceCreated':
      state.children.set(event.instanceId, event.router);
      state.scheduled.set(`child:${event.eventId}`, '');
      break;
    case 'taskScheduled':
      state.scheduled.set(`task:${event.eventId}`, event.taskExecutionId);
      break;
    case 'timerCreated':
      state.scheduled.set(`timer:${event.eventId}`, String(event.fireAt.getTime()));
      break;
    default: {
      const key = resolutionKey(event);
      if (key !== undefined) {
        if (state.resolved.has(key)) return false;
        state.resolved.add(key);
      }
    }
  }
  if (event.type !== 'executionStalled') state.stalled = false;
  state.lastUpdatedAt = event.timestamp;
  return true;
}

/**
 * A result for something this generation never scheduled: typically an activity or timer of the generation
 * before a continue-as-new, whose sequence numbers the new generation reuses. Applying it would resolve the
 * wrong task, so the turn drops it.
 */
export function isStaleResolution(state: RuntimeState, event: HistoryEvent): boolean {
  const key = resolutionKey(event);
  if (key === undefined) return false;
  const fingerprint = state.scheduled.get(key);
  if (fingerprint === undefined) return true;
  if (event.type === 'timerFired') return String(event.fireAt.getTime()) !== fingerprint;
  if (event.type === 'taskCompleted' || event.type === 'taskFailed') {
    return fingerprint !== '' && event.taskExecutionId !== '' && event.taskExecutionId !== fingerprint;
  }
  return false;
}

export function runtimeStatus(state: RuntimeState): RuntimeStatus {
  if (!state.startEvent) return state.stalled ? 'STALLED' : 'PENDING';
  if (state.completedEvent) return state.completedEvent.workflowStatus;
  if (state.stalled) return 'STALLED';
  return state.isSuspended ? 'SUSPENDED' : 'RUNNING';
}

/**
 * What the turn changes in the instance row. Requires a start event. `newGeneration`: the turn continued as
 * new, so the start event's fields change too (the first generation's are written when the row is created).
 */
export function instanceUpdate(state: RuntimeState, newGeneration: boolean): InstanceUpdate {
  const start = state.startEvent;
  if (!start) throw new Error(`instance '${state.instanceId}' has no ExecutionStarted event`);
  const done = state.completedEvent;
  const update: InstanceUpdate = {
    runtimeStatus: runtimeStatus(state),
    customStatus: state.customStatus,
    output: done?.result,
    failureDetails: done?.failureDetails,
    completedAt: done?.timestamp,
  };
  if (newGeneration) {
    update.generation = {
      name: start.name,
      executionId: start.workflowInstance.executionId ?? '',
      input: start.input,
      parentInstanceId: start.parentInstance?.workflowInstance?.instanceId,
      version: start.version,
      tags: start.tags,
    };
  }
  return update;
}
