// End-to-end: a rolling deploy on a shared task hub. The old release's worker lacks the new workflow and the
// new activity; instances of them wait (never FAILED) while it runs, and every instance completes once the new
// release's worker runs, on one SQLite file and on one PostgreSQL schema (two backend objects, as two processes).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger } from '../support/harness.js';
import { TestSchemas, testPgUrl } from '../support/postgres.js';

async function charge(_ctx: ActivityContext, n: number) {
  return n * 10;
}
async function notify(_ctx: ActivityContext, n: number) {
  return `refunded ${n}`;
}
async function order(ctx: WorkflowContext, n: number) {
  return ctx.callActivity(charge, n);
}
/** New in the second release, with a new activity. */
async function refund(ctx: WorkflowContext, n: number) {
  const amount = await ctx.callActivity(charge, n);
  return ctx.callActivity(notify, amount);
}
/** The same workflow in the second release's code. */
async function orderV2(ctx: WorkflowContext, n: number) {
  return ctx.callActivity(charge, n);
}

function worker(backend: Backend, release: 1 | 2): Worker {
  return new Worker({
    backend,
    name: `release-${release}`,
    minPollMs: 2,
    maxPollMs: 20,
    logger: new MemoryLogger(),
    workflows: release === 1 ? { order } : { order: orderV2, refund },
    activities: release === 1 ? [charge] : [charge, notify],
  });
}

async function rollingDeploy(open: () => Backend): Promise<void> {
  const [oldHub, newHub, clientHub] = [open(), open(), open()];
  await Promise.all([oldHub.init(), newHub.init(), clientHub.init()]);
  const client = new Client({ backend: clientHub });
  const oldWorker = worker(oldHub, 1);
  const newWorker = worker(newHub, 2);
  try {
    await oldWorker.start();
    const orders = await Promise.all(Array.from({ length: 10 }, (_, i) => client.scheduleNewWorkflow('order', { input: i, instanceId: `order-${i}` })));
    const refunds = await Promise.all(Array.from({ length: 10 }, (_, i) => client.scheduleNewWorkflow('refund', { input: i, instanceId: `refund-${i}` })));
    // The old release runs what it has while the new workflow waits for a worker that has it.
    for (const id of orders) assert.equal((await client.waitForWorkflowCompletion(id, { timeoutMs: 20_000 })).runtimeStatus, 'COMPLETED');
    const waiting = await Promise.all(refunds.map((id) => client.getWorkflowState(id)));
    assert.deepEqual(new Set(waiting.map((s) => s?.runtimeStatus)), new Set(['PENDING']));
    const workers = await clientHub.listWorkers();
    assert.deepEqual(
      workers.map((w) => [w.name, w.workflows]),
      [['release-1', ['order']]],
    );

    // The deploy: the new release starts, more work arrives mid-run, then the old release stops.
    await newWorker.start();
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => client.scheduleNewWorkflow('order', { input: 100 + i })));
    await oldWorker.stop();
    assert.deepEqual((await clientHub.listWorkers()).map((w) => w.name), ['release-2']);
    for (const id of [...refunds, ...more]) {
      const state = await client.waitForWorkflowCompletion(id, { timeoutMs: 20_000 });
      assert.equal(state.runtimeStatus, 'COMPLETED', `${id}: ${state.failureDetails?.errorMessage ?? state.runtimeStatus}`);
    }
    assert.equal((await client.getWorkflowState('refund-3'))?.output, 'refunded 30');
    const failed = await client.listWorkflows({ statuses: ['FAILED'] });
    assert.deepEqual(failed.instances, []);
  } finally {
    await Promise.all([oldWorker.stop(), newWorker.stop()]);
    await Promise.all([oldHub.close(), newHub.close(), clientHub.close()]);
  }
}

describe('e2e: a rolling deploy fails no instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durabletask-deploy-'));
  const schemas = new TestSchemas();
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });

  it('on one SQLite file: new workflows and activities wait for the new release, then all complete', () => {
    const path = join(dir, 'hub.db');
    return rollingDeploy(() => new SqliteBackend({ path }));
  });

  it('on one PostgreSQL schema: new workflows and activities wait for the new release, then all complete', () => {
    const schema = schemas.create();
    return rollingDeploy(() => new PostgresBackend({ connectionString: testPgUrl(), schema }));
  });
});
