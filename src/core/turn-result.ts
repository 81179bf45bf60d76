// What one turn of a workflow produces: the core's output, committed by a backend in one transaction
// (Backend.completeWorkflowWorkItem). The applier builds it, runTurn finishes it, the backend writes it:
// one type end to end, never copied field by field into another.
import type { FailureDetails, Payload } from '../protocol/common.js';
import type { HistoryEvent, TaskScheduledEvent, TimerFiredEvent } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';

/** Fields of the instance row that a turn sets. */
export interface InstanceUpdate {
  runtimeStatus: RuntimeStatus;
  name: string;
  executionId: string;
  /** Creation time from the ExecutionStarted event (changes on continue-as-new only by carrying it). */
  createdAt: Date;
  input?: Payload;
  output?: Payload;
  customStatus?: Payload;
  failureDetails?: FailureDetails;
  completedAt?: Date;
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
  messages: OutboundMessage[];
  /** Warnings to record on the instance (shown by getWorkflowState and the CLI). */
  warnings?: string[];
}

/** A result that writes nothing yet: the applier's starting point, and a turn that only consumes its inbox. */
export function emptyTurnResult(): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [] };
}
