// End-to-end: suspend/resume and terminate (output, precedence over continue-as-new, recursion to children only).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventually, sleep, startHarness } from '../support/harness.js';

describe('e2e: suspend and resume', () => {
  it('a suspended workflow runs no code, buffers events, and consumes them after resume', async (t) => {
    let steps = 0;
    async function mark(_ctx: ActivityContext) {
      return ++steps;
    }
    async function suspendable(ctx: WorkflowContext) {
      const first = await ctx.waitForExternalEvent<string>('e');
      await ctx.callActivity(mark);
      return first;
    }
    const h = await startHarness({ workflows: [suspendable], activities: [mark] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(suspendable, { instanceId: 'susp' });
    await h.client.waitForWorkflowStart('susp', { timeoutMs: 2000 });
    await h.client.suspendWorkflow('susp', 'maintenance');
    await eventually(async () => (await h.client.getWorkflowState('susp'))?.runtimeStatus === 'SUSPENDED');
    await h.client.raiseEvent('susp', 'e', 'while suspended');
    await sleep(50);
    assert.equal(steps, 0, 'no activity was scheduled while suspended');
    const suspended = await h.client.getWorkflowState('susp');
    assert.equal(suspended?.runtimeStatus, 'SUSPENDED');
    const history = await h.client.getWorkflowHistory('susp');
    assert.equal(history.filter((e) => e.type === 'taskScheduled').length, 0);
    assert.ok(history.some((e) => e.type === 'eventRaised'), 'the event is recorded, held for after resume');

    await h.client.resumeWorkflow('susp');
    const state = await h.client.waitForWorkflowCompletion('susp', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 'while suspended');
    assert.equal(steps, 1);
  });

  for (const cacheSize of [100, 0]) {
    it(`suspend is idempotent: suspended twice and resumed once, the code progresses (cache size ${cacheSize})`, async (t) => {
      async function twice(ctx: WorkflowContext) {
        return ctx.waitForExternalEvent<string>('e');
      }
      const h = await startHarness({ workflows: [twice], cacheSize });
      t.after(() => h.stop());
      const id = `twice-${cacheSize}`;
      await h.client.scheduleNewWorkflow(twice, { instanceId: id });
      await h.client.waitForWorkflowStart(id, { timeoutMs: 2000 });
      await h.client.suspendWorkflow(id);
      await eventually(async () => (await h.client.getWorkflowState(id))?.runtimeStatus === 'SUSPENDED');
      await h.client.suspendWorkflow(id);
      await h.client.raiseEvent(id, 'e', 'held');
      await eventually(async () => (await h.client.getWorkflowHistory(id)).some((e) => e.type === 'eventRaised'));
      await h.client.resumeWorkflow(id);
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 3000 });
      assert.equal(state.output, 'held');
    });
  }

  it('resume is idempotent: a resume of a running workflow changes nothing, a second resume after a suspend neither', async (t) => {
    async function resumed(ctx: WorkflowContext) {
      const a = await ctx.waitForExternalEvent<string>('a');
      const b = await ctx.waitForExternalEvent<string>('b');
      return `${a}${b}`;
    }
    const h = await startHarness({ workflows: [resumed] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(resumed, { instanceId: 'resumed' });
    await h.client.waitForWorkflowStart('resumed', { timeoutMs: 2000 });
    await h.client.resumeWorkflow('resumed');
    await h.client.raiseEvent('resumed', 'a', '1');
    await h.client.suspendWorkflow('resumed');
    await h.client.resumeWorkflow('resumed');
    await h.client.resumeWorkflow('resumed');
    await h.client.raiseEvent('resumed', 'b', '2');
    const state = await h.client.waitForWorkflowCompletion('resumed', { timeoutMs: 3000 });
    assert.equal(state.output, '12');
  });

  it('a suspended workflow replayed from history (no cache) still holds its events until resume', async (t) => {
    async function holder(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent<number>('n');
    }
    const h = await startHarness({ workflows: [holder], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(holder, { instanceId: 'susp2' });
    await h.client.waitForWorkflowStart('susp2', { timeoutMs: 2000 });
    await h.client.suspendWorkflow('susp2');
    await eventually(async () => (await h.client.getWorkflowState('susp2'))?.runtimeStatus === 'SUSPENDED');
    await h.client.raiseEvent('susp2', 'n', 7);
    await sleep(30);
    assert.equal((await h.client.getWorkflowState('susp2'))?.runtimeStatus, 'SUSPENDED');
    await h.client.resumeWorkflow('susp2');
    const state = await h.client.waitForWorkflowCompletion('susp2', { timeoutMs: 3000 });
    assert.equal(state.output, 7);
  });
  it('an activity result that arrives while suspended is applied after resume', async (t) => {
    async function slow(_ctx: ActivityContext) {
      await sleep(40);
      return 'result';
    }
    async function wf(ctx: WorkflowContext) {
      const value = await ctx.callActivity(slow);
      return `${value} then ${await ctx.callActivity(slow)}`;
    }
    const h = await startHarness({ workflows: [wf], activities: [slow] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(wf, { instanceId: 'susp3' });
    await eventually(async () => (await h.client.getWorkflowHistory('susp3')).some((e) => e.type === 'taskScheduled'));
    await h.client.suspendWorkflow('susp3');
    await eventually(async () => (await h.client.getWorkflowHistory('susp3')).some((e) => e.type === 'taskCompleted'));
    await sleep(20);
    const history = await h.client.getWorkflowHistory('susp3');
    assert.equal(history.filter((e) => e.type === 'taskScheduled').length, 1, 'no code ran on the held result');
    assert.equal((await h.client.getWorkflowState('susp3'))?.runtimeStatus, 'SUSPENDED');
    await h.client.resumeWorkflow('susp3');
    const state = await h.client.waitForWorkflowCompletion('susp3', { timeoutMs: 3000 });
    assert.equal(state.output, 'result then result');
  });
});

describe('e2e: terminate', () => {
  it('terminate sets TERMINATED with the given output', async (t) => {
    async function forever(ctx: WorkflowContext) {
      await ctx.waitForExternalEvent('never');
    }
    const h = await startHarness({ workflows: [forever] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(forever, { instanceId: 'term' });
    await h.client.waitForWorkflowStart('term', { timeoutMs: 2000 });
    await h.client.terminateWorkflow('term', { output: { reason: 'operator' } });
    const state = await h.client.waitForWorkflowCompletion('term', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'TERMINATED');
    assert.deepEqual(state.output, { reason: 'operator' });
    const history = await h.client.getWorkflowHistory('term');
    assert.deepEqual(history.slice(-2).map((e) => e.type), ['executionTerminated', 'executionCompleted']);
  });

  it('terminating a suspended workflow terminates it', async (t) => {
    async function forever(ctx: WorkflowContext) {
      await ctx.waitForExternalEvent('never');
    }
    const h = await startHarness({ workflows: [forever] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(forever, { instanceId: 'term-susp' });
    await h.client.waitForWorkflowStart('term-susp', { timeoutMs: 2000 });
    await h.client.suspendWorkflow('term-susp');
    await eventually(async () => (await h.client.getWorkflowState('term-susp'))?.runtimeStatus === 'SUSPENDED');
    await h.client.terminateWorkflow('term-susp', { output: 'stop' });
    const state = await h.client.waitForWorkflowCompletion('term-susp', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'TERMINATED');
  });

  it('terminate wins over a continue-as-new in the same turn', async (t) => {
    async function looping(ctx: WorkflowContext, n: number) {
      await ctx.waitForExternalEvent('next');
      ctx.continueAsNew(n + 1);
    }
    const h = await startHarness({ workflows: [looping], start: false });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(looping, { instanceId: 'term-can', input: 0 });
    await h.worker.start();
    await h.client.waitForWorkflowStart('term-can', { timeoutMs: 2000 });
    // Stop the worker so the event and the termination land in one batch.
    await h.worker.stop();
    await h.client.raiseEvent('term-can', 'next');
    await h.client.terminateWorkflow('term-can', { output: 'halt' });
    await h.addWorker();
    const state = await h.client.waitForWorkflowCompletion('term-can', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'TERMINATED');
    assert.equal(state.output, 'halt');
    assert.equal(state.input, 0, 'no new generation was started');
  });

  it('recursive terminate reaches children but never detached workflows', async (t) => {
    async function waiter(ctx: WorkflowContext) {
      await ctx.waitForExternalEvent('never');
      return 'woke';
    }
    async function parent(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(waiter, { instanceId: 'rt-detached' });
      await ctx.callChildWorkflow(waiter, undefined, { instanceId: 'rt-child' });
    }
    const h = await startHarness({ workflows: [parent, waiter] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(parent, { instanceId: 'rt-parent' });
    await eventually(async () => (await h.client.getWorkflowState('rt-child'))?.runtimeStatus === 'RUNNING');
    await eventually(async () => (await h.client.getWorkflowState('rt-detached'))?.runtimeStatus === 'RUNNING');
    await h.client.terminateWorkflow('rt-parent', { output: 'bye', recursive: true });
    const parentState = await h.client.waitForWorkflowCompletion('rt-parent', { timeoutMs: 3000 });
    assert.equal(parentState.runtimeStatus, 'TERMINATED');
    const childState = await h.client.waitForWorkflowCompletion('rt-child', { timeoutMs: 3000 });
    assert.equal(childState.runtimeStatus, 'TERMINATED');
    assert.equal(childState.output, 'bye');
    await sleep(30);
    assert.equal((await h.client.getWorkflowState('rt-detached'))?.runtimeStatus, 'RUNNING');
    await h.client.raiseEvent('rt-detached', 'never');
    assert.equal((await h.client.waitForWorkflowCompletion('rt-detached', { timeoutMs: 3000 })).output, 'woke');
  });

  it('non-recursive terminate leaves children running', async (t) => {
    async function waiter(ctx: WorkflowContext) {
      await ctx.waitForExternalEvent('never');
    }
    async function parent(ctx: WorkflowContext) {
      await ctx.callChildWorkflow(waiter, undefined, { instanceId: 'nr-child' });
    }
    const h = await startHarness({ workflows: [parent, waiter] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(parent, { instanceId: 'nr-parent' });
    await eventually(async () => (await h.client.getWorkflowState('nr-child'))?.runtimeStatus === 'RUNNING');
    await h.client.terminateWorkflow('nr-parent', { recursive: false });
    await h.client.waitForWorkflowCompletion('nr-parent', { timeoutMs: 3000 });
    await sleep(30);
    assert.equal((await h.client.getWorkflowState('nr-child'))?.runtimeStatus, 'RUNNING');
  });
});
