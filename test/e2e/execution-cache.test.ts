// Two workers on one task hub (two backend objects on one SQLite file; one PostgreSQL schema): a worker's
// cached execution must not be resumed after the other worker moved the instance to another execution whose
// history has the same length (continue-as-new, an ID reused with replaceTerminal).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from '../../src/runtime/worker.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness, type BackendHarness, type BackendKind } from '../support/backend-harness.js';
import { eventually } from '../support/harness.js';

/** Generation 1 waits for 'go' and continues as new; generation 2 waits for 'go2' and returns both events. */
async function generations(ctx: WorkflowContext, input: { gen: number; seen?: string }) {
  if (input.gen === 1) {
    const first = await ctx.waitForExternalEvent<string>('go');
    ctx.continueAsNew({ gen: 2, seen: first });
    return undefined;
  }
  const second = await ctx.waitForExternalEvent<string>('go2');
  return `${input.seen}+${second}`;
}

/** Returns its input and the event, so the output shows which instance's code ran. */
async function echo(ctx: WorkflowContext, input: string) {
  return `${input}:${await ctx.waitForExternalEvent<string>('go')}`;
}

const options = { workflows: [generations, echo], cacheSize: 100 };

/** Runs `step` with only `worker` running, until `done` holds; the other worker stays stopped. */
async function onlyOn(worker: Worker, step: () => Promise<void>, done: () => Promise<boolean>): Promise<void> {
  await worker.start();
  await step();
  await eventually(done, 10_000);
  await worker.stop(1000);
}

async function historyLength(h: BackendHarness, id: string): Promise<number> {
  return (await h.client.getWorkflowHistory(id)).length;
}

for (const kind of ['sqlite', 'postgres'] as BackendKind[]) {
  describe(`e2e: the execution cache with two workers on ${kind}`, { timeout: 60_000 }, () => {
    it('an execution continued as new by another worker is not resumed from the cache', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      const a = await h.startWorker(options);
      const b = await h.startWorker(options, await h.openPeer());
      await b.stop(1000);
      const id = 'can-elsewhere';
      // A runs generation 1 up to its wait and caches it.
      await h.client.scheduleNewWorkflow(generations, { instanceId: id, input: { gen: 1 } });
      await eventually(() => a.cache.size === 1);
      const cachedLength = await historyLength(h, id);
      await a.stop(1000);
      // B continues it as new; generation 2 waits at the same history length.
      const secondWaiting = async () => ((await h.client.getWorkflowState(id))?.input as { gen?: number })?.gen === 2;
      await onlyOn(b, () => h.client.raiseEvent(id, 'go', 'one'), secondWaiting);
      assert.equal(await historyLength(h, id), cachedLength, 'generation 2 waits at the length generation 1 was cached at');
      // A gets generation 2's event: it must replay generation 2, not resume generation 1.
      await a.start();
      await h.client.raiseEvent(id, 'go2', 'two');
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      assert.equal(state.output, 'one+two');
    });

    it('an instance ID reused with replaceTerminal by another worker is not resumed from the old execution', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      const a = await h.startWorker(options);
      const b = await h.startWorker(options, await h.openPeer());
      await b.stop(1000);
      const id = 'reused';
      await h.client.scheduleNewWorkflow(echo, { instanceId: id, input: 'old' });
      await eventually(() => a.cache.size === 1);
      const cachedLength = await historyLength(h, id);
      await a.stop(1000);
      // B terminates the old instance; the ID is reused and B runs the new one up to the same wait.
      await onlyOn(b, () => h.client.terminateWorkflow(id), async () => (await h.client.getWorkflowState(id))?.runtimeStatus === 'TERMINATED');
      await onlyOn(
        b,
        async () => void (await h.client.scheduleNewWorkflow(echo, { instanceId: id, input: 'new', reuse: 'replaceTerminal' })),
        async () => (await h.client.getWorkflowState(id))?.runtimeStatus === 'RUNNING',
      );
      assert.equal(await historyLength(h, id), cachedLength, 'the new instance waits at the length the old one was cached at');
      await a.start();
      await h.client.raiseEvent(id, 'go', 'event');
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      assert.equal(state.output, 'new:event');
    });
  });
}
