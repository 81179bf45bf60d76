// Time skipping of TestWorkflowEnvironment: long timers, a timer racing an event, retries with back-off, and
// sleeps that stop exactly where they were told to.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestWorkflowEnvironment } from '../../src/testing/index.js';
import { TimeoutError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import type { TimerCreatedEvent } from '../../src/protocol/history.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2030-01-01T00:00:00Z');

async function monthLongNap(ctx: WorkflowContext): Promise<number> {
  const before = ctx.currentUtcDateTime.getTime();
  await ctx.createTimer(30 * DAY);
  return ctx.currentUtcDateTime.getTime() - before;
}

async function approval(ctx: WorkflowContext): Promise<string> {
  try {
    return await ctx.waitForExternalEvent<string>('approve', { timeoutMs: DAY });
  } catch {
    return 'timed out';
  }
}

describe('TestWorkflowEnvironment time skipping', () => {
  it('a 30-day timer fires as soon as the hub is idle, and workflow time moves 30 days', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [monthLongNap], startTime: start });
    const state = await env.run(monthLongNap);
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.ok((state.output as number) >= 30 * DAY, `workflow saw ${state.output} ms pass`);
    assert.equal(env.now().getTime() - start.getTime(), 30 * DAY);
    assert.deepEqual(await env.historyTypes(state.instanceId), [
      'workflowStarted', 'executionStarted', 'timerCreated', 'workflowStarted', 'timerFired', 'executionCompleted',
    ]);
  });

  it('without time skipping the timer waits for env.sleep', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [monthLongNap], startTime: start, timeSkipping: false });
    const id = await env.start(monthLongNap);
    await assert.rejects(env.waitForCompletion(id, { timeoutMs: 100 }), TimeoutError);
    await env.sleep(29 * DAY);
    assert.equal((await env.client.getWorkflowState(id))?.runtimeStatus, 'RUNNING');
    await env.sleep(DAY);
    await env.assertOutput(id, 30 * DAY);
  });

  it('an event raised before the timeout wins the race', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [approval], startTime: start });
    const id = await env.start(approval);
    await env.sleep(HOUR);
    await env.client.raiseEvent(id, 'approve', 'yes');
    await env.waitForCompletion(id);
    await env.assertOutput(id, 'yes');
    assert.ok(env.now().getTime() - start.getTime() < DAY, 'the timeout timer never came due');
  });

  it('the timeout wins when no event comes: time skips the day', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [approval], startTime: start });
    const id = await env.start(approval);
    await env.waitForCompletion(id);
    await env.assertOutput(id, 'timed out');
    assert.equal(env.now().getTime() - start.getTime(), DAY);
  });

  it('an event raised after the timeout is too late', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [approval], startTime: start });
    const id = await env.start(approval);
    await env.sleep(DAY + HOUR);
    await env.client.raiseEvent(id, 'approve', 'late').catch(() => undefined);
    await env.waitForCompletion(id);
    await env.assertOutput(id, 'timed out');
  });

  it('retries wait out their back-off on virtual time', async () => {
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
      return 'done';
    };
    const withRetries = async (ctx: WorkflowContext) =>
      ctx.callActivity(flaky, undefined, { retry: { maxAttempts: 5, firstRetryIntervalMs: HOUR, backoffCoefficient: 2 } });
    await using env = await TestWorkflowEnvironment.create({ workflows: [withRetries], activities: [flaky], startTime: start });
    const state = await env.run(withRetries);
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(attempts, 3);
    const history = await env.client.getWorkflowHistory(state.instanceId);
    const timers = history.filter((e): e is TimerCreatedEvent => e.type === 'timerCreated');
    const delays = timers.map((t) => t.fireAt.getTime() - t.timestamp.getTime());
    assert.deepEqual(delays, [HOUR, 2 * HOUR]);
    assert.equal(env.now().getTime() - start.getTime(), 3 * HOUR);
  });

  it('sleep runs the timers due on the way, in order, and stops at its end', async () => {
    const twoTimers = async (ctx: WorkflowContext) => {
      await ctx.createTimer(DAY);
      ctx.setCustomStatus('first fired');
      await ctx.createTimer(DAY);
      return 'both fired';
    };
    await using env = await TestWorkflowEnvironment.create({ workflows: [twoTimers], startTime: start });
    const id = await env.start(twoTimers);
    await env.sleep(DAY + 12 * HOUR);
    const state = await env.client.getWorkflowState(id);
    assert.equal(state?.runtimeStatus, 'RUNNING');
    assert.equal(state?.customStatus, 'first fired');
    assert.equal(env.now().getTime() - start.getTime(), DAY + 12 * HOUR);
    await env.sleep(12 * HOUR);
    await env.assertOutput(id, 'both fired');
  });

  it('time stands still while an activity runs: a slow activity beats a one-day timer', async () => {
    const slow = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'activity';
    };
    const race = async (ctx: WorkflowContext) => {
      const winner = await ctx.whenAny([ctx.createTimer(DAY), ctx.callActivity(slow)]);
      return winner === 0 ? 'timer' : 'activity';
    };
    await using env = await TestWorkflowEnvironment.create({ workflows: [race], activities: [slow], startTime: start });
    const state = await env.run(race);
    assert.equal(state.output, 'activity');
    assert.ok(env.now().getTime() - start.getTime() < DAY);
  });

  it('ten one-day timers in a row finish', async () => {
    const tenDays = async (ctx: WorkflowContext) => {
      for (let i = 0; i < 10; i++) await ctx.createTimer(DAY);
      return 'rested';
    };
    await using env = await TestWorkflowEnvironment.create({ workflows: [tenDays], startTime: start });
    const state = await env.run(tenDays);
    assert.equal(state.output, 'rested');
    assert.equal(env.now().getTime() - start.getTime(), 10 * DAY);
  });
});
