// The versioned SQLite schema of a task hub and its migrations. A file whose schema is newer than this
// code, or that holds other tables but no meta table, is refused rather than touched.
import type { Database } from 'better-sqlite3';
import { FailedPreconditionError } from '../../errors.js';

/** Schema version this code writes and reads. Bump it and add a migration for every change. */
export const SQLITE_SCHEMA_VERSION = 3;

export const META_TABLE = 'durabletask_meta';

// Instants are INTEGER milliseconds since the epoch; events are codec JSON text.
// instances.next_visible_at caches MIN(inbox.visible_at) of the instance so that finding work is one
// index seek, not a scan of the inbox (which can hold 10,000 results for one fan-out).
const V1 = `
CREATE TABLE instances (
  instance_id        TEXT PRIMARY KEY,
  execution_id       TEXT NOT NULL,
  name               TEXT NOT NULL,
  version            TEXT,
  runtime_status     TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  last_updated_at    INTEGER NOT NULL,
  started_at         INTEGER,
  completed_at       INTEGER,
  scheduled_start_at INTEGER,
  input              TEXT,
  output             TEXT,
  custom_status      TEXT,
  failure_details    TEXT,
  parent_instance_id TEXT,
  tags               TEXT,
  warnings           TEXT,
  history_length     INTEGER NOT NULL DEFAULT 0,
  next_visible_at    INTEGER,
  lock_token         TEXT,
  locked_by          TEXT,
  lock_expires_at    INTEGER
);
CREATE INDEX instances_ready ON instances(next_visible_at) WHERE next_visible_at IS NOT NULL;
CREATE INDEX instances_created ON instances(created_at, instance_id);
CREATE INDEX instances_status ON instances(runtime_status, created_at, instance_id);

CREATE TABLE history (
  instance_id TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  event       TEXT NOT NULL,
  PRIMARY KEY (instance_id, seq)
) WITHOUT ROWID;

CREATE TABLE inbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id   TEXT NOT NULL,
  visible_at    INTEGER NOT NULL,
  enqueued_at   INTEGER NOT NULL,
  dequeue_count INTEGER NOT NULL DEFAULT 0,
  lock_token    TEXT,
  event         TEXT NOT NULL
);
CREATE INDEX inbox_instance ON inbox(instance_id);
-- MIN(visible_at) per instance as one seek (refreshing next_visible_at after a turn of a large fan-out).
CREATE INDEX inbox_visible ON inbox(instance_id, visible_at);

CREATE TABLE activity_tasks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id     TEXT NOT NULL,
  available_at    INTEGER NOT NULL,
  enqueued_at     INTEGER NOT NULL,
  dequeue_count   INTEGER NOT NULL DEFAULT 0,
  lock_token      TEXT,
  locked_by       TEXT,
  lock_expires_at INTEGER,
  event           TEXT NOT NULL
);
CREATE INDEX activity_tasks_available ON activity_tasks(available_at);
CREATE INDEX activity_tasks_instance ON activity_tasks(instance_id);
`;

// Version 2 rebuilds the three append-heavy tables for cheaper turns (measured on the throughput
// benchmark: the SQLite time per workflow fell by about a third):
// - history holds one row per turn (`events` is a JSON array of the turn's events, the first at index
//   `seq`) with a rowid, so a turn appends one row at the end of the table and only the small
//   (instance_id, seq) index takes a write in the middle; v1 stored one event per row WITHOUT ROWID,
//   in key order.
// - two ready indexes instead of one: instances that have started are served before new ones, so a
//   backlog of starts does not delay the timers and results of running workflows (workflow-queue.ts).
// - inbox and activity_tasks drop AUTOINCREMENT and its sqlite_sequence write per insert. A new row
//   still gets an id above every existing row, which is all that FIFO order and a locked id range need:
//   the rows of a range exist until the range is released.
const V2 = `
CREATE TABLE history_v2 (
  instance_id TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  events      TEXT NOT NULL,
  PRIMARY KEY (instance_id, seq)
);
INSERT INTO history_v2 (instance_id, seq, events)
  SELECT instance_id, seq, '[' || event || ']' FROM history ORDER BY instance_id, seq;
DROP TABLE history;
ALTER TABLE history_v2 RENAME TO history;

CREATE TABLE inbox_v2 (
  id            INTEGER PRIMARY KEY,
  instance_id   TEXT NOT NULL,
  visible_at    INTEGER NOT NULL,
  enqueued_at   INTEGER NOT NULL,
  dequeue_count INTEGER NOT NULL DEFAULT 0,
  lock_token    TEXT,
  event         TEXT NOT NULL
);
INSERT INTO inbox_v2 (id, instance_id, visible_at, enqueued_at, dequeue_count, lock_token, event)
  SELECT id, instance_id, visible_at, enqueued_at, dequeue_count, lock_token, event FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_v2 RENAME TO inbox;
CREATE INDEX inbox_instance ON inbox(instance_id);
CREATE INDEX inbox_visible ON inbox(instance_id, visible_at);

CREATE TABLE activity_tasks_v2 (
  id              INTEGER PRIMARY KEY,
  instance_id     TEXT NOT NULL,
  available_at    INTEGER NOT NULL,
  enqueued_at     INTEGER NOT NULL,
  dequeue_count   INTEGER NOT NULL DEFAULT 0,
  lock_token      TEXT,
  locked_by       TEXT,
  lock_expires_at INTEGER,
  event           TEXT NOT NULL
);
INSERT INTO activity_tasks_v2 (id, instance_id, available_at, enqueued_at, dequeue_count, lock_token, locked_by, lock_expires_at, event)
  SELECT id, instance_id, available_at, enqueued_at, dequeue_count, lock_token, locked_by, lock_expires_at, event FROM activity_tasks;
DROP TABLE activity_tasks;
ALTER TABLE activity_tasks_v2 RENAME TO activity_tasks;
CREATE INDEX activity_tasks_available ON activity_tasks(available_at);
CREATE INDEX activity_tasks_instance ON activity_tasks(instance_id);

DROP INDEX instances_ready;
CREATE INDEX instances_ready_started ON instances(next_visible_at) WHERE next_visible_at IS NOT NULL AND runtime_status <> 'PENDING';
CREATE INDEX instances_ready_new ON instances(next_visible_at) WHERE next_visible_at IS NOT NULL AND runtime_status = 'PENDING';
`;

// Version 3: a worker locks only work it can run (the names it registered), so both ready indexes and the
// activity queue's lead with the name: a lock is one seek per name the worker serves, however much work
// for other names waits. Tasks carry their activity name in a column for that. Workers announce
// themselves in the workers table (heartbeats), which tells why queued work waits.
const V3 = `
ALTER TABLE activity_tasks ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE activity_tasks SET name = COALESCE(json_extract(event, '$.name'), '');
DROP INDEX activity_tasks_available;
CREATE INDEX activity_tasks_ready ON activity_tasks(name, available_at);
DROP INDEX instances_ready_started;
DROP INDEX instances_ready_new;
CREATE INDEX instances_ready_started ON instances(name, next_visible_at) WHERE next_visible_at IS NOT NULL AND runtime_status <> 'PENDING';
CREATE INDEX instances_ready_new ON instances(name, next_visible_at) WHERE next_visible_at IS NOT NULL AND runtime_status = 'PENDING';
CREATE TABLE workers (
  worker_id    TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  workflows    TEXT NOT NULL,
  activities   TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
`;

/** MIGRATIONS[v - 1] upgrades a database at version v to v + 1. */
const MIGRATIONS: readonly string[] = [V2, V3];

/**
 * Creates the schema in an empty database or migrates an older one, inside the caller's write
 * transaction (BEGIN IMMEDIATE, so processes starting together take turns).
 */
export function createOrMigrate(db: Database, path: string): void {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(META_TABLE);
  if (!hasMeta) {
    assertNoForeignTables(db, path);
    // A new file takes the same path as an old one: version 1, then every migration, so the
    // migrations run on every fresh database and cannot rot.
    createVersion1(db);
    migrateFrom(db, 1);
    return;
  }
  migrateFrom(db, readVersion(db, path));
}

/**
 * For a read-only open: the database must already be a task hub at this code's schema version. Nothing is
 * created or migrated, so an empty file stays empty and an old one stays at its version.
 */
export function assertCurrentSchema(db: Database, path: string): void {
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(META_TABLE);
  if (!hasMeta) {
    assertNoForeignTables(db, path);
    throw new FailedPreconditionError(`'${path}' is not a durabletask task hub: it is empty`);
  }
  const version = readVersion(db, path);
  if (version < SQLITE_SCHEMA_VERSION) {
    throw new FailedPreconditionError(
      `'${path}' has durabletask schema version ${version}; this version of durabletask-ts uses ${SQLITE_SCHEMA_VERSION}, and opening it ` +
        'read-only does not migrate it (a worker or `durabletask serve` on it migrates it)',
    );
  }
}

function assertNoForeignTables(db: Database, path: string): void {
  const others = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  if (others.length === 0) return;
  const names = others.map((t) => t.name).join(', ');
  throw new FailedPreconditionError(`'${path}' is not a durabletask task hub: it has tables (${names}) but no ${META_TABLE} table; refusing to touch it`);
}

/** The first released schema, as an old file has it (migration tests build such files with it). */
export function createVersion1(db: Database): void {
  db.exec(`CREATE TABLE ${META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  db.exec(V1);
  writeVersion(db, 1);
}

function migrateFrom(db: Database, found: number): void {
  for (let v = found; v < SQLITE_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v - 1]!);
  if (found < SQLITE_SCHEMA_VERSION) writeVersion(db, SQLITE_SCHEMA_VERSION);
}

function readVersion(db: Database, path: string): number {
  const row = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).get() as { value: string } | undefined;
  const version = row ? Number(row.value) : NaN;
  if (!Number.isInteger(version) || version < 1) {
    throw new FailedPreconditionError(
      `'${path}' has an unknown durabletask schema version '${row?.value ?? '(missing)'}'; ` +
        `this version of durabletask-ts uses schema version ${SQLITE_SCHEMA_VERSION}`,
    );
  }
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new FailedPreconditionError(
      `'${path}' has durabletask schema version ${version}, newer than schema version ${SQLITE_SCHEMA_VERSION} ` +
        `of this version of durabletask-ts; upgrade durabletask-ts to open it`,
    );
  }
  return version;
}

function writeVersion(db: Database, version: number): void {
  db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', ?)
              ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(version));
}
