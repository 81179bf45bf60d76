// PostgreSQL for tests: the server URL (env DURABLETASK_TEST_PG_URL) and uniquely named throwaway schemas.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export function testPgUrl(): string {
  return process.env['DURABLETASK_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A fresh schema name; nothing is created until a backend's init() runs. */
export function uniqueSchemaName(prefix = 'dt_test'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** Runs one statement on a short-lived connection (admin work outside the backend under test). */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client({ connectionString: testPgUrl() });
  client.on('error', () => undefined); // a dropped admin connection fails its query; it must not crash the test
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
}

/** Hands out schema names and drops every one of them at the end (call dropAll in an after hook). */
export class TestSchemas {
  private readonly names: string[] = [];
  create(prefix?: string): string {
    const name = uniqueSchemaName(prefix);
    this.names.push(name);
    return name;
  }
  async dropAll(): Promise<void> {
    const names = this.names.splice(0);
    if (names.length > 0) await adminQuery(`DROP SCHEMA IF EXISTS ${names.map((n) => `"${n.replace(/"/g, '""')}"`).join(', ')} CASCADE`);
  }
}
