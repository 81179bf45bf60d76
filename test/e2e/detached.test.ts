// End-to-end: detached workflows (ctx.scheduleNewWorkflow), one test per rule of the feature.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventually, sleep, startHarness } from '../support/harness.js';

async function target(ctx: WorkflowContext, input: unknown) {
  return { input, id: ctx.instanceId };
}

async function waiter(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}

describe('e2e: detached workflows', () => {
  it('rule 1: default IDs are "<caller>-0", "<caller>-1"…; explicit IDs do not advance the counter; identical on replay', async (t) => {
    const seen: string[] = [];
    async function spawner(ctx: WorkflowContext) {
      const spawn = (options: { input: string; instanceId?: string }) => {
        const id = ctx.scheduleNewWorkflow(target, options);
        seen.push(id);
        return id;
      };
      const run: string[] = [];
      run.push(spawn({ input: 'a' }));
      await ctx.createTimer(5);
      run.push(spawn({ input: 'b', instanceId: 'r1-explicit' }));
      run.push(spawn({ input: 'c' }));
      await ctx.createTimer(5);
      return run;
    }
    const h = await startHarness({ workflows: [spawner, target], cacheSize: 0 });
    t.after(() => h.stop());
    const state = await h.run(spawner, undefined, 'r1');
    assert.deepEqual(state.output, ['r1-0', 'r1-explicit', 'r1-1']);
    // Three turns, each a full replay (cacheSize 0): every replay derived the same IDs.
    assert.deepEqual(seen, ['r1-0', 'r1-0', 'r1-explicit', 'r1-1', 'r1-0', 'r1-explicit', 'r1-1']);
    const created = (await h.client.getWorkflowHistory('r1')).filter((e) => e.type === 'detachedWorkflowInstanceCreated');
    assert.deepEqual(
      created.map((e) => e.type === 'detachedWorkflowInstanceCreated' && [e.eventId, e.instanceId]),
      [
        [0, 'r1-0'],
        [2, 'r1-explicit'],
        [3, 'r1-1'],
      ],
    );
    for (const [id, input] of [
      ['r1-0', 'a'],
      ['r1-explicit', 'b'],
      ['r1-1', 'c'],
    ] as const) {
      const s = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 2000 });
      assert.deepEqual(s.output, { input, id });
    }
  });

  it('rule 2: an explicit empty instanceId throws at the call; the workflow can catch it and nothing is scheduled', async (t) => {
    async function spawner(ctx: WorkflowContext) {
      let message = '';
      try {
        ctx.scheduleNewWorkflow(target, { instanceId: '' });
      } catch (error) {
        message = `${(error as Error).name}: ${(error as Error).message}`;
      }
      const next = ctx.scheduleNewWorkflow(target);
      return { message, next };
    }
    const h = await startHarness({ workflows: [spawner, target] });
    t.after(() => h.stop());
    const state = await h.run(spawner, undefined, 'r2');
    const out = state.output as { message: string; next: string };
    assert.match(out.message, /^InvalidArgumentError: .*empty instance ID/);
    assert.equal(out.next, 'r2-0', 'the failed call did not advance the counter');
    const history = await h.client.getWorkflowHistory('r2');
    const created = history.filter((e) => e.type === 'detachedWorkflowInstanceCreated');
    assert.deepEqual(
      created.map((e) => e.type === 'detachedWorkflowInstanceCreated' && [e.eventId, e.instanceId]),
      [[0, 'r2-0']],
      'the failed call took no sequence number',
    );
    assert.equal((await h.client.listWorkflows({ name: 'target' })).instances.length, 1);
  });

  it('rule 3: exactly one DetachedWorkflowInstanceCreated (eventId = action id); a forced replay does not create it again', async (t) => {
    let runs = 0;
    async function countRun(_ctx: ActivityContext) {
      return ++runs;
    }
    async function counted(ctx: WorkflowContext) {
      return ctx.callActivity(countRun);
    }
    async function spawner(ctx: WorkflowContext) {
      await ctx.createTimer(1);
      const id = ctx.scheduleNewWorkflow(counted, { instanceId: 'r3-spawned' });
      await ctx.waitForExternalEvent('continue');
      return id;
    }
    const h = await startHarness({ workflows: [spawner, counted], activities: [countRun], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(spawner, { instanceId: 'r3' });
    const spawned = await eventually(async () => {
      const s = await h.client.getWorkflowState('r3-spawned');
      return s?.runtimeStatus === 'COMPLETED' && s;
    });
    await h.client.raiseEvent('r3', 'continue');
    const state = await h.client.waitForWorkflowCompletion('r3', { timeoutMs: 2000 });
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'r3-spawned');
    const history = await h.client.getWorkflowHistory('r3');
    const created = history.filter((e) => e.type === 'detachedWorkflowInstanceCreated');
    assert.equal(created.length, 1);
    assert.equal(created[0]!.eventId, 1, 'eventId is the sequence number of the call (after the timer at 0)');
    await sleep(30);
    const after = await h.client.getWorkflowState('r3-spawned');
    assert.equal(after?.executionId, spawned.executionId, 'the spawned instance was not re-created by the replay');
    assert.equal(after?.runtimeStatus, 'COMPLETED');
    assert.equal(runs, 1);
  });

  it("rule 4: the new instance's ExecutionStarted has no parent, the given name/input/tags, an executionId and startAt", async (t) => {
    async function spawner(ctx: WorkflowContext) {
      const startAt = new Date(ctx.currentUtcDateTime.getTime() + 100);
      ctx.scheduleNewWorkflow(waiter, { instanceId: 'r4-spawned', input: { x: 1 }, tags: { kind: 'detached' }, startAt });
      return startAt.toISOString();
    }
    const h = await startHarness({ workflows: [spawner, waiter] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(spawner, { instanceId: 'r4', tags: { owner: 'caller' } });
    const caller = await h.client.waitForWorkflowCompletion('r4', { timeoutMs: 2000 });
    const startAt = new Date(caller.output as string);
    const pending = await h.client.getWorkflowState('r4-spawned');
    assert.equal(pending?.runtimeStatus, 'PENDING');
    assert.deepEqual(pending?.tags, { kind: 'detached' }, "none of the caller's tags");
    assert.equal(pending?.parentInstanceId, undefined);
    assert.equal(pending?.scheduledStartAt?.getTime(), startAt.getTime());
    // An event raised while it waits for its start is consumed after the start.
    await h.client.raiseEvent('r4-spawned', 'go', 'early event');
    await sleep(20);
    assert.equal((await h.client.getWorkflowState('r4-spawned'))?.runtimeStatus, 'PENDING');
    const done = await h.client.waitForWorkflowCompletion('r4-spawned', { timeoutMs: 2000 });
    assert.equal(done.output, 'early event');
    assert.ok(done.startedAt! >= startAt);
    const history = await h.client.getWorkflowHistory('r4-spawned');
    const start = history.find((e) => e.type === 'executionStarted');
    assert.ok(start?.type === 'executionStarted');
    assert.equal(start.name, 'waiter');
    assert.equal(start.input, '{"x":1}');
    assert.deepEqual(start.tags, { kind: 'detached' });
    assert.equal(start.parentInstance, undefined);
    assert.ok(start.workflowInstance.executionId, 'an executionId was minted');
    assert.equal(start.scheduledStartTimestamp?.getTime(), startAt.getTime());
    assert.equal(history.findIndex((e) => e.type === 'executionStarted') < history.findIndex((e) => e.type === 'eventRaised'), true);
  });

  it('rule 5: nothing flows back: a failing detached workflow leaves the caller COMPLETED; the caller may finish first', async (t) => {
    async function failing(ctx: WorkflowContext) {
      await ctx.createTimer(30);
      throw new Error('detached failure');
    }
    async function spawner(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(failing, { instanceId: 'r5-failing' });
      ctx.scheduleNewWorkflow(waiter, { instanceId: 'r5-waiting' });
      await ctx.createTimer(60);
      return 'caller done';
    }
    const h = await startHarness({ workflows: [spawner, failing, waiter] });
    t.after(() => h.stop());
    const caller = await h.run(spawner, undefined, 'r5');
    assert.equal(caller.runtimeStatus, 'COMPLETED');
    assert.equal(caller.failureDetails, undefined);
    const failed = await h.client.waitForWorkflowCompletion('r5-failing', { timeoutMs: 2000 });
    assert.equal(failed.runtimeStatus, 'FAILED');
    assert.equal(failed.parentInstanceId, undefined);
    // The caller finished while r5-waiting still runs; purging the caller recursively leaves it alone.
    assert.equal((await h.client.getWorkflowState('r5-waiting'))?.runtimeStatus, 'RUNNING');
    assert.equal(await h.client.purgeWorkflow('r5', { recursive: true }), 1);
    assert.equal((await h.client.getWorkflowState('r5-waiting'))?.runtimeStatus, 'RUNNING');
    assert.equal((await h.client.getWorkflowState('r5-failing'))?.runtimeStatus, 'FAILED');
    const history = await h.client.getWorkflowHistory('r5-failing');
    assert.equal(history.filter((e) => e.type === 'childWorkflowInstanceFailed').length, 0);
  });

  it('rule 5: terminating the caller recursively never terminates the detached workflow', async (t) => {
    async function spawner(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(waiter, { instanceId: 'r5t-detached' });
      await ctx.waitForExternalEvent('never');
    }
    const h = await startHarness({ workflows: [spawner, waiter] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(spawner, { instanceId: 'r5t' });
    await eventually(async () => (await h.client.getWorkflowState('r5t-detached'))?.runtimeStatus === 'RUNNING');
    await h.client.terminateWorkflow('r5t', { recursive: true });
    assert.equal((await h.client.waitForWorkflowCompletion('r5t', { timeoutMs: 2000 })).runtimeStatus, 'TERMINATED');
    await sleep(30);
    assert.equal((await h.client.getWorkflowState('r5t-detached'))?.runtimeStatus, 'RUNNING');
  });

  it('rule 6: a replay that schedules a different instance ID at that sequence number stalls naming both IDs', async (t) => {
    const code = { suffix: 'first' };
    async function spawner(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(target, { instanceId: `r6-${code.suffix}` });
      await ctx.waitForExternalEvent('continue');
      return 'done';
    }
    const h = await startHarness({ workflows: [spawner, target], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(spawner, { instanceId: 'r6' });
    await eventually(async () => (await h.client.getWorkflowState('r6-first'))?.runtimeStatus === 'COMPLETED');
    code.suffix = 'second';
    await h.client.raiseEvent('r6', 'continue');
    await eventually(async () => (await h.client.getWorkflowState('r6'))?.runtimeStatus === 'STALLED', 10_000);
    const stalled = (await h.client.getWorkflowHistory('r6')).find((e) => e.type === 'executionStalled');
    assert.ok(stalled?.type === 'executionStalled');
    const message = stalled.description ?? '';
    assert.match(message, /'r6-first'/);
    assert.match(message, /'r6-second'/);
    assert.match(message, /sequence number 0/);
    assert.equal(await h.client.getWorkflowState('r6-second'), undefined, 'the diverging call created nothing');
  });

  it('rule 7: an ID of a finished instance is replaced; an ID of a running one is left untouched with a warning', async (t) => {
    async function spawner(ctx: WorkflowContext, ids: string[]) {
      for (const id of ids) ctx.scheduleNewWorkflow(target, { instanceId: id, input: 'new' });
      return 'spawned';
    }
    const h = await startHarness({ workflows: [spawner, target, waiter] });
    t.after(() => h.stop());
    await h.run(target, 'old', 'r7-finished');
    const oldFinished = await h.client.getWorkflowState('r7-finished');
    await h.client.scheduleNewWorkflow(waiter, { instanceId: 'r7-running' });
    await h.client.waitForWorkflowStart('r7-running', { timeoutMs: 2000 });
    const runningBefore = await h.client.getWorkflowState('r7-running');

    const caller = await h.run(spawner, ['r7-finished', 'r7-running'], 'r7');
    assert.equal(caller.runtimeStatus, 'COMPLETED');
    const replaced = await eventually(async () => {
      const s = await h.client.getWorkflowState('r7-finished');
      return s?.executionId !== oldFinished?.executionId && s?.runtimeStatus === 'COMPLETED' && s;
    });
    assert.deepEqual(replaced.output, { input: 'new', id: 'r7-finished' });

    const running = await h.client.getWorkflowState('r7-running');
    assert.equal(running?.runtimeStatus, 'RUNNING');
    assert.equal(running?.executionId, runningBefore?.executionId);
    assert.equal(running?.name, 'waiter');
    const warnings = (await h.client.getWorkflowState('r7'))?.warnings ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /r7-running/);
    assert.match(warnings[0]!, /RUNNING/);
  });

  it('a workflow that spawns itself (instanceId: ctx.instanceId) and completes in that turn stays completed, with a warning', async (t) => {
    async function selfSpawner(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(target, { input: 'again', instanceId: ctx.instanceId });
      return 'first';
    }
    const h = await startHarness({ workflows: [selfSpawner, target] });
    t.after(() => h.stop());
    const state = await h.run(selfSpawner, undefined, 'r8');
    assert.equal(state.runtimeStatus, 'COMPLETED');
    assert.equal(state.output, 'first');
    await sleep(50);
    const after = await h.client.getWorkflowState('r8');
    assert.equal(after?.name, 'selfSpawner');
    assert.equal(after?.output, 'first');
    assert.equal(after?.warnings?.length, 1);
    assert.match(after!.warnings![0]!, /'r8'.*COMPLETED/);
    assert.deepEqual(
      (await h.client.getWorkflowHistory('r8')).map((e) => e.type),
      ['workflowStarted', 'executionStarted', 'detachedWorkflowInstanceCreated', 'executionCompleted'],
    );
  });
});
