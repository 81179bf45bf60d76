// The durabletask binary suspends, resumes and terminates by filter with --dry-run, a confirmation and
// --yes, with progress per instance; statuses a command cannot act on are refused before anything changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger, eventually } from '../support/harness.js';
import { cli } from './cli-fixture.js';

async function batch(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}

describe('durabletask CLI: suspend, resume and terminate by filter', () => {
  it('dry run, confirmation, --yes and progress; a wrong status is refused', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dt-cli-bulk-'));
    const db = join(dir, 'hub.sqlite');
    const backend = new SqliteBackend({ path: db });
    await backend.init();
    const worker = new Worker({ backend, workflows: [batch], logger: new MemoryLogger(), minPollMs: 2, maxPollMs: 20 });
    await worker.start();
    t.after(async () => {
      await worker.stop(200);
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const client = new Client({ backend });
    const ids = ['b-1', 'b-2', 'b-3'];
    for (const id of ids) await client.scheduleNewWorkflow(batch, { instanceId: id });
    for (const id of ids) await client.waitForWorkflowStart(id, { timeoutMs: 20_000 });
    const all = (status: string) =>
      eventually(async () => (await Promise.all(ids.map((id) => client.getWorkflowState(id)))).every((s) => s?.runtimeStatus === status), 20_000);

    const dry = cli(db, 'suspend', '--name', 'batch', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would suspend 3 instances:\n {2}b-1\n {2}b-2\n {2}b-3/);
    const unconfirmed = cli(db, 'suspend', '--name', 'batch');
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /suspend 3 instances\? needs a confirmation: add --yes/);

    const suspended = cli(db, 'suspend', '--name', 'batch', '--yes', '--reason', 'maintenance');
    assert.equal(suspended.code, 0, suspended.stderr);
    assert.match(suspended.stdout, /\[1\/3\] suspend requested for b-1\n\[2\/3\] suspend requested for b-2\n\[3\/3\] suspend requested for b-3/);
    await all('SUSPENDED');

    const resumed = cli(db, 'resume', '--status', 'SUSPENDED', '--yes');
    assert.equal(resumed.code, 0, resumed.stderr);
    await all('RUNNING');

    const wrong = cli(db, 'resume', '--status', 'RUNNING', '--yes');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--status RUNNING cannot be used here; allowed: SUSPENDED/);

    const terminated = cli(db, 'terminate', '--name', 'batch', '--yes');
    assert.equal(terminated.code, 0, terminated.stderr);
    await all('TERMINATED');
    assert.match(cli(db, 'terminate', '--name', 'batch', '--yes').stdout, /no workflow instances match/);
  });
});
