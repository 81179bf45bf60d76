// Actions that only send something to another instance: an event, or a termination.
import type { SendEventAction, TerminateWorkflowAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { validateInstanceId } from '../instance-id.js';
import { withSource } from './source.js';
import { record, type Turn } from './turn-output.js';

/**
 * The sender records EventSent; the target receives EventRaised, the event its replay understands
 * (the reference engine forwards EventSent itself, which receiving SDKs cannot handle).
 */
export function applySendEvent(turn: Turn, action: SendEventAction): void {
  const target = validateInstanceId(action.instance.instanceId, 'sendEvent.instanceId');
  record(turn, withSource(newEvent('eventSent', turn.ctx.now, { eventId: action.id, instanceId: target, name: action.name, input: action.data }), action));
  turn.out.messages.push({
    targetInstanceId: target,
    event: newEvent('eventRaised', turn.ctx.now, { name: action.name, input: action.data }),
  });
}

export function applyTerminateWorkflow(turn: Turn, action: TerminateWorkflowAction): void {
  validateInstanceId(action.instanceId, 'terminateWorkflow.instanceId');
  turn.out.messages.push({
    targetInstanceId: action.instanceId,
    event: newEvent('executionTerminated', turn.ctx.now, { input: action.reason, recurse: action.recurse, router: action.router }),
  });
}
