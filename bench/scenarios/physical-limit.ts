// The physical limit: raw single-row INSERT transactions per second on the same storage, without the engine.
// On SQLite at the shipped synchronous level (FULL: one WAL fsync per commit); on PostgreSQL one autocommit
// INSERT per round trip. The engine's group commit is how it can beat this per turn.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { progress } from '../engine.js';
import { round, type ScenarioRow } from '../result.js';
import type { StoreSpec } from '../targets.js';
import type { Scenario } from './scenario.js';

/** The SqliteBackend default (see SqliteBackendOptions.synchronous). */
const SHIPPED_SYNCHRONOUS = 'FULL';

export const physicalLimit: Scenario = {
  name: 'physical-limit',
  async run({ store, quick }) {
    const seconds = quick ? 0.3 : 2;
    progress(`  physical-limit: single-row INSERT transactions for ${seconds} s`);
    return [store.spec.kind === 'sqlite' ? sqliteCommits(seconds) : await postgresCommits(store.spec, seconds)];
  },
};

function sqliteCommits(seconds: number): ScenarioRow {
  const dir = mkdtempSync(join(tmpdir(), 'durabletask-commits-'));
  const db = new Database(join(dir, 'raw.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${SHIPPED_SYNCHRONOUS}`);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const begin = db.prepare('BEGIN IMMEDIATE');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commit = db.prepare('COMMIT');
    const rate = loop(seconds, () => {
      begin.run();
      insert.run('x');
      commit.run();
    });
    return { name: 'physical-limit', metric: `commits/s (synchronous=${SHIPPED_SYNCHRONOUS})`, value: round(rate, 0), unit: 'commits/s', detail: 'raw better-sqlite3, WAL, 1 row per transaction' };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function loop(seconds: number, commitOne: () => void): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    commitOne();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

async function postgresCommits(spec: Extract<StoreSpec, { kind: 'postgres' }>, seconds: number): Promise<ScenarioRow> {
  const client = new pg.Client({ connectionString: spec.url });
  await client.connect();
  const table = `"${spec.schema}".raw_commits`;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${spec.schema}"`);
    await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, v text NOT NULL)`);
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < seconds * 1000) {
      await client.query(`INSERT INTO ${table} (v) VALUES ($1)`, ['x']);
      n++;
    }
    const rate = n / ((performance.now() - start) / 1000);
    const sync = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit;
    return { name: 'physical-limit', metric: 'commits/s (one connection)', value: round(rate, 0), unit: 'commits/s', detail: `autocommit INSERT, synchronous_commit=${sync}` };
  } finally {
    await client.end();
  }
}
