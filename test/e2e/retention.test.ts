// Retention on every backend: finished instances past their status's period are purged in batches, children
// with their parent; young ones and statuses without a period stay; one of several workers runs the job.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../src/core/clock.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { purgeExpired, validRetentionPolicy } from '../../src/runtime/retention.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness, type BackendKind } from '../support/backend-harness.js';
import { eventually, startHarness } from '../support/harness.js';

const DAY = 24 * 60 * 60 * 1000;

async function leaf(_ctx: WorkflowContext) {
  return 'leaf';
}
async function parent(ctx: WorkflowContext) {
  return ctx.callChildWorkflow(leaf, undefined, { instanceId: `${ctx.instanceId}-child` });
}
async function fails(_ctx: WorkflowContext): Promise<never> {
  throw new Error('boom');
}

/** A clock `offsetMs` ahead of the real one. */
function ahead(offsetMs: number): Clock {
  return { now: () => Date.now() + offsetMs };
}

for (const kind of ['memory', 'sqlite', 'postgres'] as BackendKind[]) {
  describe(`retention on ${kind}`, () => {
    it('purges each status after its period, in batches, children with their parent', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [leaf, parent, fails] });
      for (let i = 0; i < 3; i++) await h.client.scheduleNewWorkflow(parent, { instanceId: `p${i}` });
      await h.client.scheduleNewWorkflow(fails, { instanceId: 'f0' });
      await h.client.scheduleNewWorkflow(leaf, { instanceId: 'alone' });
      for (const id of ['p0', 'p1', 'p2', 'f0', 'alone']) await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      const policy = validRetentionPolicy({ after: { COMPLETED: 7 * DAY, FAILED: 30 * DAY }, batchSize: 2 });
      const ids = async () => (await h.backend.listWorkflows({ pageSize: 100 })).instances.map((i) => i.instanceId).sort();

      assert.deepEqual(await purgeExpired(h.backend, policy, ahead(6 * DAY)), { deletedInstanceCount: 0, skipped: [] }, 'nothing is old enough yet');
      assert.equal((await ids()).length, 8);

      const week = await purgeExpired(h.backend, policy, ahead(8 * DAY));
      assert.deepEqual(week, { deletedInstanceCount: 7, skipped: [] });
      assert.deepEqual(await ids(), ['f0'], 'FAILED has a longer period');

      assert.equal((await purgeExpired(h.backend, policy, ahead(31 * DAY))).deletedInstanceCount, 1);
      assert.deepEqual(await ids(), []);
    });

    it('keeps statuses the policy does not name, and a finished parent whose child still runs', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      async function waits(ctx: WorkflowContext) {
        return ctx.waitForExternalEvent('go');
      }
      async function startsWaiting(ctx: WorkflowContext) {
        ctx.callChildWorkflow(waits, undefined, { instanceId: 'waiting-child' }).catch(() => undefined);
        return 'done early';
      }
      await h.startWorker({ workflows: [startsWaiting, waits, fails] });
      await h.client.scheduleNewWorkflow(startsWaiting, { instanceId: 'early' });
      await h.client.scheduleNewWorkflow(fails, { instanceId: 'f1' });
      await h.client.waitForWorkflowCompletion('early', { timeoutMs: 10_000 });
      await h.client.waitForWorkflowCompletion('f1', { timeoutMs: 10_000 });
      await eventually(async () => (await h.client.getWorkflowState('waiting-child'))?.runtimeStatus === 'RUNNING', 10_000);

      const result = await purgeExpired(h.backend, validRetentionPolicy({ after: { COMPLETED: DAY } }), ahead(2 * DAY));
      assert.equal(result.deletedInstanceCount, 0);
      assert.deepEqual(result.skipped.map((s) => s.instanceId), ['early']);
      assert.match(result.skipped[0]!.reason, /waiting-child/);
      assert.ok(await h.client.getWorkflowState('f1'), 'FAILED has no period: kept');
    });
  });
}

describe('retention job in the worker', () => {
  it('runs in the background on one of two workers and purges each instance once', async (t) => {
    const clock = ahead(0);
    let offset = 0;
    const virtual: Clock = { now: () => clock.now() + offset };
    const retention = { after: { COMPLETED: 7 * DAY }, everyMs: 10 };
    const h = await startHarness({ workflows: [leaf, parent], clock: virtual, retention: { ...retention, everyMs: 1_000_000 } });
    t.after(() => h.stop());
    const second = await h.addWorker({ workflows: [leaf, parent], clock: virtual, retention: { ...retention, everyMs: 1_000_000 } });
    for (let i = 0; i < 4; i++) await h.run(parent, undefined, `bg${i}`);

    offset = 8 * DAY;
    const runs = [await h.worker.purgeExpired(), await second.purgeExpired()];
    assert.equal(runs.filter((r) => r === undefined).length, 1, 'exactly one worker is elected');
    assert.equal(runs.find((r) => r !== undefined)?.deletedInstanceCount, 8);
    assert.equal((await h.client.listWorkflows({})).instances.length, 0);
  });

  it('purges on its own every everyMs', async (t) => {
    let offset = 0;
    const virtual: Clock = { now: () => Date.now() + offset };
    const h = await startHarness({ workflows: [leaf], clock: virtual, retention: { after: { COMPLETED: DAY }, everyMs: 10 } });
    t.after(() => h.stop());
    await h.run(leaf, undefined, 'old');
    offset = 2 * DAY;
    await eventually(async () => (await h.client.getWorkflowState('old')) === undefined, 5000);
    // The run logs once its last batch returns, which can be a moment after the instance is gone.
    await eventually(async () => h.logger.entries.some((e) => e.msg === 'retention purged expired instances'), 5000);
  });

  it('rejects a policy naming a live status or a bad period, naming the field', () => {
    assert.throws(() => validRetentionPolicy({ after: { RUNNING: DAY } as never }), (e: unknown) => e instanceof InvalidArgumentError && e.field === 'retention.after.RUNNING');
    assert.throws(() => validRetentionPolicy({ after: { COMPLETED: -1 } }), (e: unknown) => e instanceof InvalidArgumentError && e.field === 'retention.after.COMPLETED');
    assert.throws(() => validRetentionPolicy({ after: {}, batchSize: 0 }), (e: unknown) => e instanceof InvalidArgumentError && e.field === 'retention.batchSize');
  });
});
