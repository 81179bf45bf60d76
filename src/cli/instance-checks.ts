// Checks shared by the commands that change an instance: it must exist, and not have finished
// (the backends would queue the event for a finished instance and silently drop it).
import { FailedPreconditionError, WorkflowNotFoundError } from '../errors.js';
import { isTerminalStatus } from '../protocol/status.js';
import type { Client } from '../runtime/client.js';
import type { WorkflowState } from '../runtime/workflow-state.js';

export async function requireInstance(client: Client, id: string): Promise<WorkflowState> {
  const state = await client.getWorkflowState(id, { includePayloads: false });
  if (!state) throw new WorkflowNotFoundError(id);
  return state;
}

export async function requireLive(client: Client, id: string, verb: string): Promise<WorkflowState> {
  const state = await requireInstance(client, id);
  if (isTerminalStatus(state.runtimeStatus)) {
    throw new FailedPreconditionError(`cannot ${verb} workflow instance '${id}': it is ${state.runtimeStatus}`);
  }
  return state;
}
