// Prepared statements of one connection, prepared on first use and reused: preparing costs more than
// running most of these statements.
import type { Database, Statement } from 'better-sqlite3';

export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
