// The durabletask binary on a PostgreSQL task hub (--db postgres://... --schema): list, show, raise and
// purge; a schema that does not exist or is not a task hub, and an unreachable server, are exit code 5.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pgDriver from 'pg';
import { migrate } from '../../src/backends/postgres/migrations.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { adminQuery, testPgUrl, TestSchemas } from '../support/postgres.js';
import { fillBackend, IDS, run } from './cli-fixture.js';

describe('durabletask CLI on PostgreSQL', () => {
  const schemas = new TestSchemas();
  const url = testPgUrl();
  let schema: string;
  const pg = (...args: string[]) => run('--db', url, '--schema', schema, ...args);

  before(async () => {
    schema = schemas.create('dt_cli');
    await fillBackend(new PostgresBackend({ connectionString: url, schema }));
  });
  const adminPool = new pgDriver.Pool({ connectionString: url, max: 1 });
  after(async () => {
    await adminPool.end();
    await schemas.dropAll();
  });

  it('list and show read the schema given by --schema', () => {
    const list = pg('list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.equal((JSON.parse(list.stdout) as unknown[]).length, 10);
    const show = pg('show', IDS.parent, '--history');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /ChildWorkflowInstanceCreated\s+child parent-1-child/);
    assert.match(show.stdout, /DetachedWorkflowInstanceCreated\s+detached report-1/);
  });

  it('raise, purge and the error exit codes work the same as on SQLite', () => {
    assert.equal(pg('raise', IDS.waiting[0], 'approve', '{"ok":true}').code, 0);
    assert.equal(pg('purge', IDS.waiting[1]).code, 4);
    assert.equal(pg('show', 'nope').code, 3);
    const purged = pg('purge', '--status', 'FAILED');
    assert.equal(purged.code, 0, purged.stderr);
    assert.match(purged.stdout, /^purged 1 instance$/m);
  });

  it('a missing schema or one that is not a task hub is exit code 5 and is not created', async () => {
    const missing = schemas.create('dt_cli_missing');
    const r = run('--db', url, '--schema', missing, 'list');
    assert.equal(r.code, 5);
    assert.match(r.stderr, new RegExp(`^durabletask: PostgreSQL schema '${missing}' does not exist in postgres://[^\\n]+\\n$`));
    assert.deepEqual(await adminQuery('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [missing]), []);
    const foreign = run('--db', url, '--schema', 'public', 'list');
    assert.equal(foreign.code, 5);
    assert.match(foreign.stderr, /schema 'public' .* is not a durabletask task hub/);
  });

  it('read-only commands never migrate an old task hub schema', async () => {
    const old = schemas.create('dt_cli_v1');
    await migrate(adminPool, old, 1);
    const r = run('--db', url, '--schema', old, 'list');
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, new RegExp(`PostgreSQL schema '${old}' is at version 1; .* read-only does not migrate it`));
    assert.equal(run('--db', url, '--schema', old, 'show', 'x').code, 5);
    assert.deepEqual(await adminQuery(`SELECT version FROM "${old}".schema_version`), [{ version: 1 }]);
  });

  it('an unreachable server is exit code 5 with the password hidden', () => {
    const r = run('--db', 'postgres://postgres:hunter2@127.0.0.1:1/test', 'list');
    assert.equal(r.code, 5);
    assert.match(r.stderr, /^durabletask: cannot open task hub postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: [^\n]*ECONNREFUSED[^\n]*\n$/);
  });
});
