// CreateChildWorkflow: the caller records the creation; the child is started by a message whose
// ExecutionStarted names its parent, so its completion or failure flows back to the caller.
import type { CreateChildWorkflowAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { defaultChildInstanceId } from '../ids.js';
import { validateInstanceId } from '../instance-id.js';
import { selfChildError } from '../links.js';
import { withSource } from './source.js';
import { record, type Turn } from './turn-output.js';

export function applyCreateChildWorkflow(turn: Turn, action: CreateChildWorkflowAction): void {
  const { state, ctx } = turn;
  const childId = action.instanceId
    ? validateInstanceId(action.instanceId, 'createChildWorkflow.instanceId')
    : defaultChildInstanceId(state.instanceId, action.id, state.startEvent?.continuation?.generation);
  // Its start would be refused (the ID is running: this very instance), and a self-link is a cascade cycle.
  if (childId === state.instanceId) throw selfChildError(childId);
  record(
    turn,
    withSource(
      newEvent('childWorkflowInstanceCreated', ctx.now, {
        eventId: action.id,
        instanceId: childId,
        name: action.name,
        version: action.version,
        input: action.input,
        parentTraceContext: ctx.traceContext,
        retryParentInstanceId: action.retryParentInstanceId,
        router: action.router,
      }),
      action,
    ),
  );
  const caller = state.startEvent;
  turn.out.messages.push({
    targetInstanceId: childId,
    event: newEvent('executionStarted', ctx.now, {
      name: action.name,
      input: action.input,
      workflowInstance: { instanceId: childId, executionId: ctx.newId() },
      parentTraceContext: ctx.traceContext,
      parentInstance: {
        taskScheduledId: action.id,
        name: caller?.name,
        workflowInstance: { instanceId: state.instanceId, executionId: caller?.workflowInstance.executionId },
      },
      router: action.router,
    }),
  });
}
