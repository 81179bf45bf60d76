// The PostgreSQL side of "the task hub must exist": PostgresBackend.init() creates or migrates its schema,
// so before an inspecting command opens it we check that the schema is already a task hub. Otherwise a
// typo in --schema would create an empty hub, and --schema public would add tables to an application.
import pg from 'pg';
import { CliError, EXIT_DATABASE } from './exit-codes.js';

export const DEFAULT_PG_SCHEMA = 'durabletask';

export async function assertPostgresTaskHub(connectionString: string, schema: string, where: string): Promise<void> {
  const client = new pg.Client({ connectionString, application_name: 'durabletask-cli' });
  // A dropped connection emits 'error' on the client; the failed query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ has_schema: boolean; has_hub: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.schemata WHERE schema_name = $1) AS has_schema,
              EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_version') AS has_hub`,
      [schema],
    );
    const row = rows[0];
    if (!row?.has_schema) throw new CliError(EXIT_DATABASE, `PostgreSQL schema '${schema}' does not exist in ${where} (serve creates it)`);
    if (!row.has_hub) throw new CliError(EXIT_DATABASE, `PostgreSQL schema '${schema}' in ${where} is not a durabletask task hub (no schema_version table); refusing to touch it`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(EXIT_DATABASE, `cannot open task hub ${where}: ${(error as Error).message || String(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
