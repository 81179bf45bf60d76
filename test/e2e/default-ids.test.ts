// End-to-end: default child and detached IDs across continue-as-new. Sequence numbers and the spawn counter
// restart in every generation, so each later generation adds its number: nothing of an earlier generation is
// replaced or refused, the first generation keeps the seed format, and replay gives the same IDs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startHarness } from '../support/harness.js';

async function leaf(ctx: WorkflowContext, input: string) {
  return `${input} in ${ctx.instanceId}`;
}

interface Progress {
  generation: number;
  ids: string[];
}

async function spawner(ctx: WorkflowContext, progress: Progress) {
  const detached = ctx.scheduleNewWorkflow(leaf, { input: `spawn ${progress.generation}` });
  // The child's reply comes in a later turn, which replays the spawn above.
  await ctx.callChildWorkflow(leaf, `child ${progress.generation}`);
  const ids = [...progress.ids, detached];
  if (progress.generation < 2) {
    ctx.continueAsNew({ generation: progress.generation + 1, ids });
    return undefined;
  }
  return ids;
}

describe('e2e: default IDs across continue-as-new', () => {
  for (const cacheSize of [10_000, 0]) {
    it(`are distinct per generation, seed format first, and stable on replay (cache size ${cacheSize})`, async (t) => {
      const h = await startHarness({ workflows: [spawner, leaf], cacheSize });
      t.after(() => h.stop());
      const done = await h.run(spawner, { generation: 0, ids: [] }, 'gen');
      assert.equal(done.runtimeStatus, 'COMPLETED', JSON.stringify(done.failureDetails));
      assert.deepEqual(done.output, ['gen-0', 'gen-g1-0', 'gen-g2-0']);
      for (const [generation, id] of ['gen-0', 'gen-g1-0', 'gen-g2-0'].entries()) {
        const spawn = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 3000 });
        assert.equal(spawn.output, `spawn ${generation} in ${id}`, 'each spawn kept its own history and output');
      }
      for (const [generation, id] of ['gen:0001', 'gen:g1:0001', 'gen:g2:0001'].entries()) {
        const child = await h.client.getWorkflowState(id);
        assert.equal(child?.output, `child ${generation} in ${id}`);
        assert.equal(child?.parentInstanceId, 'gen');
      }
      assert.deepEqual(h.logger.entries.filter((e) => e.level === 'warn'), [], 'no spawn was refused');
    });
  }
});
