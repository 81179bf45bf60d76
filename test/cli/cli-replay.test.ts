// The durabletask binary's replay tools on a SQLite file and a PostgreSQL schema holding live instances:
// export (JSON Lines that agree with show --history --json) and check-replay against a matching build, a
// diverging one and one missing a workflow. Both leave the task hub as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { createVersion1 } from '../../src/backends/sqlite/schema.js';
import { newEvent } from '../../src/protocol/history.js';
import { parseHistories } from '../../src/testing/index.js';
import { testPgUrl, TestSchemas } from '../support/postgres.js';
import { cli, fillBackend, fillTaskHub, IDS, run, type CliResult } from './cli-fixture.js';

const build = (name: string) => fileURLToPath(new URL(`./builds/${name}.js`, import.meta.url));
const OPEN = [...IDS.waiting, IDS.holder, `${IDS.holder}-child`];

function fileHash(path: string): string {
  const hash = createHash('sha256');
  for (const p of [path, `${path}-wal`]) if (existsSync(p)) hash.update(readFileSync(p));
  return hash.digest('hex');
}

function assertMatchingBuild(r: CliResult): void {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `checked ${OPEN.length} of ${OPEN.length} open instances: 0 would diverge\n`);
}

function assertDivergingBuild(r: CliResult): void {
  assert.equal(r.code, 6, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^WORKFLOW\s+INSTANCE\s+SEQ\s+RECORDED\s+NEW CALL$/);
  for (const id of [...IDS.waiting, `${IDS.holder}-child`]) {
    assert.match(r.stdout, new RegExp(`^approval\\s+${id}\\s+0\\s+nothing more \\(the history ends here\\)\\s+called callActivity\\('audit'\\)$`, 'm'));
  }
  assert.match(r.stdout, /^holder\s+holder-1\s+0\s+callChildWorkflow\('approval', instance 'holder-1-child'\)\s+called callChildWorkflow\('approvalV2', instance 'holder-1-child'\)$/m);
  assert.equal(lines.length, 1 + OPEN.length + 1);
  assert.match(lines.at(-1)!, /^checked 6 of 6 open instances: 6 would diverge$/);
  assert.match(r.stderr, /^durabletask: 6 of 6 instances would diverge from .*diverging-build\.js\n$/);
}

describe('durabletask export and check-replay on SQLite', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-replay-'));
    db = join(dir, 'hub.sqlite');
    await fillTaskHub(db);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('export writes one line per instance whose history is what show --history --json prints', () => {
    const r = cli(db, 'export', IDS.parent, IDS.failed);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    const [parent, failed] = lines.map((l) => JSON.parse(l) as { instanceId: string; name: string; runtimeStatus: string; history: { type: string }[] });
    assert.deepEqual([parent!.instanceId, parent!.name, parent!.runtimeStatus], [IDS.parent, 'parent', 'COMPLETED']);
    assert.equal(failed!.runtimeStatus, 'FAILED');
    const shown = JSON.parse(cli(db, 'show', IDS.parent, '--history', '--json').stdout) as { history: unknown };
    assert.deepEqual(parent!.history, shown.history);
    assert.equal(parent!.history[0]!.type, 'workflowStarted');
    assert.equal(parent!.history.at(-1)!.type, 'executionCompleted');
  });

  it('export by filter takes the matching instances, and the lines parse back with Dates', () => {
    const r = cli(db, 'export', '--status', 'RUNNING');
    assert.equal(r.code, 0, r.stderr);
    const histories = parseHistories(r.stdout);
    assert.deepEqual(histories.map((h) => h.instanceId).sort(), [...OPEN].sort());
    assert.ok(histories.every((h) => h.history[0]!.timestamp instanceof Date));
    assert.equal(cli(db, 'export', '--all').stdout.trimEnd().split('\n').length, 10);
  });

  it('export needs IDs or filters, not both, and names a missing instance', () => {
    assert.equal(cli(db, 'export').code, 2);
    assert.equal(cli(db, 'export', IDS.parent, '--status', 'RUNNING').code, 2);
    const missing = cli(db, 'export', 'nope');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /'nope' not found/);
  });

  it('check-replay passes a matching build and leaves the file untouched', () => {
    const before = fileHash(db);
    assertMatchingBuild(cli(db, 'check-replay', '--workflows', build('matching-build')));
    assert.equal(fileHash(db), before);
  });

  it('check-replay lists each instance that would diverge, where, and exits 6', () => {
    const before = fileHash(db);
    assertDivergingBuild(cli(db, 'check-replay', '--workflows', build('diverging-build')));
    assert.equal(fileHash(db), before);
  });

  it('check-replay --json reports the sequence number and both calls', () => {
    const r = cli(db, 'check-replay', '--workflows', build('diverging-build'), '--status', 'RUNNING', '--json');
    assert.equal(r.code, 6);
    const report = JSON.parse(r.stdout) as { matched: number; checked: number; problems: { instanceId: string; sequenceNumber: number; recorded: string; actual: string }[] };
    assert.equal(report.checked, 6);
    const holder = report.problems.find((p) => p.instanceId === IDS.holder)!;
    assert.equal(holder.sequenceNumber, 0);
    assert.equal(holder.recorded, "callChildWorkflow('approval', instance 'holder-1-child')");
    assert.equal(holder.actual, "called callChildWorkflow('approvalV2', instance 'holder-1-child')");
  });

  it('check-replay says which instances would stall when their workflow left the build', () => {
    const r = cli(db, 'check-replay', '--workflows', build('missing-build'));
    assert.equal(r.code, 6);
    assert.match(r.stdout, /^holder\s+holder-1\s+-\s+-\s+workflow not in this build: would stall$/m);
    assert.match(r.stdout, /1 would diverge$/m);
  });

  it('check-replay --sample checks that many of the open instances', () => {
    const r = cli(db, 'check-replay', '--workflows', build('matching-build'), '--sample', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `checked 2 of ${OPEN.length} open instances: 0 would diverge\n`);
  });

  it('a module without a workflows export is a usage error naming the export', () => {
    const r = cli(db, 'check-replay', '--workflows', fileURLToPath(new URL('./cli-fixture.js', import.meta.url)));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /export 'workflows': is missing/);
  });

  it('check-replay never migrates: an older hub is a database problem and stays at its version', () => {
    const old = join(dir, 'v1.sqlite');
    const file = new Database(old);
    createVersion1(file);
    file.close();
    const before = fileHash(old);
    const r = cli(old, 'check-replay', '--workflows', build('matching-build'));
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /schema version 1; this version of durabletask-ts uses \d+, and opening it read-only does not migrate it/);
    assert.equal(fileHash(old), before);
  });
});

describe('durabletask check-replay on PostgreSQL', () => {
  const schemas = new TestSchemas();
  const url = testPgUrl();
  let schema: string;
  const pg = (...args: string[]) => run('--db', url, '--schema', schema, ...args);

  before(async () => {
    schema = schemas.create('dt_replay');
    await fillBackend(new PostgresBackend({ connectionString: url, schema }));
  });
  after(() => schemas.dropAll());

  it('a matching build passes and a diverging one is listed, exit 6', () => {
    assertMatchingBuild(pg('check-replay', '--workflows', build('matching-build')));
    assertDivergingBuild(pg('check-replay', '--workflows', build('diverging-build')));
  });

  it('export agrees with show --history --json', () => {
    const line = JSON.parse(pg('export', IDS.holder).stdout) as { history: unknown };
    assert.deepEqual(line.history, (JSON.parse(pg('show', IDS.holder, '--history', '--json').stdout) as { history: unknown }).history);
  });

  it('a read-only backend refuses writes in PostgreSQL itself', async () => {
    const backend = new PostgresBackend({ connectionString: url, schema, readOnly: true });
    await backend.init();
    try {
      const start = newEvent('executionStarted', new Date(), { name: 'approval', workflowInstance: { instanceId: 'written', executionId: 'e' } });
      await assert.rejects(backend.createWorkflowInstance(start), /read-only transaction/);
      assert.equal((await backend.listWorkflows({ statuses: ['RUNNING'] })).instances.length, OPEN.length);
    } finally {
      await backend.close();
    }
  });
});
