// TestWorkflowEnvironment helpers: activity mocks, output assertions, status waits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestWorkflowEnvironment } from '../../src/testing/index.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';

async function chargeCard(_ctx: ActivityContext, amount: number): Promise<string> {
  throw new Error(`the real payment service was called for ${amount}`);
}

async function checkout(ctx: WorkflowContext, amount: number): Promise<string> {
  const receipt = await ctx.callActivity(chargeCard, amount);
  const mail = await ctx.callActivity<string, string>('send-mail', receipt);
  return `${receipt}, ${mail}`;
}

describe('TestWorkflowEnvironment', () => {
  it('mocks replace an activity by function and an unregistered one by name, and record the inputs', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [checkout], activities: [chargeCard] });
    const charge = env.mockActivity(chargeCard, (_ctx, amount: number) => `receipt-${amount}`);
    const mail = env.mockActivity('send-mail', (_ctx, receipt: string) => `mailed ${receipt}`);
    const state = await env.run(checkout, 42);
    await env.assertOutput(state.instanceId, 'receipt-42, mailed receipt-42');
    assert.deepEqual(charge.calls, [42]);
    assert.deepEqual(mail.calls, ['receipt-42']);
  });

  it('restore puts the registered activity back', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [checkout], activities: [chargeCard] });
    env.mockActivity(chargeCard, () => 'mocked').restore();
    env.mockActivity('send-mail', () => 'mailed');
    const state = await env.run(checkout, 7);
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.match(state.failureDetails?.errorMessage ?? '', /real payment service was called for 7/);
  });

  it('assertOutput names the difference or the status', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [checkout] });
    env.mockActivity(chargeCard, () => 'r');
    env.mockActivity('send-mail', () => 'm');
    const done = await env.run(checkout, 1);
    await assert.rejects(env.assertOutput(done.instanceId, 'something else'), /output "r, m" is not the expected "something else"/);
    env.mockActivity('send-mail', () => {
      throw new Error('mail server down');
    });
    const failed = await env.run(checkout, 1);
    await assert.rejects(env.assertOutput(failed.instanceId, 'r, m'), /is FAILED, not COMPLETED: .*mail server down/);
  });

  it('waitForStatus sees a workflow suspended and resumed', async () => {
    const waits = async (ctx: WorkflowContext) => ctx.waitForExternalEvent('go');
    await using env = await TestWorkflowEnvironment.create({ workflows: [waits] });
    const id = await env.start(waits);
    await env.waitForStatus(id, 'RUNNING');
    await env.client.suspendWorkflow(id);
    await env.waitForStatus(id, 'SUSPENDED');
    await env.client.resumeWorkflow(id);
    await env.client.raiseEvent(id, 'go', 'went');
    await env.waitForCompletion(id);
    await env.assertOutput(id, 'went');
  });
});
