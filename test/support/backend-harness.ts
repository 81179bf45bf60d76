// Runtime tests on a real backend: a Client and Workers on memory, a temporary SQLite file or a throwaway
// PostgreSQL schema. `openPeer` opens another backend object on the same store (another process's view), so
// several workers can share one task hub the way they do in production.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../src/backends/backend.js';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker, type WorkerOptions } from '../../src/runtime/worker.js';
import { MemoryLogger } from './harness.js';
import { dropSchema, testPgUrl, uniqueSchemaName } from './postgres.js';

export type BackendKind = 'memory' | 'sqlite' | 'postgres';

export interface BackendHarness {
  kind: BackendKind;
  backend: Backend;
  client: Client;
  logger: MemoryLogger;
  /** Another backend object on the same store (memory: the same object). Closed by stop(). */
  openPeer(): Promise<Backend>;
  /** A started worker on `backend` (default: the harness's). Stopped by stop(). */
  startWorker(options: Omit<WorkerOptions, 'backend' | 'logger'>, backend?: Backend): Promise<Worker>;
  stop(): Promise<void>;
}

export async function startBackendHarness(kind: BackendKind): Promise<BackendHarness> {
  let dir: string | undefined;
  let schema: string | undefined;
  const open = (): Backend => {
    if (kind === 'sqlite') return new SqliteBackend({ path: join(dir!, 'hub.sqlite') });
    if (kind === 'postgres') return new PostgresBackend({ connectionString: testPgUrl(), schema: schema!, poolSize: 4 });
    return new MemoryBackend();
  };
  if (kind === 'sqlite') dir = mkdtempSync(join(tmpdir(), 'durabletask-rt-'));
  if (kind === 'postgres') schema = uniqueSchemaName('dt_rt');
  const backend = open();
  await backend.init();
  const backends: Backend[] = [backend];
  const workers: Worker[] = [];
  const logger = new MemoryLogger();
  return {
    kind,
    backend,
    client: new Client({ backend }),
    logger,
    async openPeer() {
      if (kind === 'memory') return backend;
      const peer = open();
      await peer.init();
      backends.push(peer);
      return peer;
    },
    async startWorker(options, on = backend) {
      const worker = new Worker({ minPollMs: 2, maxPollMs: 50, ...options, backend: on, logger });
      workers.push(worker);
      await worker.start();
      return worker;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop(200)));
      for (const b of backends) await b.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    },
  };
}
