// A worker's loops must never wait for a slot that was given back. Several activity results for one instance
// committed in one PostgreSQL batch each reserve a workflow slot and lease nothing (only a lone result leases
// its workflow): the reservations must wake the workflow loop when they are returned.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness } from '../support/backend-harness.js';

const FAN_OUT = 8;

describe('e2e: slot wake-ups on postgres', { timeout: 60_000 }, () => {
  it(`with one worker, a fan-out of ${FAN_OUT} whose activities finish together completes, and so does a workflow started afterwards`, async (t) => {
    // The activities finish together: each waits until all have started.
    let started = 0;
    let release: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    async function together(_ctx: ActivityContext, i: number) {
      if (++started === FAN_OUT) release();
      await allStarted;
      // Let the turn that scheduled them finish first, so the results' reservations can take every slot.
      await new Promise((resolve) => setTimeout(resolve, 30));
      return i;
    }
    async function fanOut(ctx: WorkflowContext) {
      const results = await ctx.whenAll(Array.from({ length: FAN_OUT }, (_, i) => ctx.callActivity(together, i)));
      return results.reduce((a, b) => a + b, 0);
    }
    async function plain() {
      return 'plain';
    }
    const h = await startBackendHarness('postgres');
    t.after(() => h.stop());
    // As many workflow slots as results: the results' reservations take every one of them.
    await h.startWorker({ workflows: [fanOut, plain], activities: [together], workflowConcurrency: FAN_OUT, activityConcurrency: FAN_OUT,
      // The loop looks for work every millisecond, so it sees every slot reserved while the results commit.
      minPollMs: 1, maxPollMs: 1 });
    const id = await h.client.scheduleNewWorkflow(fanOut);
    const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 20_000 });
    assert.equal(state.output, (FAN_OUT * (FAN_OUT - 1)) / 2);
    const after = await h.client.scheduleNewWorkflow(plain);
    assert.equal((await h.client.waitForWorkflowCompletion(after, { timeoutMs: 20_000 })).output, 'plain');
  });
});
