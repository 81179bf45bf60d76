// Continue-as-new starts a new generation of the same instance: its creation time, the key listWorkflows
// pages by and createdFrom/createdTo filter on, never moves.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ActivityContext } from '../../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import { completion, reachStatus, withEngine, type MakeBackend } from './fixtures.js';

async function echo(_ctx: WorkflowContext, input: unknown) {
  return input;
}

async function generations(ctx: WorkflowContext, n: number) {
  await ctx.waitForExternalEvent('next');
  ctx.continueAsNew(n + 1);
}

const notified: number[] = [];
async function notify(_ctx: ActivityContext, n: number) {
  notified.push(n);
  return n * 100;
}

/** Calls an activity without awaiting it, then continues as new in the same turn; the last generation awaits one. */
async function notifyingLoop(ctx: WorkflowContext, n: number) {
  if (n < 3) {
    ctx.callActivity(notify, n);
    ctx.continueAsNew(n + 1);
    return;
  }
  return await ctx.callActivity(notify, n);
}

export function continueAsNewCases(makeBackend: MakeBackend): void {
  it('an activity called without awaiting it before continue-as-new still runs, and its result never reaches the next generation', async () => {
    notified.length = 0;
    await withEngine(makeBackend, { workflows: [notifyingLoop], activities: [notify] }, async ({ client }) => {
      await client.scheduleNewWorkflow(notifyingLoop, { instanceId: 'notifying', input: 0 });
      const done = await completion(client, 'notifying');
      assert.equal(done.runtimeStatus, 'COMPLETED');
      assert.equal(done.output, 300);
      const deadline = Date.now() + 5000;
      while (notified.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual([...notified].sort(), [0, 1, 2, 3]);
    });
  });

  it('keeps createdAt: list paging ends with each instance once, and createdTo still matches', async () => {
    await withEngine(makeBackend, { workflows: [echo, generations] }, async ({ client }) => {
      await client.scheduleNewWorkflow(generations, { instanceId: 'a-looping', input: 0 });
      await reachStatus(client, 'a-looping', 'RUNNING');
      for (const id of ['b-done', 'c-done']) {
        await client.scheduleNewWorkflow(echo, { instanceId: id });
        await completion(client, id);
      }
      const createdAt = (await client.getWorkflowState('a-looping'))!.createdAt;
      const seen: string[] = [];
      let continuationToken: string | undefined;
      for (let generation = 1; ; generation++) {
        const page = await client.listWorkflows({ pageSize: 1, continuationToken });
        seen.push(...page.instances.map((s) => s.instanceId));
        continuationToken = page.continuationToken;
        if (continuationToken === undefined || seen.length > 3) break;
        // A new generation between pages; the clock moves on first, so a moved createdAt would show.
        await new Promise((resolve) => setTimeout(resolve, 5));
        await client.raiseEvent('a-looping', 'next');
        for (let state = await client.getWorkflowState('a-looping'); state?.input !== generation; state = await client.getWorkflowState('a-looping')) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
      assert.deepEqual(seen, ['a-looping', 'b-done', 'c-done']);
      const after = (await client.getWorkflowState('a-looping'))!;
      assert.equal(after.input, 2, 'two generations were started while paging');
      assert.equal(after.createdAt.getTime(), createdAt.getTime());
      const upToCreation = await client.listWorkflows({ createdTo: createdAt });
      assert.deepEqual(upToCreation.instances.map((s) => s.instanceId), ['a-looping']);
    });
  });
}
