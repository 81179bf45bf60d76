// What applying one turn's actions produces: the new history events and the outbound work.
import type { HistoryEvent, TaskScheduledEvent } from '../../protocol/history.js';
import type { TraceContext } from '../../protocol/common.js';
import type { OutboundMessage, TimerMessage } from '../../backends/backend.js';
import { addEvent, type RuntimeState } from '../runtime-state.js';

export interface TurnOutput {
  /** History events of this turn, in order (they replace history when continuedAsNew). */
  history: HistoryEvent[];
  activityTasks: TaskScheduledEvent[];
  timers: TimerMessage[];
  messages: OutboundMessage[];
  warnings: string[];
  continuedAsNew: boolean;
}

/** Everything the applier needs from outside: time, fresh IDs, the current trace context. */
export interface ApplyContext {
  now: Date;
  /** A fresh unique ID (execution IDs of new instances and generations). */
  newId(): string;
  traceContext?: TraceContext;
}

export interface Turn {
  state: RuntimeState;
  out: TurnOutput;
  ctx: ApplyContext;
}

export function emptyTurnOutput(): TurnOutput {
  return { history: [], activityTasks: [], timers: [], messages: [], warnings: [], continuedAsNew: false };
}

/** Appends an event to the turn's history through the state, so duplicates are refused here too. */
export function record(turn: Turn, event: HistoryEvent): void {
  if (addEvent(turn.state, event)) turn.out.history.push(event);
}
