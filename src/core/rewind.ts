// Rewind of a FAILED instance, with the Microsoft SDK's semantics: the failures leave the history (each failed
// activity's TaskFailed and its TaskScheduled, so the replay schedules the activity again; each failed child's
// ChildWorkflowInstanceFailed, keeping its creation, and the child is rewound too; the failed completion), what
// succeeded stays, and the ExecutionRewound event stays as the record. The turn that takes the rewind event
// replays the cleaned history and replaces the stored one with it. The execution ID is kept: replayed IDs
// derived from it (newGuid, default child IDs) must come out as they did.
import { newEvent, type ExecutionRewoundEvent, type HistoryEvent } from '../protocol/history.js';
import type { RuntimeState } from './runtime-state.js';
import type { OutboundMessage, TurnResult } from './turn-result.js';

export interface Rewind {
  /** The committed history without the failures: the past of the rewinding turn. */
  history: HistoryEvent[];
  /** Children whose failure was removed: each is rewound in turn. */
  failedChildren: string[];
  event: ExecutionRewoundEvent;
}

/** The rewind the inbox asks of a FAILED instance, or undefined (no rewind, or the instance is not FAILED). */
export function rewindOf(state: RuntimeState, history: readonly HistoryEvent[], inbox: readonly HistoryEvent[]): Rewind | undefined {
  const event = inbox.find((e): e is ExecutionRewoundEvent => e.type === 'executionRewound');
  if (!event || state.completedEvent?.workflowStatus !== 'FAILED') return undefined;
  const failedTasks = new Set<number>();
  const failedChildTasks = new Set<number>();
  for (const e of history) {
    if (e.type === 'taskFailed') failedTasks.add(e.taskScheduledId);
    else if (e.type === 'childWorkflowInstanceFailed') failedChildTasks.add(e.taskScheduledId);
  }
  const failedChildren: string[] = [];
  const kept = history.filter((e) => {
    switch (e.type) {
      case 'taskFailed':
      case 'childWorkflowInstanceFailed':
      case 'executionCompleted':
        return false;
      case 'taskScheduled':
        return !failedTasks.has(e.eventId);
      case 'childWorkflowInstanceCreated':
        if (failedChildTasks.has(e.eventId)) failedChildren.push(e.instanceId);
        return true;
      default:
        return true;
    }
  });
  return { history: kept, failedChildren, event };
}

/**
 * Makes the rewinding turn's result replace the stored history with the cleaned one followed by the turn's
 * events, and rewinds the failed children (their results come back to this instance as before).
 */
export function completeRewind(rewind: Rewind, result: TurnResult, state: RuntimeState, now: Date): void {
  result.newHistory = result.continuedAsNew ? result.newHistory : [...rewind.history, ...result.newHistory];
  result.continuedAsNew = true;
  state.historyLength = result.newHistory.length;
  const children: OutboundMessage[] = rewind.failedChildren.map((childId) => ({
    targetInstanceId: childId,
    event: newEvent('executionRewound', now, { reason: rewind.event.reason }),
  }));
  result.messages.push(...children);
}
