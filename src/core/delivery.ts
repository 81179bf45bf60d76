// Rules for delivering a turn's messages, shared by every backend so that they differ only in storage.
// A start message (child or detached) on an ID that is taken must never be silent: a child's parent is
// told its child failed, a detached caller gets a warning recorded on it (the reference engine drops both).
import type { OutboundMessage } from './turn-result.js';
import { newEvent, type ExecutionStartedEvent, type HistoryEvent } from '../protocol/history.js';
import { isTerminalStatus, type RuntimeStatus } from '../protocol/status.js';

export type StartDelivery =
  | { outcome: 'create' }
  /** The existing instance is finished: delete it with its history, inbox and tasks, then create. */
  | { outcome: 'replace' }
  /** The ID belongs to a live instance: leave it untouched and deliver nothing to it. */
  | {
      outcome: 'reject';
      /** A child's parent learns its child could not start; deliver this to the parent's inbox. */
      notify?: OutboundMessage;
      /** A detached start is refused: record this warning on the sending instance. */
      warning?: string;
    };

export function isStartMessage(message: OutboundMessage): message is OutboundMessage & { event: ExecutionStartedEvent } {
  return message.event.type === 'executionStarted';
}

/**
 * Decides what a start message does to the instance it targets.
 * @param existing status of the instance that holds the ID now, or undefined when none does
 */
export function decideStartDelivery(existing: RuntimeStatus | undefined, start: ExecutionStartedEvent, now: Date): StartDelivery {
  if (existing === undefined) return { outcome: 'create' };
  if (isTerminalStatus(existing)) return { outcome: 'replace' };
  const target = start.workflowInstance.instanceId;
  const parent = start.parentInstance;
  if (parent?.workflowInstance) {
    const failed: HistoryEvent = newEvent('childWorkflowInstanceFailed', now, {
      taskScheduledId: parent.taskScheduledId,
      failureDetails: {
        errorType: 'WorkflowAlreadyExists',
        errorMessage: `cannot start child workflow '${start.name}': instance '${target}' already exists and is ${existing}`,
        isNonRetriable: true,
      },
    });
    return { outcome: 'reject', notify: { targetInstanceId: parent.workflowInstance.instanceId, event: failed } };
  }
  return {
    outcome: 'reject',
    warning:
      `scheduleNewWorkflow('${start.name}') did not start instance '${target}': ` +
      `an instance with that ID is ${existing}; it was left untouched`,
  };
}

/**
 * A termination does not wait for a scheduled start: the instance's whole inbox (its ExecutionStarted first)
 * becomes visible at once, and the turn ends the instance without running its code.
 */
export function cancelsScheduledStart(event: HistoryEvent): boolean {
  return event.type === 'executionTerminated';
}

/**
 * When an event for a waiting instance becomes visible: an instance still waiting for its scheduled start
 * keeps new events in its inbox until the start, so they are never processed before ExecutionStarted.
 */
export function eventVisibleAt(pendingStartAt: Date | undefined, now: Date): Date {
  return pendingStartAt && pendingStartAt > now ? pendingStartAt : now;
}
