// The applier: every engine rule for turning a turn's actions into history and outbound work, in one place.
// The in-process SDK and remote SDKs over gRPC go through this same function.
import type { WorkflowAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { applyScheduleTask } from './activity.js';
import { applyCreateChildWorkflow } from './child.js';
import { applyCompleteWorkflow } from './complete.js';
import { applyCreateDetachedWorkflow } from './detached.js';
import { applySendEvent, applyTerminateWorkflow } from './messages.js';
import { applyCreateTimer } from './timer.js';
import { record, type Turn } from './turn-output.js';

/**
 * Applies actions in id order. After a continue-as-new the remaining actions are ignored (they belong to the
 * finished generation); after a completion, later non-completion actions still apply.
 */
export function applyActions(turn: Turn, actions: readonly WorkflowAction[]): void {
  const ordered = [...actions].sort((a, b) => a.id - b.id);
  for (const action of ordered) {
    if (turn.out.continuedAsNew) return;
    applyAction(turn, action);
  }
}

function applyAction(turn: Turn, action: WorkflowAction): void {
  switch (action.type) {
    case 'scheduleTask':
      return applyScheduleTask(turn, action);
    case 'createTimer':
      return applyCreateTimer(turn, action);
    case 'createChildWorkflow':
      return applyCreateChildWorkflow(turn, action);
    case 'createDetachedWorkflow':
      return applyCreateDetachedWorkflow(turn, action);
    case 'sendEvent':
      return applySendEvent(turn, action);
    case 'terminateWorkflow':
      return applyTerminateWorkflow(turn, action);
    case 'completeWorkflow':
      return applyCompleteWorkflow(turn, action);
    case 'workflowVersionNotAvailable':
      // Recorded on the caller itself (the reference engine sends it nowhere): the instance shows STALLED.
      return record(turn, newEvent('executionStalled', turn.ctx.now, { reason: 'VERSION_NOT_AVAILABLE', description: 'workflow version not available' }));
  }
}
