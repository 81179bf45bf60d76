// End-to-end: activities, sequences, fan-out/fan-in and races through the WorkflowContext on the memory backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventTypes, eventTypesWithoutMarkers, eventually, startHarness } from '../support/harness.js';

async function double(_ctx: ActivityContext, n: number): Promise<number> {
  return n * 2;
}

async function greet(_ctx: ActivityContext, name: string): Promise<string> {
  return `hello ${name}`;
}

describe('e2e: activities', () => {
  it('callActivity by function and by name records the reference history', async (t) => {
    async function byFunction(ctx: WorkflowContext, n: number) {
      return ctx.callActivity(double, n);
    }
    async function byName(ctx: WorkflowContext, who: string) {
      return ctx.callActivity<string, string>('greet', who);
    }
    const h = await startHarness({ workflows: [byFunction, byName], activities: [double, greet] });
    t.after(() => h.stop());

    const a = await h.run(byFunction, 21, 'act-fn');
    assert.equal(a.runtimeStatus, 'COMPLETED');
    assert.equal(a.output, 42);
    const history = await h.client.getWorkflowHistory('act-fn');
    assert.deepEqual(eventTypes(history), [
      'workflowStarted',
      'executionStarted',
      'taskScheduled',
      'workflowStarted',
      'taskCompleted',
      'executionCompleted',
    ]);
    const scheduled = history[2]!;
    assert.equal(scheduled.type === 'taskScheduled' && scheduled.name, 'double');
    assert.equal(scheduled.eventId, 0);
    assert.equal(scheduled.type === 'taskScheduled' && scheduled.input, '21');
    const completed = history[4]!;
    assert.equal(completed.type === 'taskCompleted' && completed.taskScheduledId, 0);
    assert.equal(completed.type === 'taskCompleted' && completed.result, '42');
    assert.equal(history[5]!.eventId, 1);

    const b = await h.run(byName, 'ada', 'act-name');
    assert.equal(b.output, 'hello ada');
  });

  it('a sequence of activities runs in order, one per turn, with increasing sequence numbers', async (t) => {
    const calls: number[] = [];
    async function record(_ctx: ActivityContext, n: number) {
      calls.push(n);
      return n + 1;
    }
    async function sequence(ctx: WorkflowContext, start: number) {
      let n = start;
      for (let i = 0; i < 3; i++) n = await ctx.callActivity(record, n);
      return n;
    }
    const h = await startHarness({ workflows: [sequence], activities: [record] });
    t.after(() => h.stop());
    const state = await h.run(sequence, 10, 'seq');
    assert.equal(state.output, 13);
    assert.deepEqual(calls, [10, 11, 12]);
    const history = await h.client.getWorkflowHistory('seq');
    const scheduled = history.filter((e) => e.type === 'taskScheduled');
    assert.deepEqual(scheduled.map((e) => e.eventId), [0, 1, 2]);
    assert.deepEqual(eventTypesWithoutMarkers(history), [
      'executionStarted',
      'taskScheduled',
      'taskCompleted',
      'taskScheduled',
      'taskCompleted',
      'taskScheduled',
      'taskCompleted',
      'executionCompleted',
    ]);
  });

  it('whenAll and Promise.all fan out in one turn and fan in with results in call order', async (t) => {
    async function slowEcho(_ctx: ActivityContext, n: number) {
      await new Promise((r) => setTimeout(r, (5 - n) * 5));
      return n;
    }
    async function fanWhenAll(ctx: WorkflowContext, count: number) {
      const tasks = Array.from({ length: count }, (_, i) => ctx.callActivity(slowEcho, i));
      return ctx.whenAll(tasks);
    }
    async function fanPromiseAll(ctx: WorkflowContext, count: number) {
      return Promise.all(Array.from({ length: count }, (_, i) => ctx.callActivity(slowEcho, i)));
    }
    const h = await startHarness({ workflows: [fanWhenAll, fanPromiseAll], activities: [slowEcho] });
    t.after(() => h.stop());
    for (const wf of [fanWhenAll, fanPromiseAll]) {
      const state = await h.run(wf, 5, `fan-${wf.name}`);
      assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
      assert.deepEqual(state.output, [0, 1, 2, 3, 4]);
      const history = await h.client.getWorkflowHistory(`fan-${wf.name}`);
      // All five are scheduled in the first turn, before any completion.
      assert.deepEqual(eventTypes(history).slice(0, 7), ['workflowStarted', 'executionStarted', ...Array(5).fill('taskScheduled')]);
      assert.equal(history.filter((e) => e.type === 'taskCompleted').length, 5);
      assert.equal(history.at(-1)!.type, 'executionCompleted');
      assert.equal(history.at(-1)!.eventId, 5);
    }
  });

  it('whenAll fails with the first failure in history order', async (t) => {
    async function maybeFail(_ctx: ActivityContext, n: number) {
      if (n === 2) throw new Error('two is bad');
      return n;
    }
    async function fan(ctx: WorkflowContext) {
      try {
        await ctx.whenAll([0, 1, 2, 3].map((n) => ctx.callActivity(maybeFail, n)));
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    }
    const h = await startHarness({ workflows: [fan], activities: [maybeFail] });
    t.after(() => h.stop());
    const state = await h.run(fan, undefined, 'fan-fail');
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.match(state.output as string, /two is bad/);
  });

  it('whenAny and Promise.race pick the task whose completion is first in history', async (t) => {
    async function after(_ctx: ActivityContext, ms: number) {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    }
    async function anyWorkflow(ctx: WorkflowContext) {
      const slow = ctx.callActivity(after, 80);
      const fast = ctx.callActivity(after, 5);
      const tasks = [slow, fast];
      const index = await ctx.whenAny(tasks);
      return { winner: index === 1 ? 'fast' : 'slow', value: await tasks[index]! };
    }
    async function failFast(_ctx: ActivityContext) {
      throw new Error('fast failure');
    }
    async function anyFailure(ctx: WorkflowContext) {
      const tasks = [ctx.callActivity(after, 80), ctx.callActivity(failFast)];
      const index = await ctx.whenAny(tasks);
      try {
        await tasks[index];
        return 'no error';
      } catch (error) {
        return `${index}: ${(error as Error).message}`;
      }
    }
    async function raceWorkflow(ctx: WorkflowContext) {
      const timer = ctx.createTimer(20).then(() => 'timer');
      const activity = ctx.callActivity(after, 150).then((v) => `activity ${v}`);
      return Promise.race([activity, timer]);
    }
    // cacheSize 0: every turn replays, so the race is decided from history each time.
    const h = await startHarness({ workflows: [anyWorkflow, anyFailure, raceWorkflow], activities: [after, failFast], cacheSize: 0 });
    t.after(() => h.stop());
    const any = await h.run(anyWorkflow, undefined, 'any');
    assert.deepEqual(any.output, { winner: 'fast', value: 5 });
    const anyHistory = await h.client.getWorkflowHistory('any');
    const firstDone = anyHistory.find((e) => e.type === 'taskCompleted');
    assert.equal(firstDone?.type === 'taskCompleted' && firstDone.taskScheduledId, 1);

    // A failed winner is still the winner: whenAny completes with its index and never rejects.
    const failed = await h.run(anyFailure, undefined, 'any-failure');
    assert.equal(failed.runtimeStatus, 'COMPLETED');
    assert.match(failed.output as string, /^1: task 'failFast' failed: Error: fast failure/);

    const race = await h.run(raceWorkflow, undefined, 'race');
    assert.equal(race.output, 'timer');
    const raceHistory = await h.client.getWorkflowHistory('race');
    const firstResolution = raceHistory.find((e) => e.type === 'timerFired' || e.type === 'taskCompleted');
    assert.equal(firstResolution?.type, 'timerFired');
    // The workflow completed in the turn the timer fired; the activity's later result never reached history.
    assert.equal(raceHistory.at(-1)!.type, 'executionCompleted');
  });

  it('when two results arrive in one batch, the earlier history event wins the race on every replay', async (t) => {
    async function quick(_ctx: ActivityContext, n: number) {
      return n;
    }
    async function raceBatch(ctx: WorkflowContext) {
      const a = ctx.callActivity(quick, 1);
      const b = ctx.callActivity(quick, 2);
      const first = await Promise.race([a.then((v) => `a${v}`), b.then((v) => `b${v}`)]);
      await ctx.waitForExternalEvent('go');
      return first;
    }
    const h = await startHarness({ workflows: [raceBatch], activities: [quick], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(raceBatch, { instanceId: 'race-batch' });
    const history = await eventually(async () => {
      const events = await h.client.getWorkflowHistory('race-batch');
      return events.filter((e) => e.type === 'taskCompleted').length === 2 && events;
    });
    const firstId = history.find((e) => e.type === 'taskCompleted');
    const expected = firstId?.type === 'taskCompleted' && firstId.taskScheduledId === 0 ? 'a1' : 'b2';
    await h.client.raiseEvent('race-batch', 'go');
    const state = await h.client.waitForWorkflowCompletion('race-batch', { timeoutMs: 3000 });
    assert.equal(state.output, expected);
  });
});
