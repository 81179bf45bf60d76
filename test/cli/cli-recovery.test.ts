// The durabletask binary brings failed work back: start, rewind and restart, one by ID or by filter with
// --dry-run and a confirmation; bad requests are refused with a one-line error and change nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger, eventually } from '../support/harness.js';
import { cli } from './cli-fixture.js';

function worker(backend: SqliteBackend, fixed: boolean): Worker {
  async function ship(_ctx: ActivityContext, n: number) {
    if (!fixed) throw new Error('carrier API key expired');
    return `shipped ${n}`;
  }
  async function order(ctx: WorkflowContext, n: number) {
    return ctx.callActivity(ship, n);
  }
  return new Worker({ backend, workflows: [order], activities: [ship], logger: new MemoryLogger(), minPollMs: 2, maxPollMs: 20 });
}

const WAIT = { timeoutMs: 20_000 };

describe('durabletask CLI: start, rewind and restart', () => {
  let dir: string;
  let db: string;
  let backend: SqliteBackend;
  let client: Client;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-recovery-'));
    db = join(dir, 'hub.sqlite');
    backend = new SqliteBackend({ path: db });
    await backend.init();
    client = new Client({ backend });
    const buggy = worker(backend, false);
    await buggy.start();
    try {
      for (const id of ['order-1', 'order-2', 'order-3']) {
        await client.scheduleNewWorkflow('order', { instanceId: id, input: Number(id.slice(-1)) });
        assert.equal((await client.waitForWorkflowCompletion(id, WAIT)).runtimeStatus, 'FAILED');
      }
    } finally {
      await buggy.stop();
    }
  });
  after(async () => {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after the fix is deployed: rewind one, rewind by filter (dry run, confirmation, --yes), restart and start', async () => {
    const rewound = async (id: string) => {
      await eventually(async () => (await client.getWorkflowHistory(id)).some((e) => e.type === 'executionRewound'), 20_000);
      return client.waitForWorkflowCompletion(id, WAIT);
    };
    const fixed = worker(backend, true);
    await fixed.start();
    try {
      const one = cli(db, 'rewind', 'order-1', '--reason', 'new API key');
      assert.equal(one.code, 0, one.stderr);
      assert.match(one.stdout, /rewind requested for order-1/);
      assert.equal((await rewound('order-1')).output, 'shipped 1');

      const dry = cli(db, 'rewind', '--name', 'order', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /would rewind 2 instances:\n {2}order-2\n {2}order-3/);
      const unconfirmed = cli(db, 'rewind', '--name', 'order');
      assert.equal(unconfirmed.code, 2);
      assert.match(unconfirmed.stderr, /^durabletask: rewind 2 instances\? needs a confirmation: add --yes/);
      assert.equal((await client.getWorkflowState('order-2'))?.runtimeStatus, 'FAILED', 'nothing changed');
      const all = cli(db, 'rewind', '--name', 'order', '--yes');
      assert.equal(all.code, 0, all.stderr);
      for (const id of ['order-2', 'order-3']) assert.equal((await rewound(id)).runtimeStatus, 'COMPLETED');

      const refused = cli(db, 'rewind', 'order-1');
      assert.equal(refused.code, 4);
      assert.match(refused.stderr, /^durabletask: cannot rewind workflow instance 'order-1': it is COMPLETED, and only a FAILED instance can be rewound\n$/);
      assert.equal(cli(db, 'rewind', 'order-1', '--yes').code, 2);

      const copy = cli(db, 'restart', 'order-1', '--new-id', 'order-1-again');
      assert.equal(copy.code, 0, copy.stderr);
      assert.match(copy.stdout, /restarted order-1 as order-1-again/);
      assert.equal((await client.waitForWorkflowCompletion('order-1-again', WAIT)).output, 'shipped 1');

      const started = cli(db, 'start', 'order', '--input', '7', '--id', 'order-7');
      assert.equal(started.code, 0, started.stderr);
      assert.equal(started.stdout, 'order-7\n');
      assert.equal((await client.waitForWorkflowCompletion('order-7', WAIT)).output, 'shipped 7');
      const later = cli(db, 'start', 'order', '--id', 'order-8', '--start-at', '2999-01-01T00:00:00Z');
      assert.equal(later.code, 0, later.stderr);
      const live = cli(db, 'restart', 'order-8');
      assert.equal(live.code, 4);
      assert.match(live.stderr, /cannot restart workflow instance 'order-8' under its own ID: it is PENDING; pass newInstanceId/);
      assert.equal(cli(db, 'start', 'order', '--input', 'not json').code, 2);
    } finally {
      await fixed.stop();
    }
  });
});
