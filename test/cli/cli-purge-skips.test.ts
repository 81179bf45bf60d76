// `durabletask purge` by filter purges what it can and lists what it skipped and why: a finished parent
// whose child still runs must not block the purge of everything else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger } from '../support/harness.js';
import { cli } from './cli-fixture.js';

async function waiter(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}
async function parent(ctx: WorkflowContext) {
  return ctx.callChildWorkflow(waiter, undefined, { instanceId: 'still-running' });
}
async function echo(_ctx: WorkflowContext, input: unknown) {
  return input;
}

describe('durabletask CLI: purge reports what it skipped', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-skip-'));
    db = join(dir, 'hub.sqlite');
    const backend = new SqliteBackend({ path: db });
    await backend.init();
    const worker = new Worker({ backend, workflows: [waiter, parent, echo], logger: new MemoryLogger(), minPollMs: 2, maxPollMs: 20 });
    await worker.start();
    const client = new Client({ backend });
    await client.scheduleNewWorkflow(parent, { instanceId: 'parent' });
    while ((await client.getWorkflowState('still-running'))?.runtimeStatus !== 'RUNNING') await new Promise((r) => setTimeout(r, 5));
    await client.terminateWorkflow('parent', { recursive: false });
    await client.waitForWorkflowCompletion('parent', { timeoutMs: 5000 });
    await client.scheduleNewWorkflow(echo, { instanceId: 'done', input: 1 });
    await client.waitForWorkflowCompletion('done', { timeoutMs: 5000 });
    await worker.stop(200);
    await backend.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('purges the rest, exits 0, and names the skipped parent with its running child', () => {
    const r = cli(db, 'purge', '--status', 'TERMINATED,COMPLETED');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^purged 1 instance$/m);
    assert.match(r.stdout, /^skipped 1 instance that cannot be purged yet:\n  parent: .*child workflow 'still-running' is RUNNING/m);
    const list = JSON.parse(cli(db, 'list', '--json').stdout) as { instanceId: string }[];
    assert.deepEqual(list.map((s) => s.instanceId).sort(), ['parent', 'still-running']);
  });
});
