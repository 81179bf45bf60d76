// The durabletask binary and deploys: `workers` lists the live workers and what they serve, and `show` and
// `list` say why an instance waits when no live worker has its workflow.
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

async function refund(_ctx: WorkflowContext, n: number) {
  return n + 1;
}

describe('durabletask CLI: workers, and why work waits', () => {
  let dir: string;
  let db: string;
  let backend: SqliteBackend;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-workers-'));
    db = join(dir, 'hub.sqlite');
    backend = new SqliteBackend({ path: db });
    await backend.init();
  });
  after(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('show and list name the workflow no worker registered; workers lists the one that then runs it', async () => {
    const client = new Client({ backend });
    await client.scheduleNewWorkflow('refund', { instanceId: 'refund-1', input: 1 });
    assert.match(cli(db, 'workers').stdout, /no worker has sent a heartbeat in the last 60 s/);
    const show = cli(db, 'show', 'refund-1');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^Status:\s+PENDING$/m);
    assert.match(show.stdout, /^Waiting:\s+no worker has registered workflow 'refund' in the last 60 s$/m);
    assert.equal(JSON.parse(cli(db, 'show', 'refund-1', '--json').stdout).waiting, "no worker has registered workflow 'refund' in the last 60 s");
    const list = cli(db, 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stderr, /1 waiting: no worker has registered workflow 'refund' in the last 60 s: refund-1/);

    const worker = new Worker({ backend, name: 'release-2', workflows: [refund], logger: new MemoryLogger(), minPollMs: 2, maxPollMs: 20 });
    await worker.start();
    try {
      assert.equal((await client.waitForWorkflowCompletion('refund-1', { timeoutMs: 10_000 })).output, 2);
      const table = cli(db, 'workers');
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^NAME\s+HOST\s+PID\s+WORKFLOWS\s+ACTIVITIES\s+HEARTBEAT$/m);
      assert.match(table.stdout, new RegExp(`^release-2\\s+\\S+\\s+${process.pid}\\s+refund\\s+-\\s+\\d{4}-`, 'm'));
      const [listed] = JSON.parse(cli(db, 'workers', '--json').stdout) as { name: string; workflows: string[]; workerId: string }[];
      assert.equal(listed?.workerId, worker.id);
      assert.deepEqual(listed?.workflows, ['refund']);
      assert.doesNotMatch(cli(db, 'show', 'refund-1').stdout, /Waiting/);
    } finally {
      await worker.stop();
    }
    // A stopped worker takes its announcement with it.
    assert.match(cli(db, 'workers').stdout, /no worker has sent a heartbeat/);
  });
});
