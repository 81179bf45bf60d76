// End-to-end: a workflow changed with ctx.isPatched while instances are in flight, on one SQLite file and on one
// PostgreSQL schema (one backend object per worker, as separate processes). Instances started before the change
// replay the old path; new ones take the patched path; a worker whose code lacks a recorded patch stalls the
// instance (STALLED, never FAILED) and it resumes by itself once a worker with the patch runs again.
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
import { eventually, MemoryLogger } from '../support/harness.js';
import { TestSchemas, testPgUrl } from '../support/postgres.js';

async function step(_ctx: ActivityContext, kind: string) {
  return kind;
}
/** Release 1. */
async function ship(ctx: WorkflowContext) {
  const how = await ctx.callActivity<string, string>(step, 'standard');
  await ctx.waitForExternalEvent('go');
  return `v1 ${how}`;
}
/** Release 2: the same workflow, changed behind a patch. */
async function shipV2(ctx: WorkflowContext) {
  const how = await ctx.callActivity<string, string>(step, ctx.isPatched('express') ? 'express' : 'standard');
  await ctx.waitForExternalEvent('go');
  return `v2 ${how}`;
}

function worker(backend: Backend, release: 1 | 2): Worker {
  return new Worker({
    backend,
    name: `release-${release}`,
    minPollMs: 2,
    maxPollMs: 20,
    logger: new MemoryLogger(),
    workflows: { ship: release === 1 ? ship : shipV2 },
    activities: [step],
  });
}

async function patchedDeploy(open: () => Backend): Promise<void> {
  const hubs = [open(), open(), open(), open()];
  await Promise.all(hubs.map((h) => h.init()));
  const client = new Client({ backend: hubs[0]! });
  const workers: Worker[] = [];
  const run = async (release: 1 | 2, hub: Backend) => {
    const w = worker(hub, release);
    workers.push(w);
    await w.start();
    return w;
  };
  const historyOf = (id: string) => client.getWorkflowHistory(id);
  const tookStep = async (id: string) => (await historyOf(id)).some((e) => e.type === 'taskCompleted');
  try {
    const first = await run(1, hubs[1]!);
    await client.scheduleNewWorkflow('ship', { instanceId: 'before' });
    await eventually(() => tookStep('before'), 20_000);

    // The deploy: release 2 replaces release 1 while 'before' waits.
    await first.stop();
    const second = await run(2, hubs[2]!);
    await client.scheduleNewWorkflow('ship', { instanceId: 'after' });
    await eventually(() => tookStep('after'), 20_000);
    await client.raiseEvent('before', 'go');
    const before = await client.waitForWorkflowCompletion('before', { timeoutMs: 20_000 });
    assert.equal(before.output, 'v2 standard', 'an instance started before the patch replays the old path');
    const started = (await historyOf('after')).filter((e) => e.type === 'workflowStarted');
    assert.ok(started.some((e) => e.type === 'workflowStarted' && e.version?.patches.includes('express')), 'the patch is recorded');

    // A worker without the patch (a rollback, or an old one still in rotation) stalls the patched instance.
    await second.stop();
    const rollback = await run(1, hubs[3]!);
    await client.raiseEvent('after', 'go');
    await eventually(async () => (await client.getWorkflowState('after'))?.runtimeStatus === 'STALLED', 20_000);
    const stalled = (await historyOf('after')).find((e) => e.type === 'executionStalled');
    assert.ok(stalled?.type === 'executionStalled');
    assert.equal(stalled.reason, 'PATCH_MISMATCH');

    // Release 2 comes back: the instance continues by itself, with the event it received while stalled.
    await rollback.stop();
    await run(2, hubs[1]!);
    const after = await client.waitForWorkflowCompletion('after', { timeoutMs: 30_000 });
    assert.equal(after.runtimeStatus, 'COMPLETED');
    assert.equal(after.output, 'v2 express');
    assert.deepEqual((await client.listWorkflows({ statuses: ['FAILED'] })).instances, []);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(hubs.map((h) => h.close()));
  }
}

describe('e2e: a patched workflow changed while instances are in flight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durabletask-versioning-'));
  const schemas = new TestSchemas();
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
  });

  it('on one SQLite file: old instances keep the old path, new ones the patch; a mismatch stalls, then resumes', () => {
    const path = join(dir, 'hub.db');
    return patchedDeploy(() => new SqliteBackend({ path }));
  });

  it('on one PostgreSQL schema: old instances keep the old path, new ones the patch; a mismatch stalls, then resumes', () => {
    const schema = schemas.create();
    return patchedDeploy(() => new PostgresBackend({ connectionString: testPgUrl(), schema }));
  });
});
