// A worker and a client on a fresh backend for one workflow conformance case, always stopped and closed.
import type { Backend } from '../../../src/backends/backend.js';
import { Client } from '../../../src/runtime/client.js';
import { Worker, type WorkerOptions } from '../../../src/runtime/worker.js';
import { MemoryLogger } from '../../support/harness.js';

export type MakeBackend = () => Promise<Backend>;

export interface Engine {
  backend: Backend;
  client: Client;
  worker: Worker;
  logger: MemoryLogger;
}

export async function withEngine(
  makeBackend: MakeBackend,
  options: Pick<WorkerOptions, 'workflows' | 'activities'>,
  body: (engine: Engine) => Promise<void>,
): Promise<void> {
  const backend = await makeBackend();
  const logger = new MemoryLogger();
  const worker = new Worker({ minPollMs: 2, maxPollMs: 50, ...options, backend, logger });
  const client = new Client({ backend });
  await worker.start();
  try {
    await body({ backend, client, worker, logger });
  } finally {
    await worker.stop(200);
    await backend.close();
  }
}

/** Waits (5 s at most) for a workflow to finish. */
export function completion(client: Client, instanceId: string) {
  return client.waitForWorkflowCompletion(instanceId, { timeoutMs: 5000 });
}

/** Waits (5 s at most) until the instance has the status. */
export async function reachStatus(client: Client, instanceId: string, status: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const state = await client.getWorkflowState(instanceId);
    if (state?.runtimeStatus === status) return;
    if (Date.now() > deadline) throw new Error(`'${instanceId}' did not become ${status} (it is ${state?.runtimeStatus ?? 'missing'})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
