// Bringing failed work back: rewind a FAILED instance past its failures, or restart an instance from its
// original input. Each checks the instance first and changes nothing on bad input.
import { randomUUID } from 'node:crypto';
import type { Backend } from '../backends/backend.js';
import { encodePayload } from '../core/payload.js';
import { FailedPreconditionError, WorkflowNotFoundError } from '../errors.js';
import { newEvent } from '../protocol/history.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import { isTerminalStatus } from '../protocol/status.js';

async function existing(backend: Backend, instanceId: string): Promise<WorkflowMetadata> {
  const metadata = await backend.getWorkflowMetadata(instanceId);
  if (!metadata) throw new WorkflowNotFoundError(instanceId);
  return metadata;
}

/**
 * Queues the rewind of a FAILED instance: its next turn drops the failed activities and children (and the
 * failure) from its history and runs the workflow again, so they run again; what succeeded is kept.
 */
export async function rewindWorkflow(backend: Backend, instanceId: string, reason: string | undefined): Promise<void> {
  const { runtimeStatus } = await existing(backend, instanceId);
  if (runtimeStatus !== 'FAILED') {
    throw new FailedPreconditionError(`cannot rewind workflow instance '${instanceId}': it is ${runtimeStatus}, and only a FAILED instance can be rewound`);
  }
  await backend.addWorkflowEvent(instanceId, newEvent('executionRewound', new Date(), { reason: encodePayload(reason, 'reason') }));
}

/**
 * Starts the instance's workflow again from its input: under the same ID (replacing it, which needs it
 * finished), or as a new instance `newInstanceId`. Returns the ID that runs.
 */
export async function restartWorkflow(backend: Backend, instanceId: string, newInstanceId: string | undefined): Promise<string> {
  const source = await existing(backend, instanceId);
  const target = newInstanceId ?? instanceId;
  if (target === instanceId && !isTerminalStatus(source.runtimeStatus)) {
    throw new FailedPreconditionError(
      `cannot restart workflow instance '${instanceId}' under its own ID: it is ${source.runtimeStatus}; ` +
        'pass newInstanceId to start a copy, or wait until it is finished',
    );
  }
  const start = newEvent('executionStarted', new Date(), {
    name: source.name,
    version: source.version,
    input: source.input,
    workflowInstance: { instanceId: target, executionId: randomUUID() },
    tags: source.tags ? { ...source.tags } : undefined,
  });
  await backend.createWorkflowInstance(start, { reuse: target === instanceId ? 'replaceTerminal' : 'error' });
  return target;
}
