// replayHistory / replayHistories: histories recorded by real runs, replayed against changed code. Each kind of
// change names the sequence number, what the history recorded and what the code does now.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replayHistories, replayHistory, TestWorkflowEnvironment, type ExportedHistory } from '../../src/testing/index.js';
import { NonDeterminismError, NotRegisteredError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';

const reserve = (_ctx: ActivityContext, item: string) => `reserved ${item}`;
const charge = (_ctx: ActivityContext, item: string) => `charged ${item}`;
const ship = async (_ctx: WorkflowContext, item: string) => `shipped ${item}`;
const activities = { reserve, charge, audit: () => 'audited', chargeCard: () => 'charged' };

// Version 1, as it ran and recorded its history.
async function order(ctx: WorkflowContext, item: string): Promise<string[]> {
  const a = await ctx.callActivity(reserve, item);
  const b = await ctx.callActivity(charge, item);
  const c = await ctx.callChildWorkflow<string, string>('ship', item, { instanceId: `${ctx.instanceId}-ship` });
  return [a, b, c];
}

// Waits after charging: its history is open.
async function pending(ctx: WorkflowContext, item: string): Promise<string> {
  await ctx.callActivity(reserve, item);
  await ctx.waitForExternalEvent('confirm');
  return item;
}

async function record(workflow: (ctx: WorkflowContext, item: string) => Promise<unknown>, finish: boolean): Promise<ExportedHistory> {
  await using env = await TestWorkflowEnvironment.create({ workflows: { order, pending, ship }, activities });
  const id = await env.start(workflow, 'book');
  await (finish ? env.waitForCompletion(id) : env.sleep(1000));
  const state = await env.client.getWorkflowState(id);
  return { instanceId: id, name: state!.name, runtimeStatus: state!.runtimeStatus, history: await env.client.getWorkflowHistory(id) };
}

async function divergence(workflow: (ctx: WorkflowContext, item: string) => Promise<unknown>, history: ExportedHistory): Promise<NonDeterminismError> {
  const error = await replayHistory(workflow, history).then(
    () => assert.fail('expected the replay to diverge'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof NonDeterminismError, `not a NonDeterminismError: ${String(error)}`);
  return error;
}

describe('replayHistory', () => {
  let completed: ExportedHistory;
  let open: ExportedHistory;
  before(async () => {
    completed = await record(order, true);
    open = await record(pending, false);
    assert.equal(completed.runtimeStatus, 'COMPLETED');
    assert.equal(open.runtimeStatus, 'RUNNING');
  });

  it('the code that recorded a history replays it', async () => {
    await replayHistory(order, completed);
    await replayHistory(pending, open);
    await replayHistory({ workflows: [order] }, completed.history);
  });

  it('a history that recorded a patch diverges on code that never checks it, and replays on code that does', async () => {
    // The patch as a patched release records it: on the WorkflowStarted of the turn that first checked it.
    const history = open.history.map((e, i) => (i === 0 && e.type === 'workflowStarted' ? { ...e, version: { patches: ['express'] } } : e));
    const error = await divergence(pending, { ...open, history });
    assert.match(error.message, /'express'/);
    const checking = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity(ctx.isPatched('express') ? reserve : charge, item);
      await ctx.waitForExternalEvent('confirm');
      return item;
    };
    await replayHistory(checking, { ...open, history });
    await assert.rejects(replayHistory(checking, open), NonDeterminismError, 'without the patch recorded, the old path is replayed');
  });

  it('a renamed activity names both calls at its sequence number', async () => {
    const renamed = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity(reserve, item);
      await ctx.callActivity('chargeCard', item);
      return [];
    };
    const error = await divergence(renamed, completed);
    assert.equal(error.sequenceNumber, 1);
    assert.equal(error.expected, "callActivity('charge')");
    assert.equal(error.actual, "called callActivity('chargeCard')");
    assert.match(error.message, /sequence number 1/);
  });

  it('an inserted step shifts the calls after it', async () => {
    const inserted = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity(reserve, item);
      await ctx.callActivity('audit', item);
      await ctx.callActivity(charge, item);
      return [];
    };
    const error = await divergence(inserted, completed);
    assert.equal(error.sequenceNumber, 1);
    assert.equal(error.expected, "callActivity('charge')");
    assert.equal(error.actual, "called callActivity('audit')");
  });

  it('a removed step leaves a recorded call the code never makes', async () => {
    const removed = async (ctx: WorkflowContext, item: string) => {
      const a = await ctx.callActivity(reserve, item);
      const c = await ctx.callChildWorkflow<string, string>('ship', item, { instanceId: `${ctx.instanceId}-ship` });
      return [a, c];
    };
    const error = await divergence(removed, completed);
    assert.equal(error.sequenceNumber, 1);
    assert.equal(error.expected, "callActivity('charge')");
    assert.match(error.actual, /callChildWorkflow\('ship'/);
  });

  it('a changed child workflow names both children', async () => {
    const changedChild = async (ctx: WorkflowContext, item: string) => {
      const a = await ctx.callActivity(reserve, item);
      const b = await ctx.callActivity(charge, item);
      const c = await ctx.callChildWorkflow<string, string>('shipExpress', item, { instanceId: `${ctx.instanceId}-ship` });
      return [a, b, c];
    };
    const error = await divergence(changedChild, completed);
    assert.equal(error.sequenceNumber, 2);
    assert.match(error.expected, /callChildWorkflow\('ship'/);
    assert.match(error.actual, /callChildWorkflow\('shipExpress'/);
  });

  it('a step added where an open history ends is a call the history never saw', async () => {
    const more = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity(reserve, item);
      await ctx.callActivity('audit', item);
      await ctx.waitForExternalEvent('confirm');
      return item;
    };
    const error = await divergence(more, open);
    assert.equal(error.sequenceNumber, 1);
    assert.equal(error.expected, 'nothing more (the history ends here)');
    assert.equal(error.actual, "called callActivity('audit')");
  });

  it('code that no longer finishes where the history completed is a divergence', async () => {
    const waitsLonger = async (ctx: WorkflowContext, item: string) => {
      await order(ctx, item);
      return ctx.waitForExternalEvent('never');
    };
    const error = await divergence(waitsLonger, completed);
    assert.equal(error.expected, 'complete(COMPLETED)');
    assert.match(error.actual, /did not complete/);
  });

  it('a history whose workflow is missing from the set is NotRegisteredError', async () => {
    await assert.rejects(replayHistory({ workflows: [pending] }, completed), NotRegisteredError);
  });
});

describe('replayHistories', () => {
  it('one result per history, in order: ok, diverged, not registered', async () => {
    const completed = await record(order, true);
    const open = await record(pending, false);
    const pendingV2 = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity('audit', item);
      return item;
    };
    const results = await replayHistories({ workflows: { order, pending: pendingV2 }, activities }, [completed, open, { ...open, history: open.history.map((e) => (e.type === 'executionStarted' ? { ...e, name: 'gone' } : e)) }]);
    assert.deepEqual(
      results.map((r) => [r.instanceId, r.name, r.outcome]),
      [
        [completed.instanceId, 'order', 'ok'],
        [open.instanceId, 'pending', 'diverged'],
        [open.instanceId, 'gone', 'notRegistered'],
      ],
    );
    assert.ok(results[1]!.error instanceof NonDeterminismError);
    assert.equal((results[1]!.error as NonDeterminismError).sequenceNumber, 0);
  });
});
