// CreateDetachedWorkflow: fire-and-forget. The caller records DetachedWorkflowInstanceCreated (event id =
// action id) and the new instance starts with no parent, so nothing ever flows back and recursive
// terminate/purge (which follow child links only) never reach it.
import type { CreateDetachedWorkflowAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { InvalidArgumentError } from '../../errors.js';
import { validateFireAt } from '../fire-time.js';
import { validateInstanceId } from '../instance-id.js';
import { withSource } from './source.js';
import { record, type Turn } from './turn-output.js';

export function applyCreateDetachedWorkflow(turn: Turn, action: CreateDetachedWorkflowAction): void {
  if (!action.instanceId) throw new InvalidArgumentError('createDetachedWorkflow.instanceId', 'CreateDetachedWorkflowAction requires an instance ID');
  validateInstanceId(action.instanceId, 'createDetachedWorkflow.instanceId');
  if (!action.name) throw new InvalidArgumentError('createDetachedWorkflow.name', 'CreateDetachedWorkflowAction requires a workflow name');
  if (action.scheduledStartTimestamp !== undefined) validateFireAt(action.scheduledStartTimestamp, 'createDetachedWorkflow.scheduledStartTimestamp');
  const { ctx } = turn;
  record(turn, withSource(newEvent('detachedWorkflowInstanceCreated', ctx.now, { eventId: action.id, instanceId: action.instanceId, router: action.router }), action));
  // Only a target app is routed to the new instance; the caller's source app stays in the caller's history.
  const target = action.router?.targetAppID;
  turn.out.messages.push({
    targetInstanceId: action.instanceId,
    visibleAt: action.scheduledStartTimestamp,
    event: newEvent('executionStarted', ctx.now, {
      name: action.name,
      input: action.input,
      scheduledStartTimestamp: action.scheduledStartTimestamp,
      tags: action.tags && Object.keys(action.tags).length > 0 ? { ...action.tags } : undefined,
      workflowInstance: { instanceId: action.instanceId, executionId: action.executionId || ctx.newId() },
      parentTraceContext: action.parentTraceContext ?? ctx.traceContext,
      router: target ? { targetAppID: target, targetAppNamespace: action.router?.targetAppNamespace || undefined } : undefined,
    }),
  });
}
