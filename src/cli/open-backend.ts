// Turns the global --db / --schema options into an initialised Backend. A path opens a SQLite task hub
// (which must already exist, except for `serve`); a postgres:// URL opens a PostgreSQL schema. Any failure
// to open is reported as a database problem (exit 5) naming the database, never as a stack trace.
import type { Backend } from '../backends/backend.js';
import type { Client } from '../runtime/client.js';
import { CliError, EXIT_DATABASE, EXIT_USAGE } from './exit-codes.js';

export const DEFAULT_DB = './durabletask.sqlite';

export interface GlobalOptions {
  db: string;
  schema?: string;
}

export interface OpenOptions {
  /** Create a missing SQLite file (only `serve` does). @default false */
  create?: boolean;
  /** Inspect only: never create, migrate or write anything (list, show). @default false */
  readOnly?: boolean;
}

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Where the task hub lives, for messages; the password of a URL is never printed. */
export function describeDb(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the PostgreSQL URL';
  }
}

// Backends and the runtime load on demand, so --help and --version start fast and SQLite never loads pg.
export async function createBackend(options: GlobalOptions, open: OpenOptions = {}): Promise<Backend> {
  if (isPostgresUrl(options.db)) {
    const { PostgresBackend } = await import('../backends/postgres/postgres-backend.js');
    // One-shot commands need no LISTEN connection and few pooled ones.
    return new PostgresBackend({
      connectionString: options.db,
      schema: options.schema,
      poolSize: open.create ? 10 : 2,
      notify: open.create ?? false,
      readOnly: open.readOnly ?? false,
    });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(options.db);
  if (scheme) throw new CliError(EXIT_USAGE, `unsupported database scheme '${scheme[1]}:' in --db; give a SQLite file path or a postgres:// URL`);
  if (options.schema !== undefined) throw new CliError(EXIT_USAGE, '--schema only applies to a PostgreSQL --db URL');
  const { SqliteBackend } = await import('../backends/sqlite/sqlite-backend.js');
  return new SqliteBackend({ path: options.db, mustExist: !(open.create ?? false), readOnly: open.readOnly ?? false });
}

export async function openBackend(options: GlobalOptions, open: OpenOptions = {}): Promise<Backend> {
  if (isPostgresUrl(options.db) && !open.create) {
    const { assertPostgresTaskHub, DEFAULT_PG_SCHEMA } = await import('./postgres-check.js');
    await assertPostgresTaskHub(options.db, options.schema ?? DEFAULT_PG_SCHEMA, describeDb(options.db));
  }
  const backend = await createBackend(options, open);
  try {
    await backend.init();
  } catch (error) {
    await backend.close().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    // The backends' own messages name the file; driver errors (ECONNREFUSED, SQLITE_*) do not.
    const named = message.includes(options.db) ? message : `cannot open task hub ${describeDb(options.db)}: ${message}`;
    throw new CliError(EXIT_DATABASE, named, { cause: error });
  }
  return backend;
}

/** Runs fn with a Client on the task hub and always closes the backend. */
export async function withClient<T>(
  options: GlobalOptions,
  fn: (client: Client, backend: Backend) => Promise<T>,
  open: Pick<OpenOptions, 'readOnly'> = {},
): Promise<T> {
  const backend = await openBackend(options, open);
  try {
    const { Client } = await import('../runtime/client.js');
    return await fn(new Client({ backend }), backend);
  } finally {
    await backend.close();
  }
}
