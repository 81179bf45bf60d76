// The applier's working state for one turn: the instance's runtime state, the turn result being built
// (new history events and outbound work), and what the applier needs from outside.
import type { HistoryEvent } from '../../protocol/history.js';
import type { TraceContext } from '../../protocol/common.js';
import type { TurnResult } from '../turn-result.js';
import { addEvent, type RuntimeState } from '../runtime-state.js';

/** Everything the applier needs from outside: time, fresh IDs, the current trace context. */
export interface ApplyContext {
  now: Date;
  /** A fresh unique ID (execution IDs of new instances and generations). */
  newId(): string;
  traceContext?: TraceContext;
}

export interface Turn {
  state: RuntimeState;
  /** The result being built: newHistory holds this generation's events (they replace history when continuedAsNew). */
  out: TurnResult;
  ctx: ApplyContext;
}

/** Appends an event to the turn's history through the state, so duplicates are refused here too. */
export function record(turn: Turn, event: HistoryEvent): void {
  if (addEvent(turn.state, event)) turn.out.newHistory.push(event);
}
