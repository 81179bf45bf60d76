// End-to-end recovery on every backend: a workflow fails on a bug, the fix is deployed (a new worker), and
// rewind completes it keeping what succeeded; restart runs it again from its input; bad requests change nothing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { FailedPreconditionError } from '../../src/errors.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger, eventually } from '../support/harness.js';
import { TestSchemas, testPgUrl } from '../support/postgres.js';

/** One release of the code: `fixed` says whether the bug is fixed. Counts how often each activity ran. */
function release(fixed: boolean, runs: Map<string, number>) {
  const count = (name: string) => runs.set(name, (runs.get(name) ?? 0) + 1);
  async function charge(_ctx: ActivityContext, n: number) {
    count('charge');
    return n * 10;
  }
  async function ship(_ctx: ActivityContext, amount: number) {
    count('ship');
    if (!fixed) throw new Error('shipping service misconfigured');
    return `shipped ${amount}`;
  }
  async function order(ctx: WorkflowContext, n: number) {
    const amount = await ctx.callActivity(charge, n);
    return ctx.callActivity(ship, amount);
  }
  /** A bug in the workflow code itself, after a step that succeeded. */
  async function invoice(ctx: WorkflowContext, n: number) {
    const amount = await ctx.callActivity(charge, n);
    if (!fixed) (undefined as unknown as { total: number }).total.toFixed();
    return `invoice ${amount}`;
  }
  async function child(ctx: WorkflowContext, amount: number) {
    return ctx.callActivity(ship, amount);
  }
  async function parent(ctx: WorkflowContext, n: number) {
    const amount = await ctx.callActivity(charge, n);
    return ctx.callChildWorkflow(child, amount, { instanceId: `${ctx.instanceId}-child` });
  }
  return { workflows: { order, invoice, child, parent }, activities: { charge, ship } };
}

interface Hub {
  backend: Backend;
  client: Client;
  runs: Map<string, number>;
  worker: Worker;
  /** Stops the running release and starts the fixed one. */
  deployFix(): Promise<void>;
}

async function withHub(open: () => Backend, body: (hub: Hub) => Promise<void>): Promise<void> {
  const backend = open();
  await backend.init();
  const runs = new Map<string, number>();
  const start = async (fixed: boolean) => {
    const w = new Worker({ backend, ...release(fixed, runs), logger: new MemoryLogger(), minPollMs: 2, maxPollMs: 20 });
    await w.start();
    return w;
  };
  const hub: Hub = {
    backend,
    client: new Client({ backend }),
    runs,
    worker: await start(false),
    async deployFix() {
      await hub.worker.stop();
      hub.worker = await start(true);
    },
  };
  try {
    await body(hub);
  } finally {
    await hub.worker.stop();
    await backend.close();
  }
}

const WAIT = { timeoutMs: 20_000 };

/** Rewinds and waits for the outcome: the rewind has run once its record is in the history. */
async function rewindAndWait(client: Client, id: string, reason?: string) {
  await client.rewindWorkflow(id, { reason });
  await eventually(async () => (await client.getWorkflowHistory(id)).some((e) => e.type === 'executionRewound'), 20_000);
  return client.waitForWorkflowCompletion(id, WAIT);
}

function recoveryCases(open: () => Backend): void {
  it('rewind after the fix of a failing activity completes the instance; the activity that succeeded does not run again', () =>
    withHub(open, async ({ client, runs, deployFix }) => {
      const id = await client.scheduleNewWorkflow('order', { input: 4, instanceId: 'order-1' });
      assert.equal((await client.waitForWorkflowCompletion(id, WAIT)).runtimeStatus, 'FAILED');
      await deployFix();
      const state = await rewindAndWait(client, id, 'shipping fixed');
      assert.equal(state.runtimeStatus, 'COMPLETED', state.failureDetails?.errorMessage);
      assert.equal(state.output, 'shipped 40');
      assert.equal(state.failureDetails, undefined);
      assert.deepEqual(Object.fromEntries(runs), { charge: 1, ship: 2 });
      const types = (await client.getWorkflowHistory(id)).map((e) => e.type);
      assert.ok(!types.includes('taskFailed'), types.join());
      assert.equal(types.filter((t) => t === 'executionRewound').length, 1);
      assert.equal(types.filter((t) => t === 'executionCompleted').length, 1);
    }));

  it('rewind after the fix of a bug in the workflow code completes it', () =>
    withHub(open, async ({ client, runs, deployFix }) => {
      const id = await client.scheduleNewWorkflow('invoice', { input: 2, instanceId: 'invoice-1' });
      const failed = await client.waitForWorkflowCompletion(id, WAIT);
      assert.equal(failed.failureDetails?.errorType, 'TypeError');
      await deployFix();
      const state = await rewindAndWait(client, id);
      assert.equal(state.runtimeStatus, 'COMPLETED', state.failureDetails?.errorMessage);
      assert.equal(state.output, 'invoice 20');
      assert.equal(runs.get('charge'), 1);
    }));

  it('rewinding a parent rewinds its failed child, which runs its failed activity again', () =>
    withHub(open, async ({ client, runs, deployFix }) => {
      const id = await client.scheduleNewWorkflow('parent', { input: 1, instanceId: 'parent-1' });
      assert.equal((await client.waitForWorkflowCompletion(id, WAIT)).runtimeStatus, 'FAILED');
      assert.equal((await client.getWorkflowState('parent-1-child'))?.runtimeStatus, 'FAILED');
      await deployFix();
      const state = await rewindAndWait(client, id);
      assert.equal(state.runtimeStatus, 'COMPLETED', state.failureDetails?.errorMessage);
      assert.equal(state.output, 'shipped 10');
      assert.equal((await client.getWorkflowState('parent-1-child'))?.runtimeStatus, 'COMPLETED');
      assert.deepEqual(Object.fromEntries(runs), { charge: 1, ship: 2 });
    }));

  it('rewind of an instance that is not FAILED is refused and changes nothing', () =>
    withHub(open, async ({ client, deployFix }) => {
      await deployFix();
      const id = await client.scheduleNewWorkflow('order', { input: 1, instanceId: 'done-1' });
      assert.equal((await client.waitForWorkflowCompletion(id, WAIT)).runtimeStatus, 'COMPLETED');
      const before = await client.getWorkflowHistory(id);
      await assert.rejects(client.rewindWorkflow(id), (err: unknown) => {
        assert.ok(err instanceof FailedPreconditionError);
        assert.match(err.message, /cannot rewind workflow instance 'done-1': it is COMPLETED, and only a FAILED instance can be rewound/);
        return true;
      });
      await assert.rejects(client.rewindWorkflow('nobody'), /nobody/);
      assert.deepEqual(await client.getWorkflowHistory(id), before);
    }));

  it('restart runs a finished instance again from its input, under its ID or a new one; a live ID needs a new one', () =>
    withHub(open, async ({ client, runs, deployFix }) => {
      const id = await client.scheduleNewWorkflow('order', { input: 3, instanceId: 'restart-1' });
      assert.equal((await client.waitForWorkflowCompletion(id, WAIT)).runtimeStatus, 'FAILED');
      await deployFix();
      assert.equal(await client.restartWorkflow(id), id);
      const again = await client.waitForWorkflowCompletion(id, WAIT);
      assert.equal(again.output, 'shipped 30');
      assert.deepEqual(Object.fromEntries(runs), { charge: 2, ship: 2 });
      assert.ok(!(await client.getWorkflowHistory(id)).some((e) => e.type === 'taskFailed'), 'a fresh history');

      const live = await client.scheduleNewWorkflow('order', { input: 5, instanceId: 'live-1', startAt: new Date(Date.now() + 3_600_000) });
      await assert.rejects(client.restartWorkflow(live), (err: unknown) => {
        assert.ok(err instanceof FailedPreconditionError);
        assert.match(err.message, /cannot restart workflow instance 'live-1' under its own ID: it is PENDING; pass newInstanceId/);
        return true;
      });
      assert.equal((await client.getWorkflowState(live))?.runtimeStatus, 'PENDING');
      const copy = await client.restartWorkflow(live, { newInstanceId: 'live-1-copy' });
      assert.equal((await client.waitForWorkflowCompletion(copy, WAIT)).output, 'shipped 50');
      await assert.rejects(client.restartWorkflow(id, { newInstanceId: copy }), /already exists/);
    }));
}

describe('e2e: rewind and restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durabletask-recovery-'));
  const schemas = new TestSchemas();
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });
  let n = 0;
  describe('memory', () => recoveryCases(() => new MemoryBackend()));
  describe('SQLite', () => recoveryCases(() => new SqliteBackend({ path: join(dir, `hub-${n++}.db`) })));
  describe('PostgreSQL', () => recoveryCases(() => new PostgresBackend({ connectionString: testPgUrl(), schema: schemas.create() })));
});
