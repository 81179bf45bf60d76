// SQL plumbing shared by the PostgreSQL stores: identifier quoting, the table names of one schema,
// a parameter list builder for statements whose shape depends on the turn, and the transaction helper.
import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResultRow } from 'pg';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Fully qualified table names of one durabletask schema. */
export interface Tables {
  readonly schema: string;
  readonly version: string;
  readonly instances: string;
  readonly history: string;
  readonly inbox: string;
  readonly tasks: string;
  readonly workers: string;
}

export function tablesOf(schema: string): Tables {
  const s = quoteIdent(schema);
  return {
    schema: s,
    version: `${s}.schema_version`,
    instances: `${s}.instances`,
    history: `${s}.history`,
    inbox: `${s}.inbox`,
    tasks: `${s}.tasks`,
    workers: `${s}.workers`,
  };
}

/** NOTIFY channel of a schema. Channel names are identifiers (at most 63 bytes), so long names are hashed. */
export function channelOf(schema: string): string {
  const plain = `durabletask_${schema}`;
  if (Buffer.byteLength(plain) <= 63) return plain;
  return `durabletask_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** Collects positional parameters while a statement is assembled: `sql\`... ${p.add(x)}::text ...\``. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Where a statement can run: the pool (its own implicit transaction) or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Runs `work` in one transaction on a pooled client. A client whose connection died is destroyed instead of
 * being returned to the pool, and its late 'error' event is absorbed so that it cannot crash the process.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (!broken) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
    }
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken ?? false);
  }
}
