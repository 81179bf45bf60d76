// The durabletask binary, commands that change instances: raise, suspend, resume, terminate, purge.
// A worker in this process runs between CLI calls to show the instances really got what the CLI sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import type { HistoryEvent } from '../../src/protocol/history.js';
import type { WorkflowState } from '../../src/runtime/workflow-state.js';
import { cli, fillTaskHub, IDS, newWorker, type CliResult } from './cli-fixture.js';

const [APPROVE, SUSPEND, TERMINATE, RUNNING] = IDS.waiting;

function assertError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^durabletask: [^\n]+\n$/);
  assert.match(r.stderr, pattern);
}

function assertOk(r: CliResult, stdout: RegExp): void {
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, stdout);
}

/** Runs a worker on the file until check(client) passes, then closes everything. */
async function runWorkerUntil(db: string, check: (client: Client) => Promise<boolean>): Promise<void> {
  const backend = new SqliteBackend({ path: db, mustExist: true });
  await backend.init();
  const worker = newWorker(backend);
  await worker.start();
  try {
    const client = new Client({ backend });
    const deadline = Date.now() + 10_000;
    while (!(await check(client))) {
      if (Date.now() > deadline) throw new Error('the worker did not reach the expected state');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await worker.stop();
    await backend.close();
  }
}

async function read<T>(db: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const backend = new SqliteBackend({ path: db, mustExist: true });
  await backend.init();
  try {
    return await fn(new Client({ backend }));
  } finally {
    await backend.close();
  }
}

const statusOf = async (client: Client, id: string) => (await client.getWorkflowState(id))?.runtimeStatus;

describe('durabletask CLI: raise, suspend, resume, terminate, purge', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-op-'));
    db = join(dir, 'hub.sqlite');
    await fillTaskHub(db);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects bad JSON with exit code 2, naming the argument', () => {
    assertError(cli(db, 'raise', APPROVE, 'approve', '{ok: true}'), 2, /argument 'json' is not valid JSON/);
    assertError(cli(db, 'raise', APPROVE, 'approve', 'yes'), 2, /argument 'json' is not valid JSON.*a string must be quoted/);
    assertError(cli(db, 'terminate', TERMINATE, '--output', '{'), 2, /option '--output' is not valid JSON/);
  });

  it('unknown instances are exit code 3; finished ones are exit code 4, except raise (accepted and discarded)', () => {
    assertError(cli(db, 'raise', 'nope', 'approve'), 3, /workflow instance 'nope' not found/);
    assertError(cli(db, 'suspend', 'nope'), 3, /'nope' not found/);
    assertError(cli(db, 'resume', 'nope'), 3, /'nope' not found/);
    assertError(cli(db, 'terminate', 'nope'), 3, /'nope' not found/);
    assertError(cli(db, 'purge', 'nope'), 3, /'nope' not found/);
    // As in the reference engine and on every surface (Client, gRPC): a finished instance discards the event.
    assertOk(cli(db, 'raise', IDS.parent, 'approve'), /^raised event 'approve' on parent-1 \(it is COMPLETED: a finished instance discards events\)$/m);
    assertError(cli(db, 'suspend', IDS.failed), 4, /cannot suspend workflow instance 'payment-1': it is FAILED/);
    assertError(cli(db, 'terminate', IDS.parent), 4, /it is COMPLETED/);
  });

  it('raise, suspend and terminate reach the instances', async () => {
    assertOk(cli(db, 'raise', APPROVE, 'approve', '{"ok": true}'), /^raised event 'approve' on approval-1$/m);
    assertOk(cli(db, 'suspend', SUSPEND, '--reason', 'maintenance'), /^suspend requested for approval-2$/m);
    assertOk(cli(db, 'terminate', TERMINATE, '--output', '"stop"', '--no-recursive'), /^terminate requested for approval-3/m);
    assertOk(cli(db, 'terminate', IDS.holder), /^terminate requested for holder-1$/m);
    let approved: WorkflowState | undefined;
    let terminated: WorkflowState | undefined;
    await runWorkerUntil(db, async (client) => {
      approved = await client.getWorkflowState(APPROVE);
      terminated = await client.getWorkflowState(TERMINATE);
      return (
        approved?.runtimeStatus === 'COMPLETED' &&
        terminated?.runtimeStatus === 'TERMINATED' &&
        (await statusOf(client, SUSPEND)) === 'SUSPENDED' &&
        (await statusOf(client, IDS.holder)) === 'TERMINATED' &&
        (await statusOf(client, `${IDS.holder}-child`)) === 'TERMINATED'
      );
    });
    assert.deepEqual(approved?.output, { decision: { ok: true } });
    assert.equal(terminated?.output, 'stop');
    assert.match(cli(db, 'show', SUSPEND).stdout, /^Status:\s+SUSPENDED$/m);
  });

  it('resume continues a suspended instance, which then takes a raised event', async () => {
    assertOk(cli(db, 'resume', SUSPEND, '--reason', 'done'), /^resume requested for approval-2$/m);
    assertOk(cli(db, 'raise', SUSPEND, 'approve', '{"ok": false}'), /raised event 'approve'/);
    await runWorkerUntil(db, async (client) => (await statusOf(client, SUSPEND)) === 'COMPLETED');
    const { state, history } = await read(db, async (client) => ({
      state: await client.getWorkflowState(SUSPEND),
      history: await client.getWorkflowHistory(SUSPEND),
    }));
    assert.deepEqual(state?.output, { decision: { ok: false } });
    const types = history.map((e: HistoryEvent) => e.type);
    assert.ok(types.indexOf('executionSuspended') < types.indexOf('executionResumed'));
    const timeline = cli(db, 'show', SUSPEND, '--history').stdout;
    assert.match(timeline, /ExecutionSuspended\s+reason "maintenance"/);
    assert.match(timeline, /ExecutionResumed\s+reason "done"/);
    assert.match(timeline, /EventRaised\s+event approve data \{"ok":false\}/);
  });

  it('purge refuses a running instance with exit code 4 and bad filters with exit code 2', async () => {
    assertError(cli(db, 'purge', RUNNING), 4, /cannot purge workflow instance 'approval-4': it is RUNNING/);
    assertError(cli(db, 'purge'), 2, /give an instance ID, or --status, --before or --name/);
    assertError(cli(db, 'purge', IDS.parent, '--status', 'COMPLETED'), 2, /not both/);
    assertError(cli(db, 'purge', '--status', 'RUNNING'), 2, /--status RUNNING is not a terminal status/);
    assert.equal(await read(db, (client) => statusOf(client, RUNNING)), 'RUNNING');
  });

  it('purge by ID removes the instance and its child, not its detached workflow', async () => {
    assertOk(cli(db, 'purge', IDS.parent), /^purged 2 instances$/m);
    const left = await read(db, async (client) => ({
      parent: await client.getWorkflowState(IDS.parent),
      child: await client.getWorkflowState(IDS.child),
      detached: await client.getWorkflowState(IDS.detached),
    }));
    assert.equal(left.parent, undefined);
    assert.equal(left.child, undefined);
    assert.equal(left.detached?.runtimeStatus, 'COMPLETED');
    assertError(cli(db, 'show', IDS.parent), 3, /not found/);
  });

  it('purge by filter removes only finished instances that match', async () => {
    assertOk(cli(db, 'purge', '--status', 'FAILED'), /^purged 1 instance$/m);
    assertOk(cli(db, 'purge', '--status', 'COMPLETED', '--before', '2000-01-01'), /^purged 0 instances$/m);
    assertOk(cli(db, 'purge', '--name', 'report'), /^purged 1 instance$/m);
    // left: approval-1, approval-2 (COMPLETED), approval-3, holder-1, holder-1-child (TERMINATED), approval-4 (RUNNING)
    assertOk(cli(db, 'purge', '--before', new Date().toISOString()), /^purged 5 instances$/m);
    const ids = (JSON.parse(cli(db, 'list', '--json').stdout) as { instanceId: string }[]).map((s) => s.instanceId);
    assert.deepEqual(ids, [RUNNING]);
  });
});
