// Cascades follow only links the engine made: a child start that was refused (the ID was taken) leaves a
// ChildWorkflowInstanceCreated record in the parent, but the instance holding that ID is no child of it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import { completion, reachStatus, withEngine, type MakeBackend } from './fixtures.js';

async function waiter(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent<string>('go');
}

/** Calls a child on the ID 'taken' (refused: it runs already), then waits on a real child. */
async function parentOfTaken(ctx: WorkflowContext) {
  try {
    await ctx.callChildWorkflow(waiter, undefined, { instanceId: 'taken' });
  } catch {
    // refused, as it should be
  }
  return ctx.callChildWorkflow(waiter, undefined, { instanceId: 'real-child' });
}

/** The child of 'cycle-a' tries to start 'cycle-a' as its own child: refused, but recorded. */
async function cycleRoot(ctx: WorkflowContext) {
  return ctx.callChildWorkflow(cycleChild, undefined, { instanceId: 'cycle-b' });
}
async function cycleChild(ctx: WorkflowContext) {
  try {
    await ctx.callChildWorkflow(cycleRoot, undefined, { instanceId: 'cycle-a' });
  } catch {
    // refused: 'cycle-a' is running
  }
  return ctx.waitForExternalEvent('go');
}

async function selfParent(ctx: WorkflowContext) {
  try {
    ctx.callChildWorkflow(selfParent, undefined, { instanceId: ctx.instanceId });
    return 'called';
  } catch (error) {
    return (error as Error).message;
  }
}

export function cascadeCases(makeBackend: MakeBackend): void {
  it('a refused child start is no link: recursive terminate and purge of the parent leave the running instance alone', async () => {
    await withEngine(makeBackend, { workflows: [waiter, parentOfTaken] }, async ({ client, backend }) => {
      await client.scheduleNewWorkflow(waiter, { instanceId: 'taken' });
      await reachStatus(client, 'taken', 'RUNNING');
      await client.scheduleNewWorkflow(parentOfTaken, { instanceId: 'parent' });
      await reachStatus(client, 'real-child', 'RUNNING');
      const history = await backend.getWorkflowHistory('parent');
      assert.ok(history.some((e) => e.type === 'childWorkflowInstanceCreated' && e.instanceId === 'taken'), 'the refused start is recorded');

      await client.terminateWorkflow('parent', { output: 'stop', recursive: true });
      assert.equal((await completion(client, 'parent')).runtimeStatus, 'TERMINATED');
      assert.equal((await completion(client, 'real-child')).runtimeStatus, 'TERMINATED', 'the real child is terminated');
      // Any termination for 'taken' was queued before this event, so it would win.
      await client.raiseEvent('taken', 'go', 'mine');
      const taken = await completion(client, 'taken');
      assert.equal(taken.runtimeStatus, 'COMPLETED');
      assert.equal(taken.output, 'mine');

      assert.equal(await client.purgeWorkflow('parent'), 2, 'the parent and its real child');
      assert.equal(await client.getWorkflowState('real-child'), undefined);
      assert.equal((await client.getWorkflowState('taken'))?.output, 'mine', 'the unrelated instance is kept');
    });
  });

  it('a workflow cannot be its own child: the call is refused with a clear error and records nothing', async () => {
    await withEngine(makeBackend, { workflows: [selfParent] }, async ({ client, backend }) => {
      await client.scheduleNewWorkflow(selfParent, { instanceId: 'narcissus' });
      const state = await completion(client, 'narcissus');
      assert.equal(state.runtimeStatus, 'COMPLETED');
      assert.match(String(state.output), /cannot be its own child.*'narcissus'/);
      const history = await backend.getWorkflowHistory('narcissus');
      assert.equal(history.filter((e) => e.type === 'childWorkflowInstanceCreated').length, 0);
    });
  });

  it('a recorded cycle of child links ends: recursive terminate and recursive purge visit each instance once', async () => {
    await withEngine(makeBackend, { workflows: [cycleRoot, cycleChild] }, async ({ client, backend }) => {
      await client.scheduleNewWorkflow(cycleRoot, { instanceId: 'cycle-a' });
      await reachStatus(client, 'cycle-b', 'RUNNING');
      // Wait until the refusal came back to the child, so its record of 'cycle-a' is committed.
      const deadline = Date.now() + 5000;
      while (!(await backend.getWorkflowHistory('cycle-b')).some((e) => e.type === 'childWorkflowInstanceFailed')) {
        if (Date.now() > deadline) throw new Error('the refusal never reached cycle-b');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await client.terminateWorkflow('cycle-a', { recursive: true });
      assert.equal((await completion(client, 'cycle-a')).runtimeStatus, 'TERMINATED');
      assert.equal((await completion(client, 'cycle-b')).runtimeStatus, 'TERMINATED');
      assert.equal(await client.purgeWorkflow('cycle-a'), 2);
      assert.equal(await client.getWorkflowState('cycle-b'), undefined);
    });
  });
}
