// Events that arrive while a failed turn backs off: they wait for the next attempt and are never dropped as stale.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Backend } from '../../../src/backends/backend.js';
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import { completion, withEngine, type MakeBackend } from './fixtures.js';

/** The backend, with the first `failures` commits of `instanceId`'s turns refused. */
function refusingCommits(backend: Backend, instanceId: string, failures: number): { backend: Backend; refused: () => number } {
  let refused = 0;
  const wrapped = new Proxy(backend, {
    get(target, key, receiver) {
      if (key === 'completeWorkflowWorkItem') {
        return async (...args: Parameters<Backend['completeWorkflowWorkItem']>) => {
          if (args[0].instanceId === instanceId && refused < failures) {
            refused++;
            throw new Error('commit refused by the test');
          }
          return target.completeWorkflowWorkItem(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { backend: wrapped, refused: () => refused };
}

async function waitsForEvent(ctx: WorkflowContext) {
  return await ctx.waitForExternalEvent<string>('go');
}

export function backoffCases(makeBackend: MakeBackend): void {
  it('a termination while the first turn backs off terminates the instance', async () => {
    let refused = () => 0;
    const make = async () => {
      const r = refusingCommits(await makeBackend(), 'backoff-t', 1);
      refused = r.refused;
      return r.backend;
    };
    await withEngine(make, { workflows: [waitsForEvent] }, async ({ client }) => {
      await client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'backoff-t' });
      while (refused() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await client.terminateWorkflow('backoff-t', { output: 'stopped' });
      const done = await completion(client, 'backoff-t');
      assert.equal(done.runtimeStatus, 'TERMINATED');
      assert.equal(done.output, 'stopped');
      const types = (await client.getWorkflowHistory('backoff-t')).map((e) => e.type);
      assert.equal(types.filter((t) => t === 'executionTerminated').length, 1);
    });
  });

  it('an event raised while the first turn backs off is delivered with the start', async () => {
    let refused = () => 0;
    const make = async () => {
      const r = refusingCommits(await makeBackend(), 'backoff-e', 1);
      refused = r.refused;
      return r.backend;
    };
    await withEngine(make, { workflows: [waitsForEvent] }, async ({ client }) => {
      await client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'backoff-e' });
      while (refused() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await client.raiseEvent('backoff-e', 'go', 'went');
      const done = await completion(client, 'backoff-e');
      assert.equal(done.runtimeStatus, 'COMPLETED');
      assert.equal(done.output, 'went');
    });
  });
}
