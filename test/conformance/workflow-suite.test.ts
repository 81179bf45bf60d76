// Runs the workflow conformance suite on every backend: memory, SQLite and PostgreSQL (a throwaway schema each).
import { after } from 'node:test';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { TestSchemas, testPgUrl } from '../support/postgres.js';
import { workflowConformanceSuite } from './workflow-suite.js';

const schemas = new TestSchemas();
after(() => schemas.dropAll());

workflowConformanceSuite('MemoryBackend workflows', async () => {
  const backend = new MemoryBackend();
  await backend.init();
  return backend;
});

workflowConformanceSuite('SqliteBackend workflows', async () => {
  const backend = new SqliteBackend({ path: ':memory:' });
  await backend.init();
  return backend;
});

workflowConformanceSuite('PostgresBackend workflows', async () => {
  const backend = new PostgresBackend({ connectionString: testPgUrl(), schema: schemas.create(), poolSize: 4 });
  await backend.init();
  return backend;
});
