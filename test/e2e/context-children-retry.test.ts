// End-to-end: child workflows (results, failures, IDs) and retry policies for activities and children.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NonRetriableError, TaskFailedError } from '../../src/errors.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import type { RetryPolicy } from '../../src/sdk/retry-policy.js';
import { eventually, startHarness } from '../support/harness.js';

describe('e2e: child workflows', () => {
  it('returns the child result; the default child ID is "<parent>:0000"-style by sequence number', async (t) => {
    async function child(ctx: WorkflowContext, n: number) {
      return { n: n * 10, id: ctx.instanceId };
    }
    async function parent(ctx: WorkflowContext) {
      await ctx.createTimer(1);
      const a = await ctx.callChildWorkflow(child, 1);
      const b = await ctx.callChildWorkflow(child, 2, { instanceId: 'explicit-child' });
      return [a, b];
    }
    const h = await startHarness({ workflows: [parent, child] });
    t.after(() => h.stop());
    const state = await h.run(parent, undefined, 'parent');
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.deepEqual(state.output, [
      { n: 10, id: 'parent:0001' },
      { n: 20, id: 'explicit-child' },
    ]);
    const childState = await h.client.getWorkflowState('parent:0001');
    assert.equal(childState?.parentInstanceId, 'parent');
    assert.equal(childState?.runtimeStatus, 'COMPLETED');
    const history = await h.client.getWorkflowHistory('parent');
    const created = history.filter((e) => e.type === 'childWorkflowInstanceCreated');
    assert.deepEqual(
      created.map((e) => e.type === 'childWorkflowInstanceCreated' && [e.eventId, e.instanceId, e.name]),
      [
        [1, 'parent:0001', 'child'],
        [2, 'explicit-child', 'child'],
      ],
    );
    const childStart = (await h.client.getWorkflowHistory('explicit-child')).find((e) => e.type === 'executionStarted');
    assert.ok(childStart?.type === 'executionStarted');
    assert.equal(childStart.parentInstance?.taskScheduledId, 2);
    assert.equal(childStart.parentInstance?.workflowInstance?.instanceId, 'parent');
  });

  it('a failing child rejects with TaskFailedError carrying its failure details', async (t) => {
    async function badChild(_ctx: WorkflowContext) {
      throw new RangeError('child exploded');
    }
    async function parent(ctx: WorkflowContext) {
      try {
        await ctx.callChildWorkflow(badChild);
        return 'no error';
      } catch (error) {
        assert.ok(error instanceof TaskFailedError);
        return { name: error.name, taskName: error.taskName, details: error.details, message: error.message };
      }
    }
    const h = await startHarness({ workflows: [parent, badChild] });
    t.after(() => h.stop());
    const state = await h.run(parent, undefined, 'p-fail');
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    const out = state.output as { name: string; taskName: string; details: { errorType: string; errorMessage: string; stackTrace?: string }; message: string };
    assert.equal(out.name, 'TaskFailedError');
    assert.equal(out.taskName, 'badChild');
    assert.equal(out.details.errorType, 'RangeError');
    assert.equal(out.details.errorMessage, 'child exploded');
    assert.match(out.details.stackTrace ?? '', /badChild/);
    assert.match(out.message, /child exploded/);
    assert.equal((await h.client.getWorkflowState('p-fail:0000'))?.runtimeStatus, 'FAILED');
  });
  it('a child whose explicit ID belongs to a running instance fails the call instead of hanging', async (t) => {
    async function busy(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent('go');
    }
    async function parent(ctx: WorkflowContext) {
      try {
        await ctx.callChildWorkflow(busy, undefined, { instanceId: 'busy-child' });
        return 'no error';
      } catch (error) {
        return (error as TaskFailedError).details;
      }
    }
    const h = await startHarness({ workflows: [parent, busy] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(busy, { instanceId: 'busy-child', input: 'original' });
    await h.client.waitForWorkflowStart('busy-child', { timeoutMs: 2000 });
    const state = await h.run(parent, undefined, 'collide');
    const details = state.output as TaskFailedError['details'];
    assert.equal(details.errorType, 'WorkflowAlreadyExists');
    assert.match(details.errorMessage, /busy-child/);
    const untouched = await h.client.getWorkflowState('busy-child');
    assert.equal(untouched?.runtimeStatus, 'RUNNING');
    assert.equal(untouched?.input, 'original');
    assert.equal(untouched?.parentInstanceId, undefined);
  });
  it('terminating a child fails the parent call with details saying it was terminated', async (t) => {
    async function child(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent('never');
    }
    async function parent(ctx: WorkflowContext) {
      try {
        await ctx.callChildWorkflow(child, undefined, { instanceId: 'term-child' });
        return 'no error';
      } catch (error) {
        return (error as TaskFailedError).details;
      }
    }
    const h = await startHarness({ workflows: [parent, child] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(parent, { instanceId: 'term-parent' });
    await eventually(async () => (await h.client.getWorkflowState('term-child'))?.runtimeStatus === 'RUNNING');
    await h.client.terminateWorkflow('term-child', { output: 'stopped by operator' });
    const state = await h.client.waitForWorkflowCompletion('term-parent', { timeoutMs: 3000 });
    const details = state.output as TaskFailedError['details'];
    assert.equal(details.errorType, 'WorkflowTerminated');
    assert.match(details.errorMessage, /terminated/);
    assert.match(details.errorMessage, /stopped by operator/);
  });
});

describe('e2e: retry policies', () => {
  const policy: RetryPolicy = { maxAttempts: 3, firstRetryIntervalMs: 20, backoffCoefficient: 2 };

  it('an activity that fails twice then succeeds is retried with durable backoff timers', async (t) => {
    const attempts: string[] = [];
    async function flaky(ctx: ActivityContext) {
      attempts.push(ctx.taskExecutionId);
      if (attempts.length < 3) throw new Error(`attempt ${attempts.length} failed`);
      return 'ok';
    }
    async function retrying(ctx: WorkflowContext) {
      return ctx.callActivity(flaky, undefined, { retry: policy });
    }
    const h = await startHarness({ workflows: [retrying], activities: [flaky] });
    t.after(() => h.stop());
    const state = await h.run(retrying, undefined, 'retry-ok');
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'ok');
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts).size, 1, 'every attempt shares one taskExecutionId');
    const history = await h.client.getWorkflowHistory('retry-ok');
    const actions = history.filter((e) => e.type === 'taskScheduled' || e.type === 'timerCreated');
    assert.deepEqual(
      actions.map((e) => [e.type, e.eventId]),
      [
        ['taskScheduled', 0],
        ['timerCreated', 1],
        ['taskScheduled', 2],
        ['timerCreated', 3],
        ['taskScheduled', 4],
      ],
    );
    const timers = history.filter((e) => e.type === 'timerCreated');
    const delays = timers.map((e) => {
      const started = [...history.slice(0, history.indexOf(e))].reverse().find((x) => x.type === 'workflowStarted')!;
      return e.type === 'timerCreated' ? e.fireAt.getTime() - started.timestamp.getTime() : -1;
    });
    assert.deepEqual(delays, [20, 40]);
    const first = timers[0]!;
    assert.ok(first.type === 'timerCreated');
    assert.equal(first.name, 'flaky-retry');
    assert.equal(first.origin?.kind, 'activityRetry');
  });

  it('maxAttempts exhausted fails the call with the last TaskFailedError', async (t) => {
    let calls = 0;
    async function always(_ctx: ActivityContext) {
      calls++;
      throw new Error(`failure ${calls}`);
    }
    async function exhausted(ctx: WorkflowContext) {
      return ctx.callActivity(always, undefined, { retry: { maxAttempts: 2, firstRetryIntervalMs: 10 } });
    }
    const h = await startHarness({ workflows: [exhausted], activities: [always] });
    t.after(() => h.stop());
    const state = await h.run(exhausted, undefined, 'exhausted');
    assert.equal(state.runtimeStatus, 'FAILED');
    assert.equal(calls, 2);
    assert.equal(state.failureDetails?.errorType, 'TaskFailedError');
    assert.match(state.failureDetails!.errorMessage, /failure 2/);
    assert.equal(state.failureDetails?.innerFailure?.errorMessage, 'failure 2');
  });

  it('handle() returning false and NonRetriableError both stop retries at once', async (t) => {
    let plain = 0;
    let fatal = 0;
    async function plainFail(_ctx: ActivityContext) {
      plain++;
      throw new Error('not handled');
    }
    async function fatalFail(_ctx: ActivityContext) {
      fatal++;
      throw new NonRetriableError('give up');
    }
    async function noRetry(ctx: WorkflowContext) {
      const out: string[] = [];
      try {
        await ctx.callActivity(plainFail, undefined, { retry: { ...policy, handle: (f) => f.details.errorMessage !== 'not handled' } });
      } catch (error) {
        out.push((error as TaskFailedError).details.errorMessage);
      }
      try {
        await ctx.callActivity(fatalFail, undefined, { retry: policy });
      } catch (error) {
        out.push(`${(error as TaskFailedError).details.errorType}:${(error as TaskFailedError).details.isNonRetriable}`);
      }
      return out;
    }
    const h = await startHarness({ workflows: [noRetry], activities: [plainFail, fatalFail] });
    t.after(() => h.stop());
    const state = await h.run(noRetry, undefined, 'no-retry');
    assert.deepEqual(state.output, ['not handled', 'NonRetriableError:true']);
    assert.equal(plain, 1);
    assert.equal(fatal, 1);
    const history = await h.client.getWorkflowHistory('no-retry');
    assert.equal(history.filter((e) => e.type === 'timerCreated').length, 0);
  });

  it('a child workflow that fails twice then succeeds is retried; attempts carry retryParentInstanceId', async (t) => {
    let runs = 0;
    async function countRun(_ctx: ActivityContext) {
      return ++runs;
    }
    async function flakyChild(ctx: WorkflowContext) {
      const run = await ctx.callActivity(countRun);
      if (run < 3) throw new Error(`child run ${run} failed`);
      return `child ok on run ${run}`;
    }
    async function parent(ctx: WorkflowContext) {
      return ctx.callChildWorkflow(flakyChild, undefined, { retry: policy });
    }
    const h = await startHarness({ workflows: [parent, flakyChild], activities: [countRun] });
    t.after(() => h.stop());
    const state = await h.run(parent, undefined, 'cparent');
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'child ok on run 3');
    const history = await h.client.getWorkflowHistory('cparent');
    const created = history.filter((e) => e.type === 'childWorkflowInstanceCreated');
    assert.deepEqual(
      created.map((e) => e.type === 'childWorkflowInstanceCreated' && [e.eventId, e.instanceId, e.retryParentInstanceId]),
      [
        [0, 'cparent:0000', undefined],
        [2, 'cparent:0002', 'cparent:0000'],
        [4, 'cparent:0004', 'cparent:0000'],
      ],
    );
    const timers = history.filter((e) => e.type === 'timerCreated');
    assert.deepEqual(
      timers.map((e) => e.type === 'timerCreated' && e.origin),
      [
        { kind: 'childWorkflowRetry', instanceId: 'cparent:0000' },
        { kind: 'childWorkflowRetry', instanceId: 'cparent:0000' },
      ],
    );
  });

  it('a child that keeps failing exhausts maxAttempts and fails the parent call', async (t) => {
    async function alwaysBad(_ctx: WorkflowContext) {
      throw new Error('always bad');
    }
    async function parent(ctx: WorkflowContext) {
      try {
        await ctx.callChildWorkflow(alwaysBad, undefined, { retry: { maxAttempts: 2, firstRetryIntervalMs: 10 } });
        return 'no error';
      } catch (error) {
        return (error as TaskFailedError).details.errorMessage;
      }
    }
    const h = await startHarness({ workflows: [parent, alwaysBad] });
    t.after(() => h.stop());
    const state = await h.run(parent, undefined, 'cex');
    assert.equal(state.output, 'always bad');
    const created = (await h.client.getWorkflowHistory('cex')).filter((e) => e.type === 'childWorkflowInstanceCreated');
    assert.equal(created.length, 2);
  });
});
