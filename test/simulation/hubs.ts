// Fresh task hubs for the simulation: memory, a SQLite file in a temp dir, a PostgreSQL throwaway schema.
// Each scenario gets its own empty hub, so filter purges and listings see exactly that scenario's instances.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { dropSchema, testPgUrl, uniqueSchemaName } from '../support/postgres.js';

export const BACKEND_KINDS = ['memory', 'sqlite', 'postgres'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export interface Hub {
  backend: Backend;
  /** Closes the backend and removes its storage. */
  dispose(): Promise<void>;
}

export async function openHub(kind: BackendKind): Promise<Hub> {
  if (kind === 'memory') {
    const backend = new MemoryBackend();
    await backend.init();
    return { backend, dispose: () => backend.close() };
  }
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'durabletask-sim-'));
    // NORMAL survives a process crash, which is all a simulated crash is; FULL would only add fsync time.
    const backend = new SqliteBackend({ path: join(dir, 'hub.sqlite'), synchronous: 'NORMAL' });
    await backend.init();
    return {
      backend,
      async dispose() {
        await backend.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = uniqueSchemaName('dt_sim');
  const backend = new PostgresBackend({ connectionString: testPgUrl(), schema, poolSize: 6 });
  await backend.init();
  return {
    backend,
    async dispose() {
      await backend.close();
      await dropSchema(schema);
    },
  };
}
