// End-to-end: how failures are recorded (workflow errors, activity errors with causes), unregistered code
// that waits for a capable worker instead of failing, non-determinism after a code change, non-durable awaits,
// and payload limits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PayloadTooLargeError, TaskFailedError } from '../../src/errors.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventually, startHarness } from '../support/harness.js';

class OrderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderError';
  }
}

describe('e2e: failures', () => {
  it('an uncaught error fails the workflow with type, message and stack', async (t) => {
    async function broken(_ctx: WorkflowContext, what: string) {
      throw new OrderError(`bad order ${what}`);
    }
    const h = await startHarness({ workflows: [broken] });
    t.after(() => h.stop());
    const state = await h.run(broken, 'x1', 'broken');
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.equal(state.failureDetails?.errorType, 'OrderError');
    assert.equal(state.failureDetails?.errorMessage, 'bad order x1');
    assert.match(state.failureDetails?.stackTrace ?? '', /broken/);
    assert.equal(state.output, undefined);
    const last = (await h.client.getWorkflowHistory('broken')).at(-1)!;
    assert.ok(last.type === 'executionCompleted');
    assert.equal(last.workflowStatus, 'FAILED');
    assert.deepEqual(last.failureDetails, state.failureDetails);
  });

  it('an activity failure records type, message, stack and the inner failure from `cause`', async (t) => {
    async function charge(_ctx: ActivityContext) {
      throw new OrderError('charge failed', { cause: new TypeError('card expired') });
    }
    async function order(ctx: WorkflowContext) {
      try {
        await ctx.callActivity(charge);
      } catch (error) {
        assert.ok(error instanceof TaskFailedError);
        return error.details;
      }
    }
    const h = await startHarness({ workflows: [order], activities: [charge] });
    t.after(() => h.stop());
    const state = await h.run(order, undefined, 'charge');
    const details = state.output as TaskFailedError['details'];
    assert.equal(details.errorType, 'OrderError');
    assert.equal(details.errorMessage, 'charge failed');
    assert.match(details.stackTrace ?? '', /charge/);
    assert.equal(details.innerFailure?.errorType, 'TypeError');
    assert.equal(details.innerFailure?.errorMessage, 'card expired');
    const failed = (await h.client.getWorkflowHistory('charge')).find((e) => e.type === 'taskFailed');
    assert.ok(failed?.type === 'taskFailed');
    assert.equal(failed.taskScheduledId, 0);
    assert.deepEqual(failed.failureDetails, details);
  });

  it('an unregistered activity never fails its workflow: the task waits for a worker that has it', async (t) => {
    async function missingActivity(_ctx: ActivityContext, n: number) {
      return n * 2;
    }
    async function callsMissing(ctx: WorkflowContext) {
      return ctx.callActivity(missingActivity, 21);
    }
    async function ping() {
      return 'pong';
    }
    const h = await startHarness({ workflows: [callsMissing, ping] });
    t.after(() => h.stop());
    const id = await h.client.scheduleNewWorkflow(callsMissing, { instanceId: 'missing-act' });
    await eventually(async () => (await h.client.getWorkflowHistory(id)).some((e) => e.type === 'taskScheduled'));
    // The worker keeps serving what it has while the task waits.
    assert.equal((await h.run(ping, undefined, 'ping')).output, 'pong');
    assert.equal((await h.client.getWorkflowState(id))?.runtimeStatus, 'RUNNING');
    assert.ok(!(await h.client.getWorkflowHistory(id)).some((e) => e.type === 'taskFailed'));
    await h.addWorker({ workflows: [], activities: [missingActivity] });
    const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 5000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 42);
  });

  it('an unregistered workflow never fails: the instance stays PENDING until a worker registers it', async (t) => {
    async function ping() {
      return 'pong';
    }
    async function noSuchWorkflow() {
      return 'finally';
    }
    const h = await startHarness({ workflows: [ping] });
    t.after(() => h.stop());
    const id = await h.client.scheduleNewWorkflow('noSuchWorkflow', { instanceId: 'missing-wf' });
    assert.equal((await h.run(ping, undefined, 'ping')).output, 'pong');
    assert.equal((await h.client.getWorkflowState(id))?.runtimeStatus, 'PENDING');
    await h.addWorker({ workflows: [noSuchWorkflow] });
    const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 5000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 'finally');
  });
});

describe('e2e: non-determinism and non-durable awaits', () => {
  it('changing the code between turns fails the workflow naming the sequence number and both actions', async (t) => {
    const code = { version: 1 };
    async function step(_ctx: ActivityContext, n: number) {
      return n;
    }
    async function other(_ctx: ActivityContext, n: number) {
      return n;
    }
    async function changing(ctx: WorkflowContext) {
      await ctx.callActivity(step, 1);
      if (code.version === 1) await ctx.callActivity(step, 2);
      else await ctx.callActivity(other, 2);
      await ctx.waitForExternalEvent('finish');
      return 'done';
    }
    const h = await startHarness({ workflows: [changing], activities: [step, other], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(changing, { instanceId: 'nd' });
    await eventually(async () => (await h.client.getWorkflowHistory('nd')).filter((e) => e.type === 'taskCompleted').length === 2);
    code.version = 2; // a "deployment" between turns
    await h.client.raiseEvent('nd', 'finish');
    // A deploy's non-determinism stalls the instance (it never fails it), with the divergence as the reason.
    await eventually(async () => (await h.client.getWorkflowState('nd'))?.runtimeStatus === 'STALLED', 10_000);
    const stalled = (await h.client.getWorkflowHistory('nd')).find((e) => e.type === 'executionStalled');
    assert.ok(stalled?.type === 'executionStalled');
    assert.equal(stalled.reason, 'PATCH_MISMATCH');
    const message = stalled.description ?? '';
    assert.match(message, /sequence number 1/);
    assert.match(message, /callActivity\('step'\)/);
    assert.match(message, /callActivity\('other'\)/);
    // The deploy is rolled back: the instance continues by itself, with the event it received while stalled.
    code.version = 1;
    const state = await h.client.waitForWorkflowCompletion('nd', { timeoutMs: 20_000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 'done');
  });

  it('a replay that makes fewer calls than history recorded stalls as non-deterministic', async (t) => {
    const code = { withTimer: true };
    async function shrinking(ctx: WorkflowContext) {
      if (code.withTimer) await ctx.createTimer(5);
      await ctx.waitForExternalEvent('finish');
      return 'done';
    }
    const h = await startHarness({ workflows: [shrinking], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(shrinking, { instanceId: 'nd2' });
    await eventually(async () => (await h.client.getWorkflowHistory('nd2')).some((e) => e.type === 'timerFired'));
    code.withTimer = false;
    await h.client.raiseEvent('nd2', 'finish');
    await eventually(async () => (await h.client.getWorkflowState('nd2'))?.runtimeStatus === 'STALLED', 10_000);
    const stalled = (await h.client.getWorkflowHistory('nd2')).find((e) => e.type === 'executionStalled');
    assert.ok(stalled?.type === 'executionStalled');
    assert.match(stalled.description ?? '', /sequence number 0/);
    assert.match(stalled.description ?? '', /createTimer/);
  });

  it('awaiting a plain setTimeout promise fails with the "not a durable task" error instead of hanging', async (t) => {
    async function sleepy(ctx: WorkflowContext) {
      // Long enough that it cannot fire inside the turn even on a loaded machine (detection is at turn end).
      await new Promise((resolve) => setTimeout(resolve, 400));
      await ctx.createTimer(5);
      return 'unreachable';
    }
    const h = await startHarness({ workflows: [sleepy] });
    t.after(() => h.stop());
    const state = await h.run(sleepy, undefined, 'sleepy');
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.match(state.failureDetails!.errorMessage, /not a durable task/);
    assert.match(state.failureDetails!.errorMessage, /setTimeout/);
  });

  it('awaiting setTimeout after a durable task also fails instead of hanging', async (t) => {
    async function noop(_ctx: ActivityContext) {
      return 1;
    }
    async function sleepyLater(ctx: WorkflowContext) {
      await ctx.callActivity(noop);
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'unreachable';
    }
    const h = await startHarness({ workflows: [sleepyLater], activities: [noop] });
    t.after(() => h.stop());
    const state = await h.run(sleepyLater, undefined, 'sleepy-later');
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.match(state.failureDetails!.errorMessage, /not a durable task/);
  });

  it('a fire-and-forget call (scheduleNewWorkflow, sendEvent) is not durable work to wait for: a setTimeout after it fails instead of hanging', async (t) => {
    async function target(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent('never');
    }
    async function spawnThenSleep(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(target, { instanceId: 'spawned-target' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'unreachable';
    }
    async function sendThenSleep(ctx: WorkflowContext) {
      ctx.sendEvent('spawned-target', 'hello');
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'unreachable';
    }
    const h = await startHarness({ workflows: [spawnThenSleep, sendThenSleep, target] });
    t.after(() => h.stop());
    for (const wf of [spawnThenSleep, sendThenSleep]) {
      const state = await h.run(wf, undefined, wf.name);
      assert.equal(state.runtimeStatus, 'FAILED', wf.name);
      assert.match(state.failureDetails!.errorMessage, /not a durable task/);
    }
    // The calls made before the wait still happened.
    assert.equal((await h.client.getWorkflowState('spawned-target'))?.runtimeStatus, 'RUNNING');
  });
});

describe('e2e: payload limits', () => {
  const limit = 1000;
  const big = 'x'.repeat(2000);

  it('an oversized activity input fails the call that produced it, naming limit and size', async (t) => {
    async function echo(_ctx: ActivityContext, s: string) {
      return s;
    }
    async function sender(ctx: WorkflowContext) {
      try {
        ctx.callActivity(echo, big);
        return 'no error';
      } catch (error) {
        return { name: (error as Error).name, message: (error as Error).message, isLimit: error instanceof PayloadTooLargeError };
      }
    }
    const h = await startHarness({ workflows: [sender], activities: [echo], maxPayloadBytes: limit });
    t.after(() => h.stop());
    const state = await h.run(sender, undefined, 'big-input');
    assert.equal(state.runtimeStatus, 'COMPLETED');
    const out = state.output as { name: string; message: string; isLimit: boolean };
    assert.equal(out.name, 'PayloadTooLargeError');
    assert.ok(out.isLimit);
    assert.match(out.message, /2002 bytes/);
    assert.match(out.message, /1000 bytes/);
    assert.match(out.message, /echo/);
    const history = await h.client.getWorkflowHistory('big-input');
    assert.equal(history.filter((e) => e.type === 'taskScheduled').length, 0, 'nothing was scheduled');
  });

  it('an oversized client input throws PayloadTooLargeError and creates nothing', async (t) => {
    async function any(_ctx: WorkflowContext) {
      return 1;
    }
    const h = await startHarness({ workflows: [any], maxPayloadBytes: limit });
    t.after(() => h.stop());
    await assert.rejects(h.client.scheduleNewWorkflow(any, { input: big, instanceId: 'big-client' }), (error: unknown) => {
      assert.ok(error instanceof PayloadTooLargeError);
      assert.equal(error.limit, limit);
      assert.equal(error.size, 2002);
      return true;
    });
    assert.equal(await h.client.getWorkflowState('big-client'), undefined);
  });

  it('an oversized activity output fails the activity task non-retriably', async (t) => {
    let calls = 0;
    async function produce(_ctx: ActivityContext) {
      calls++;
      return big;
    }
    async function receiver(ctx: WorkflowContext) {
      try {
        await ctx.callActivity(produce, undefined, { retry: { maxAttempts: 3, firstRetryIntervalMs: 10 } });
        return 'no error';
      } catch (error) {
        return (error as TaskFailedError).details;
      }
    }
    const h = await startHarness({ workflows: [receiver], activities: [produce], maxPayloadBytes: limit });
    t.after(() => h.stop());
    const state = await h.run(receiver, undefined, 'big-output');
    const details = state.output as TaskFailedError['details'];
    assert.equal(details.errorType, 'PayloadTooLargeError');
    assert.equal(details.isNonRetriable, true);
    assert.match(details.errorMessage, /1000 bytes/);
    assert.equal(calls, 1, 'a non-retriable failure is not retried');
  });

  it('an oversized workflow output fails the workflow; an oversized raised event throws at the client', async (t) => {
    async function bigOutput(_ctx: WorkflowContext) {
      return big;
    }
    async function waits(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent('e');
    }
    const h = await startHarness({ workflows: [bigOutput, waits], maxPayloadBytes: limit });
    t.after(() => h.stop());
    const state = await h.run(bigOutput, undefined, 'big-output-wf');
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.equal(state.failureDetails?.errorType, 'PayloadTooLargeError');
    assert.match(state.failureDetails!.errorMessage, /workflow output is 2002 bytes, over the payload limit of 1000 bytes/);
    await h.client.scheduleNewWorkflow(waits, { instanceId: 'big-event' });
    await assert.rejects(h.client.raiseEvent('big-event', 'e', big), PayloadTooLargeError);
  });
});
