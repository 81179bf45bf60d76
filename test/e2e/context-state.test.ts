// End-to-end: continue-as-new, custom status and the deterministic helpers (clock, isReplaying, newGuid, IDs),
// with replays forced by a worker that caches nothing (cacheSize 0).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventTypes, eventually, startHarness } from '../support/harness.js';

async function noop(_ctx: ActivityContext) {
  return null;
}

describe('e2e: continueAsNew', () => {
  it('restarts with the new input and replaces the history', async (t) => {
    async function counter(ctx: WorkflowContext, n: number) {
      await ctx.callActivity(noop);
      if (n < 3) ctx.continueAsNew(n + 1);
      return `done at ${n}`;
    }
    const h = await startHarness({ workflows: [counter], activities: [noop] });
    t.after(() => h.stop());
    const first = await h.client.scheduleNewWorkflow(counter, { input: 0, instanceId: 'can' });
    const state = await h.client.waitForWorkflowCompletion(first, { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 'done at 3');
    assert.equal(state.input, 3);
    const history = await h.client.getWorkflowHistory('can');
    // Only the last generation remains: started with input 3.
    assert.deepEqual(eventTypes(history), [
      'workflowStarted',
      'executionStarted',
      'taskScheduled',
      'workflowStarted',
      'taskCompleted',
      'executionCompleted',
    ]);
    const start = history[1]!;
    assert.ok(start.type === 'executionStarted');
    assert.equal(start.input, '3');
    assert.equal(start.name, 'counter');
    assert.equal(history[2]!.eventId, 0, 'sequence numbers restart in a new generation');
  });

  it('saveEvents carries unread events over; without it they are dropped', async (t) => {
    async function carry(ctx: WorkflowContext, input: { generation: number; save: boolean }) {
      if (input.generation === 0) {
        await ctx.waitForExternalEvent('start');
        await ctx.waitForExternalEvent('proceed'); // 'data' arrives before this, unread
        ctx.continueAsNew({ generation: 1, save: input.save }, { saveEvents: input.save });
        return null;
      }
      const got = await ctx.waitForExternalEvent<string>('data', { timeoutMs: 80 }).then(
        (v) => v,
        () => 'nothing',
      );
      return got;
    }
    const h = await startHarness({ workflows: [carry] });
    t.after(() => h.stop());
    for (const save of [true, false]) {
      const id = `carry-${save}`;
      await h.client.scheduleNewWorkflow(carry, { instanceId: id, input: { generation: 0, save } });
      await h.client.waitForWorkflowStart(id, { timeoutMs: 2000 });
      await h.client.raiseEvent(id, 'start');
      await h.client.raiseEvent(id, 'data', 'carried');
      await h.client.raiseEvent(id, 'proceed');
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 3000 });
      assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
      assert.equal(state.output, save ? 'carried' : 'nothing');
      const history = await h.client.getWorkflowHistory(id);
      const raised = history.filter((e) => e.type === 'eventRaised');
      assert.equal(raised.length, save ? 1 : 0);
      // The carried event follows the new generation's ExecutionStarted.
      if (save) assert.deepEqual(eventTypes(history).slice(0, 3), ['workflowStarted', 'executionStarted', 'eventRaised']);
    }
  });
});

describe('e2e: custom status and deterministic helpers', () => {
  it('setCustomStatus is visible while running and after completion', async (t) => {
    async function status(ctx: WorkflowContext) {
      ctx.setCustomStatus({ step: 1 });
      await ctx.waitForExternalEvent('next');
      ctx.setCustomStatus({ step: 2 });
      return 'ok';
    }
    const h = await startHarness({ workflows: [status] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(status, { instanceId: 'status' });
    const running = await eventually(async () => {
      const s = await h.client.getWorkflowState('status');
      return s?.runtimeStatus === 'RUNNING' && s;
    });
    assert.deepEqual(running.customStatus, { step: 1 });
    assert.equal(running.serializedCustomStatus, '{"step":1}');
    await h.client.raiseEvent('status', 'next');
    const done = await h.client.waitForWorkflowCompletion('status', { timeoutMs: 3000 });
    assert.deepEqual(done.customStatus, { step: 2 });
  });

  it('currentUtcDateTime, isReplaying, newGuid and instanceId are stable across replays', async (t) => {
    const seen: { turn: number; replaying: boolean; time: number; guid: string; id: string; exec: string }[] = [];
    async function helpers(ctx: WorkflowContext) {
      const record = (turn: number, guid: string) =>
        seen.push({ turn, replaying: ctx.isReplaying, time: ctx.currentUtcDateTime.getTime(), guid, id: ctx.instanceId, exec: ctx.executionId });
      record(0, ctx.newGuid());
      await ctx.createTimer(5);
      record(1, ctx.newGuid());
      await ctx.callActivity(noop);
      record(2, ctx.newGuid());
      return [ctx.newGuid(), ctx.newGuid()];
    }
    const h = await startHarness({ workflows: [helpers], activities: [noop], cacheSize: 0 });
    t.after(() => h.stop());
    const state = await h.run(helpers, undefined, 'helpers');
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    const [g3, g4] = state.output as string[];
    assert.notEqual(g3, g4);
    // Three turns with a full replay each: step 0 ran 3 times, step 1 twice, step 2 once.
    assert.deepEqual(
      seen.map((s) => s.turn),
      [0, 0, 1, 0, 1, 2],
    );
    for (const turn of [0, 1, 2]) {
      const runs = seen.filter((s) => s.turn === turn);
      assert.equal(new Set(runs.map((s) => s.guid)).size, 1, `newGuid at step ${turn} differs across replays`);
      assert.equal(new Set(runs.map((s) => s.time)).size, 1, `currentUtcDateTime at step ${turn} differs across replays`);
      // The first run of a step is live; the later ones are replays of it.
      assert.deepEqual(
        runs.map((s) => s.replaying),
        runs.map((_, i) => i > 0),
      );
    }
    assert.ok(seen.every((s) => s.id === 'helpers' && s.exec === state.executionId));
    const history = await h.client.getWorkflowHistory('helpers');
    const starts = history.filter((e) => e.type === 'workflowStarted').map((e) => e.timestamp.getTime());
    assert.deepEqual([0, 1, 2].map((turn) => seen.find((s) => s.turn === turn)!.time), starts);
    assert.match(g3!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(seen.map((s) => s.guid).concat([g3!, g4!])).size, 5);
  });
});
