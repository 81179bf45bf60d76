// CompleteWorkflow: the first completion of a turn wins. A finished child tells its parent; continue-as-new
// replaces the whole generation (history and the state built from it) with a fresh start.
import type { CompleteWorkflowAction } from '../../protocol/actions.js';
import type { FailureDetails } from '../../protocol/common.js';
import { newEvent, type HistoryEvent } from '../../protocol/history.js';
import { addEvent, newRuntimeState } from '../runtime-state.js';
import { record, type Turn } from './turn-output.js';

export function applyCompleteWorkflow(turn: Turn, action: CompleteWorkflowAction): void {
  if (turn.state.completedEvent || turn.out.continuedAsNew) return;
  if (action.workflowStatus === 'CONTINUED_AS_NEW') continueAsNew(turn, action);
  else complete(turn, action);
}

function complete(turn: Turn, action: CompleteWorkflowAction): void {
  const { state, ctx } = turn;
  const failureDetails = action.failureDetails ?? impliedFailure(action);
  record(
    turn,
    newEvent('executionCompleted', ctx.now, {
      eventId: action.id,
      workflowStatus: action.workflowStatus,
      result: action.result,
      // As in the reference engine, a termination records no failure: its reason is the output.
      failureDetails: action.workflowStatus === 'COMPLETED' ? undefined : action.workflowStatus === 'TERMINATED' ? action.failureDetails : failureDetails,
      router: action.router,
    }),
  );
  const parent = state.startEvent?.parentInstance;
  const parentId = parent?.workflowInstance?.instanceId;
  if (!parent || !parentId) return;
  const event: HistoryEvent =
    action.workflowStatus === 'COMPLETED'
      ? newEvent('childWorkflowInstanceCompleted', ctx.now, { taskScheduledId: parent.taskScheduledId, result: action.result })
      : newEvent('childWorkflowInstanceFailed', ctx.now, { taskScheduledId: parent.taskScheduledId, failureDetails });
  turn.out.messages.push({ targetInstanceId: parentId, event });
}

/** A terminated (or otherwise failed without details) child still gives its parent a reason. */
function impliedFailure(action: CompleteWorkflowAction): FailureDetails | undefined {
  if (action.workflowStatus === 'COMPLETED') return undefined;
  const reason = action.result !== undefined ? `: ${action.result}` : '';
  return { errorType: `Workflow${action.workflowStatus === 'TERMINATED' ? 'Terminated' : 'Failed'}`, errorMessage: `workflow ${action.workflowStatus.toLowerCase()}${reason}` };
}

function continueAsNew(turn: Turn, action: CompleteWorkflowAction): void {
  const { ctx } = turn;
  const old = turn.state.startEvent;
  if (!old) return;
  const state = newRuntimeState(turn.state.instanceId);
  state.customStatus = turn.state.customStatus;
  const generation: HistoryEvent[] = [
    newEvent('workflowStarted', ctx.now, {}),
    newEvent('executionStarted', ctx.now, {
      name: old.name,
      version: old.version,
      tags: old.tags,
      input: action.result,
      parentInstance: old.parentInstance,
      workflowInstance: { instanceId: old.workflowInstance.instanceId, executionId: ctx.newId() },
      parentTraceContext: old.parentTraceContext,
      continuation: { generation: (old.continuation?.generation ?? 0) + 1, createdAt: old.continuation?.createdAt ?? old.timestamp },
    }),
    ...(action.carryoverEvents ?? []),
  ];
  const history = generation.filter((event) => addEvent(state, event));
  turn.state = state;
  // Work of the old generation that expects a reply would resolve the new generation's sequence numbers,
  // so only fire-and-forget messages (detached starts, events, terminations) survive continue-as-new. An
  // activity called without awaiting it still runs when its task carries an execution ID: the new generation
  // tells its result from its own tasks by that ID and drops it as stale.
  turn.out.activityTasks = turn.out.activityTasks.filter((task) => task.taskExecutionId !== '');
  turn.out.timers = [];
  turn.out.messages = turn.out.messages.filter((m) => m.event.type !== 'executionStarted' || !m.event.parentInstance);
  turn.out.newHistory = history;
  turn.out.continuedAsNew = true;
}
