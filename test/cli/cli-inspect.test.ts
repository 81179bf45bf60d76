// The durabletask binary, read-only commands and error handling: list, show, --help, --version, and
// the exit codes and one-line messages for a missing database, a foreign file and an unknown instance.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createVersion1 } from '../../src/backends/sqlite/schema.js';
import { cli, fillTaskHub, IDS, MAIN, type CliResult } from './cli-fixture.js';

function assertOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /^durabletask: [^\n]+\n$/, `one line on stderr: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

function spawnCli(db: string, env: Record<string, string>, ...args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, '--db', db, ...args], { encoding: 'utf8', env: { ...process.env, DURABLETASK_DB: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('durabletask CLI: list, show and errors', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-'));
    db = join(dir, 'hub.sqlite');
    await fillTaskHub(db);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('list prints a table of every instance', () => {
    const r = cli(db, 'list');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^INSTANCE ID\s+NAME\s+STATUS\s+CREATED\s+UPDATED$/);
    assert.equal(lines.length, 11);
    assert.match(r.stdout, /^parent-1\s+parent\s+COMPLETED\s+\d{4}-\d\d-\d\dT/m);
    assert.match(r.stdout, /^payment-1\s+payment\s+FAILED\s/m);
    assert.match(r.stdout, /^report-1\s+report\s+COMPLETED\s/m);
  });

  it('list --json prints the states with decoded payloads', () => {
    const r = cli(db, 'list', '--json');
    assert.equal(r.code, 0, r.stderr);
    const states = JSON.parse(r.stdout) as { instanceId: string; runtimeStatus: string; output?: unknown; createdAt: string }[];
    assert.equal(states.length, 10);
    const parent = states.find((s) => s.instanceId === IDS.parent)!;
    assert.equal(parent.runtimeStatus, 'COMPLETED');
    assert.deepEqual(parent.output, ['Hello, Ada', 'Hello, Ada jr']);
    assert.ok(!Number.isNaN(Date.parse(parent.createdAt)));
  });

  it('list filters by status (repeatable, comma list, any case), name, creation time and limit', () => {
    const ids = (...args: string[]) => (JSON.parse(cli(db, 'list', '--json', ...args).stdout) as { instanceId: string }[]).map((s) => s.instanceId).sort();
    assert.deepEqual(ids('--status', 'failed'), [IDS.failed]);
    assert.deepEqual(ids('--status', 'FAILED,completed', '--name', 'parent'), [IDS.parent]);
    assert.deepEqual(ids('--status', 'FAILED', '--status', 'COMPLETED', '--name', 'greeter'), [IDS.child]);
    assert.equal(ids('--status', 'RUNNING').length, 6);
    assert.deepEqual(ids('--created-from', '2999-01-01'), []);
    assert.equal(ids('--created-to', new Date().toISOString()).length, 10);
    assert.equal(ids('--limit', '3').length, 3);
    const table = cli(db, 'list', '--limit', '2');
    assert.equal(table.stdout.trimEnd().split('\n').length, 3);
    assert.match(table.stderr, /2 shown; the next page: --continue \S+/);
    assert.match(cli(db, 'list', '--name', 'nothing').stdout, /no workflow instances match/);
    // a repeated --name means any of them
    assert.deepEqual(ids('--name', 'parent', '--name', 'payment'), [IDS.parent, IDS.failed].sort());
  });

  it('list is newest first (or --oldest-first) and pages with --continue until the end, or takes --all', () => {
    const page = (...args: string[]) => {
      const r = cli(db, 'list', '--json', ...args);
      assert.equal(r.code, 0, r.stderr);
      return { ids: (JSON.parse(r.stdout) as { instanceId: string; createdAt: string }[]), next: /--continue (\S+)/.exec(r.stderr)?.[1] };
    };
    const all = page('--all');
    assert.equal(all.ids.length, 10);
    assert.equal(all.next, undefined);
    const created = all.ids.map((s) => Date.parse(s.createdAt));
    assert.deepEqual(created, [...created].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(page('--all', '--oldest-first').ids.map((s) => s.instanceId), all.ids.map((s) => s.instanceId).reverse());
    const seen: string[] = [];
    let next: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const p = next === undefined ? page('--limit', '3') : page('--limit', '3', '--continue', next);
      seen.push(...p.ids.map((s) => s.instanceId));
      next = p.next;
      if (!next) break;
    }
    assert.deepEqual(seen, all.ids.map((s) => s.instanceId), 'the pages together are the whole list, each instance once');
    assert.equal(cli(db, 'list', '--all', '--continue', 'x').code, 2);
  });

  it('list colours statuses only when told to (FORCE_COLOR), never with NO_COLOR or into a pipe', () => {
    const plain = cli(db, 'list');
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
    const forced = spawnCli(db, { FORCE_COLOR: '1' }, 'list');
    assert.match(forced, /\u001b\[32mCOMPLETED\s*\u001b\[0m/);
    assert.doesNotMatch(spawnCli(db, { FORCE_COLOR: '1', NO_COLOR: '1' }, 'list'), /\u001b\[/);
  });

  it('list rejects a bad status, date or limit with exit code 2', () => {
    assertOneLineError(cli(db, 'list', '--status', 'DONE'), 2, /--status.*'DONE' is not a status/);
    assertOneLineError(cli(db, 'list', '--created-from', 'yesterday'), 2, /--created-from.*not an ISO 8601 date/);
    assertOneLineError(cli(db, 'list', '--limit', '0'), 2, /--limit.*not a positive integer/);
    assertOneLineError(cli(db, 'lsit'), 2, /unknown command 'lsit'/);
  });

  it('show prints the state of a completed parent with tags, input and output', () => {
    const r = cli(db, 'show', IDS.parent);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Status:\s+COMPLETED$/m);
    assert.match(r.stdout, /^Name:\s+parent$/m);
    assert.match(r.stdout, /^Tags:\s+team=core$/m);
    assert.match(r.stdout, /^Input:\s+"Ada"$/m);
    assert.match(r.stdout, /^Output:\s+\["Hello, Ada","Hello, Ada jr"\]$/m);
    assert.doesNotMatch(r.stdout, /History/);
  });

  it('show --history prints a timeline with the activity, the child and the detached workflow', () => {
    const r = cli(db, 'show', IDS.parent, '--history');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^History \(10 events\):$/m);
    assert.match(r.stdout, /^#\s+TIME\s+EVENT\s+DETAILS$/m);
    assert.match(r.stdout, /^\d+\s+\+\d+\.\d{3}s\s+ExecutionStarted\s+parent input "Ada"$/m);
    assert.match(r.stdout, /^\d+\s+\S+\s+TaskScheduled\s+activity greet \(task 0\) input "Ada"$/m);
    assert.match(r.stdout, /^\d+\s+\S+\s+TaskCompleted\s+task 0 completed result "Hello, Ada"$/m);
    assert.match(r.stdout, /ChildWorkflowInstanceCreated\s+child parent-1-child greeter \(task 1\)/);
    assert.match(r.stdout, /ChildWorkflowInstanceCompleted\s+child task 1 completed result "Hello, Ada jr"/);
    assert.match(r.stdout, /DetachedWorkflowInstanceCreated\s+detached report-1 \(task 2\)/);
    assert.match(r.stdout, /^9\s+\S+\s+ExecutionCompleted\s+COMPLETED result \["Hello, Ada","Hello, Ada jr"\]$/m);
    assert.doesNotMatch(r.stdout, /\s-\d+\.\d+s\s/, 'no negative offsets');
  });

  it('show of a failed instance prints the failure with its inner failures', () => {
    const r = cli(db, 'show', IDS.failed, '--history');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Status:\s+FAILED$/m);
    assert.match(r.stdout, /^Failure:\s+TaskFailedError: task 'charge' failed: Error: card declined for 42$/m);
    assert.match(r.stdout, /^\s+caused by Error: card declined for 42$/m);
    assert.match(r.stdout, /^\s+caused by TypeError: issuer said no$/m);
    assert.match(r.stdout, /TaskFailed\s+task 0 failed Error: card declined for 42/);
    // the stack of the failure follows it, one frame a line
    assert.match(r.stdout, /^Stack:\s+\S.*\n(\s+at .+\n)+/m);
  });

  it('show --history: the time column never goes backwards', () => {
    for (const id of [IDS.parent, IDS.failed]) {
      const r = cli(db, 'show', id, '--history');
      const offsets = [...r.stdout.matchAll(/^\d+\s+\+(\d+\.\d+)s\s/gm)].map((m) => Number(m[1]));
      assert.ok(offsets.length > 2, `a timeline for ${id}`);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), `${id}: ${offsets.join(' ')}`);
    }
  });

  it('show of a child names its parent; a running instance shows its custom status', () => {
    assert.match(cli(db, 'show', IDS.child).stdout, /^Parent:\s+parent-1$/m);
    assert.doesNotMatch(cli(db, 'show', IDS.detached).stdout, /^Parent:/m, 'a detached workflow has no parent');
    const running = cli(db, 'show', IDS.waiting[0]);
    assert.match(running.stdout, /^Status:\s+RUNNING$/m);
    assert.match(running.stdout, /^Custom status:\s+"waiting for approval"$/m);
  });

  it('show --json --history prints the state and the raw history', () => {
    const r = cli(db, 'show', IDS.parent, '--history', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { state: { instanceId: string; input: unknown }; history: { type: string; instanceId?: string }[] };
    assert.equal(out.state.instanceId, IDS.parent);
    assert.equal(out.state.input, 'Ada');
    assert.equal(out.history.length, 10);
    assert.deepEqual(out.history.filter((e) => e.type === 'detachedWorkflowInstanceCreated').map((e) => e.instanceId), [IDS.detached]);
    assert.equal((JSON.parse(cli(db, 'show', IDS.parent, '--json').stdout) as { history?: unknown }).history, undefined);
  });

  it('an unknown instance is exit code 3 with one line', () => {
    assertOneLineError(cli(db, 'show', 'nope'), 3, /^durabletask: workflow instance 'nope' not found\n$/);
    assertOneLineError(cli(db, 'show', 'nope', '--history'), 3, /'nope' not found/);
  });

  it('a missing database file is exit code 5 and is not created', () => {
    const missing = join(dir, 'missing.sqlite');
    assertOneLineError(cli(missing, 'list'), 5, /task hub database '.*missing\.sqlite' does not exist/);
    assertOneLineError(cli(missing, 'show', 'x'), 5, /does not exist/);
    assert.equal(existsSync(missing), false);
  });

  it('a SQLite file of another application is exit code 5 and is left untouched', () => {
    const other = join(dir, 'other.sqlite');
    const odb = new Database(other);
    odb.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    odb.close();
    assertOneLineError(cli(other, 'list'), 5, /is not a durabletask task hub: it has tables \(customers\)/);
    const check = new Database(other);
    assert.deepEqual(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all(), [{ name: 'customers' }]);
    check.close();
  });

  it('a file that is not SQLite at all, and a newer schema version, are exit code 5', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'these are not the tables you are looking for\n'.repeat(100));
    assertOneLineError(cli(text, 'list'), 5, /not a SQLite database|file is not a database/);
    const newer = join(dir, 'newer.sqlite');
    const ndb = new Database(newer);
    ndb.exec(`CREATE TABLE durabletask_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO durabletask_meta VALUES ('schema_version', '99')`);
    ndb.close();
    assertOneLineError(cli(newer, 'list'), 5, /schema version 99, newer than schema version 3/);
  });

  it('read-only commands never turn an empty file into a task hub nor migrate an old one', () => {
    const empty = join(dir, 'empty.sqlite');
    writeFileSync(empty, '');
    assertOneLineError(cli(empty, 'list'), 5, /'[^']*empty\.sqlite' is not a durabletask task hub/);
    assertOneLineError(cli(empty, 'show', 'x'), 5, /is not a durabletask task hub/);
    assert.equal(readFileSync(empty).length, 0, 'the file is still empty');

    const old = join(dir, 'version1.sqlite');
    const odb = new Database(old);
    createVersion1(odb);
    odb.close();
    assertOneLineError(cli(old, 'list'), 5, /schema version 1\b.*read-only does not migrate it/);
    assertOneLineError(cli(old, 'show', 'x'), 5, /schema version 1/);
    const check = new Database(old, { readonly: true });
    const row = check.prepare(`SELECT value FROM durabletask_meta WHERE key = 'schema_version'`).get() as { value: string };
    check.close();
    assert.equal(row.value, '1', 'still version 1');
  });

  it('--schema with a SQLite path is a usage error', () => {
    assertOneLineError(cli(db, '--schema', 'x', 'list'), 2, /--schema only applies to a PostgreSQL/);
  });

  it('every command has --help with examples', () => {
    for (const command of ['list', 'show', 'raise', 'suspend', 'resume', 'terminate', 'purge', 'serve']) {
      const r = cli(db, command, '--help');
      assert.equal(r.code, 0, `${command}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: durabletask ${command} `, 'm'));
      assert.match(r.stdout, new RegExp(`^Examples:\\n  \\$ durabletask ${command}`, 'm'));
      assert.match(r.stdout, /--db <path-or-url>/, 'global options are shown');
    }
    const top = cli(db, '--help');
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Exit codes: 0 ok/);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = cli(db, '--version');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });
});
