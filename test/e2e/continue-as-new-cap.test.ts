// More generations than one work item runs (MAX_CONTINUE_AS_NEW_PER_TURN) in a tight continue-as-new loop:
// the work item commits its progress and the next one goes on, instead of being abandoned and redone forever.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONTINUE_AS_NEW_PER_TURN } from '../../src/core/turn.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness, type BackendKind } from '../support/backend-harness.js';

const GENERATIONS = MAX_CONTINUE_AS_NEW_PER_TURN * 2 + 5;

async function countdown(ctx: WorkflowContext, n: number) {
  if (n > 0) {
    ctx.continueAsNew(n - 1);
    return undefined;
  }
  return 'done';
}

for (const kind of ['memory', 'sqlite', 'postgres'] as BackendKind[]) {
  describe(`e2e: continue-as-new past the per-item cap on ${kind}`, { timeout: 30_000 }, () => {
    it(`${GENERATIONS} generations without an await complete`, async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [countdown] });
      const id = await h.client.scheduleNewWorkflow(countdown, { input: GENERATIONS });
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 20_000 });
      assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
      assert.equal(state.output, 'done');
      assert.equal(state.input, 0);
      assert.equal(h.logger.entries.filter((e) => e.level === 'error').length, 0, 'no turn failed');
    });
  });
}
