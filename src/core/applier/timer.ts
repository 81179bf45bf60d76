// TimerFired is sent to ourselves, invisible until fireAt: no worker sleeps on a timer.
import type { CreateTimerAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { validateFireAt } from '../fire-time.js';
import { withSource } from './source.js';
import { record, type Turn } from './turn-output.js';

export function applyCreateTimer(turn: Turn, action: CreateTimerAction): void {
  // Whatever made the action (ctx, a remote SDK): a fire time no store can hold fails the workflow, not the commit.
  validateFireAt(action.fireAt, 'createTimer.fireAt');
  record(
    turn,
    withSource(newEvent('timerCreated', turn.ctx.now, { eventId: action.id, fireAt: action.fireAt, name: action.name, origin: action.origin }), action),
  );
  turn.out.timers.push({
    event: newEvent('timerFired', turn.ctx.now, { fireAt: action.fireAt, timerId: action.id }),
    visibleAt: action.fireAt,
  });
}
