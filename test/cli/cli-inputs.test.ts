// The durabletask binary refuses bad input with a usage error naming it: loose dates, bad ages, unknown database
// schemes, out-of-range ports; and a serve that cannot start leaves no new file behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fillTaskHub, MAIN, run, type CliResult } from './cli-fixture.js';

function assertUsage(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 expected (stdout: ${r.stdout}, stderr: ${r.stderr})`);
  assert.match(r.stderr, /^durabletask: [^\n]+\n$/);
  assert.match(r.stderr, pattern);
}

describe('durabletask input checks', () => {
  let dir: string;
  let db: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-inputs-'));
    db = join(dir, 'hub.sqlite');
    await fillTaskHub(db);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const loose of ['1', 'March 7', '2026-02-30', '12/04/2026', '2026-01-01T10:00', '2026-13-01', '2026-01-01T25:00Z']) {
    it(`refuses the loose date '${loose}' in --created-from and purge --before`, () => {
      assertUsage(cli(db, 'list', '--created-from', loose), /created-from.*ISO 8601|created-from.*real date/);
      assertUsage(cli(db, 'purge', '--status', 'COMPLETED', '--before', loose), /before/);
    });
  }

  it('accepts strict ISO 8601 dates and times with an offset', () => {
    for (const good of ['2026-02-28', '2026-02-28T10:00Z', '2026-02-28T10:00:00.123+01:00']) {
      const r = cli(db, 'list', '--created-to', good, '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [], 'nothing was created before 2026-03');
    }
  });

  it('takes relative ages: --older-than 7d matches nothing just created, --older-than 1s everything', async () => {
    assert.deepEqual(JSON.parse(cli(db, 'list', '--older-than', '7d', '--json').stdout), []);
    await new Promise((r) => setTimeout(r, 1100));
    const all = JSON.parse(cli(db, 'list', '--older-than', '1s', '--json').stdout) as unknown[];
    assert.ok(all.length >= 8, `every instance is older than a second (${all.length})`);
    assertUsage(cli(db, 'list', '--older-than', '7 days'), /older-than.*s, m, h, d or w/);
    assertUsage(cli(db, 'list', '--older-than', '0d'), /older-than/);
    assertUsage(cli(db, 'list', '--older-than', '1d', '--created-to', '2026-01-01'), /not both/);
    const purged = cli(db, 'purge', '--status', 'COMPLETED', '--older-than', '30d');
    assert.equal(purged.code, 0, purged.stderr);
    assert.match(purged.stdout, /purged 0 instances/);
  });

  it('names an unsupported database scheme instead of looking for a file', () => {
    assertUsage(run('--db', 'mysql://x', 'list'), /unsupported database scheme 'mysql:'/);
    assert.equal(existsSync('mysql:'), false);
  });

  it('refuses a port outside 0-65535 as a usage error', () => {
    assertUsage(run('--db', join(dir, 'never.sqlite'), 'serve', '--port', '99999'), /port.*0-65535/);
    assertUsage(run('--db', join(dir, 'never.sqlite'), 'serve', '--port', 'http'), /port/);
    assert.equal(existsSync(join(dir, 'never.sqlite')), false);
  });

  it('leaves no new database file behind when serve cannot bind', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const fresh = join(dir, 'fresh.sqlite');
      const r = spawnSync(process.execPath, [MAIN, '--db', fresh, 'serve', '--port', String(port)], { encoding: 'utf8', timeout: 20_000 });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /cannot serve on 127\.0\.0\.1/);
      for (const suffix of ['', '-wal', '-shm']) assert.equal(existsSync(fresh + suffix), false, `no ${fresh}${suffix}`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
