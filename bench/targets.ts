// Where a scenario runs: a fresh SQLite file with the shipped durable settings, or a fresh PostgreSQL schema.
// A target can be described as plain data so a child process opens the same store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Backend } from '../src/backends/backend.js';
import { SqliteBackend } from '../src/backends/sqlite/sqlite-backend.js';
import { PostgresBackend } from '../src/backends/postgres/postgres-backend.js';
import type { BackendName } from './result.js';

export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

export interface Store {
  spec: StoreSpec;
  /** Removes the file or drops the schema. */
  destroy(): Promise<void>;
}

export function pgUrl(): string {
  return process.env['DURABLETASK_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Undefined when PostgreSQL answers; otherwise why it cannot be used. */
export async function pgUnavailableReason(url = pgUrl()): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${url} is unreachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new, empty store; nothing is created on disk or in the database until a backend opens it. */
export function newStore(kind: BackendName): Store {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'durabletask-bench-'));
    return {
      spec: { kind, path: join(dir, 'hub.sqlite') },
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = pgUrl();
  const schema = `dt_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  return { spec: { kind, url, schema }, destroy: () => dropSchema(url, schema) };
}

/** Opens (and initialises) a backend on the store with the shipped defaults. */
export async function openBackend(spec: StoreSpec): Promise<Backend> {
  const backend: Backend =
    spec.kind === 'sqlite'
      ? new SqliteBackend({ path: spec.path })
      : new PostgresBackend({ connectionString: spec.url, schema: spec.schema });
  await backend.init();
  return backend;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
