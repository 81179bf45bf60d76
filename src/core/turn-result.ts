// What one turn of a workflow produces: the core's output, committed by a backend in one transaction
// (Backend.completeWorkflowWorkItem). The applier builds it, runTurn finishes it, the backend writes it:
// one type end to end, never copied field by field into another.
import type { FailureDetails, Payload } from '../protocol/common.js';
import type { HistoryEvent, TaskScheduledEvent, TimerFiredEvent } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';

/**
 * What a turn changes in the instance row: a delta. The status, custom status and completion fields are the
 * turn's (absent means none); the fields that come from the start event change only when a generation begins,
 * so a turn never rewrites the input (a 4 MiB input is not written again on every step of a fan-out).
 * createdAt and scheduledStartAt are the row's own and never move.
 */
export interface InstanceUpdate {
  runtimeStatus: RuntimeStatus;
  /** Written every turn: a replayed workflow sets it again each turn, so a change cannot be told from a repeat. */
  customStatus?: Payload;
  output?: Payload;
  failureDetails?: FailureDetails;
  completedAt?: Date;
  /** Present only when the turn began a new generation (continue-as-new): the start event's fields of the row. */
  generation?: InstanceGeneration;
}

/** The instance row's fields that come from its current generation's ExecutionStarted. */
export interface InstanceGeneration {
  name: string;
  executionId: string;
  input?: Payload;
  parentInstanceId?: string;
  version?: string;
  tags?: Record<string, string>;
}

export interface OutboundMessage {
  targetInstanceId: string;
  /** An ExecutionStarted creates the target instance (child or detached start) under core/delivery rules. */
  event: HistoryEvent;
  /** Invisible until then (a scheduled start); undefined means now. */
  visibleAt?: Date;
}

export interface TimerMessage {
  event: TimerFiredEvent;
  visibleAt: Date;
}

/** Everything one turn writes, committed in one transaction by completeWorkflowWorkItem. */
export interface TurnResult {
  /** Events appended to history, in order. With continuedAsNew they replace the whole history. */
  newHistory: HistoryEvent[];
  continuedAsNew: boolean;
  /** The instance row after the turn; undefined when the turn only consumed its inbox (e.g. events to a finished instance). */
  instance?: InstanceUpdate;
  activityTasks: TaskScheduledEvent[];
  timers: TimerMessage[];
  /** Delivered under core/delivery's plan; a refused detached start records a warning on this instance. */
  messages: OutboundMessage[];
}

/** A result that writes nothing yet: the applier's starting point, and a turn that only consumes its inbox. */
export function emptyTurnResult(): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [] };
}
