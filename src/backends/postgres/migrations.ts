// Versioned schema of the PostgreSQL backend. init() applies the missing versions under a transaction-scoped
// advisory lock, so several processes starting at once migrate exactly once; a newer unknown version is refused.
import type { Pool } from 'pg';
import { DurableTaskError } from '../../errors.js';
import { channelOf, inTransaction, quoteIdent, quoteLiteral, tablesOf, type Tables } from './queries.js';

/** Each entry is one schema version: the statements that bring version i to i + 1. */
function migrationSteps(t: Tables, schema: string): string[][] {
  const channel = quoteLiteral(channelOf(schema));
  // Sessions with `durabletask.notify = off` (backends created with notify: false) send no NOTIFY.
  const notifyOn = `coalesce(current_setting('durabletask.notify', true), 'on') <> 'off'`;
  return [
    [
      `CREATE TABLE ${t.instances} (
        instance_id text PRIMARY KEY,
        execution_id text NOT NULL,
        name text NOT NULL,
        version text,
        runtime_status text NOT NULL,
        created_at timestamptz NOT NULL,
        last_updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        scheduled_start_at timestamptz,
        input text,
        output text,
        custom_status text,
        failure_details text,
        parent_instance_id text,
        tags text,
        warnings text[] NOT NULL DEFAULT '{}',
        history_length integer NOT NULL DEFAULT 0,
        locked_by text,
        lock_token text,
        lock_expires_at timestamptz
      )`,
      `CREATE INDEX instances_created ON ${t.instances} (created_at, instance_id)`,
      `CREATE INDEX instances_status ON ${t.instances} (runtime_status)`,
      `CREATE TABLE ${t.history} (
        instance_id text NOT NULL,
        seq integer NOT NULL,
        event text NOT NULL,
        PRIMARY KEY (instance_id, seq)
      )`,
      // The inbox holds events to instances: new events, timers (visible at fireAt), messages, start events.
      `CREATE TABLE ${t.inbox} (
        seq bigserial PRIMARY KEY,
        instance_id text NOT NULL,
        event text NOT NULL,
        visible_at timestamptz NOT NULL DEFAULT now(),
        dequeue_count integer NOT NULL DEFAULT 0
      )`,
      `CREATE INDEX inbox_visible ON ${t.inbox} (visible_at, seq)`,
      `CREATE INDEX inbox_instance ON ${t.inbox} (instance_id, seq)`,
      // A task can be locked when visible_at <= now(); a lock moves visible_at to the lease expiry.
      `CREATE TABLE ${t.tasks} (
        id bigserial PRIMARY KEY,
        instance_id text NOT NULL,
        event text NOT NULL,
        visible_at timestamptz NOT NULL DEFAULT now(),
        dequeue_count integer NOT NULL DEFAULT 0,
        locked_by text,
        lock_token text
      )`,
      `CREATE INDEX tasks_visible ON ${t.tasks} (visible_at, id)`,
      `CREATE INDEX tasks_instance ON ${t.tasks} (instance_id)`,
      // Version 1 sent NOTIFY from triggers, inside the writing transaction (version 2 drops them).
      `CREATE FUNCTION ${t.schema}.notify_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF ${notifyOn} AND EXISTS (SELECT 1 FROM new_rows WHERE visible_at <= now()) THEN
          PERFORM pg_notify(${channel}, 'w');
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER inbox_notify AFTER INSERT ON ${t.inbox}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${t.schema}.notify_inbox()`,
      `CREATE FUNCTION ${t.schema}.notify_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF ${notifyOn} AND EXISTS (SELECT 1 FROM new_rows) THEN
          PERFORM pg_notify(${channel}, 'a');
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER tasks_notify AFTER INSERT ON ${t.tasks}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${t.schema}.notify_tasks()`,
      `CREATE FUNCTION ${t.schema}.notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF ${notifyOn} THEN
          PERFORM pg_notify(${channel}, 's:' || NEW.instance_id);
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER instances_status_insert AFTER INSERT ON ${t.instances}
        FOR EACH ROW EXECUTE FUNCTION ${t.schema}.notify_status()`,
      `CREATE TRIGGER instances_status_update AFTER UPDATE OF runtime_status ON ${t.instances}
        FOR EACH ROW WHEN (OLD.runtime_status IS DISTINCT FROM NEW.runtime_status)
        EXECUTE FUNCTION ${t.schema}.notify_status()`,
    ],
    // Version 2: wake-ups leave the transactions. A NOTIFY holds PostgreSQL's global notify lock from its
    // transaction's commit until that commit is flushed, so every writing transaction that notified committed
    // after the one before (measured: 1.3-1.6x workflows/s without). The backend now sends wake-ups itself
    // after its commits, coalesced per event-loop turn, on its LISTEN connection (notifier.ts).
    [
      `DROP TRIGGER inbox_notify ON ${t.inbox}`,
      `DROP TRIGGER tasks_notify ON ${t.tasks}`,
      `DROP TRIGGER instances_status_insert ON ${t.instances}`,
      `DROP TRIGGER instances_status_update ON ${t.instances}`,
      `DROP FUNCTION ${t.schema}.notify_inbox(), ${t.schema}.notify_tasks(), ${t.schema}.notify_status()`,
      // Started instances are served before new ones (workflow-queue.ts): an instance's ExecutionStarted row is
      // flagged, and each kind of row has its own index in delivery order.
      `ALTER TABLE ${t.inbox} ADD COLUMN is_start boolean NOT NULL DEFAULT false`,
      `UPDATE ${t.inbox} SET is_start = true WHERE event::jsonb ->> 'type' = 'executionStarted'`,
      `DROP INDEX ${t.schema}.inbox_visible`,
      `CREATE INDEX inbox_visible_started ON ${t.inbox} (visible_at, seq) WHERE NOT is_start`,
      `CREATE INDEX inbox_visible_new ON ${t.inbox} (visible_at, seq) WHERE is_start`,
    ],
    // Version 3: a worker locks only work it can run. Tasks carry their activity name, and the queue's index
    // leads with it, so a lock is one seek per name the worker serves (activity-queue.ts). Workers announce
    // themselves in the workers table (heartbeats), which tells why queued work waits.
    [
      `ALTER TABLE ${t.tasks} ADD COLUMN name text NOT NULL DEFAULT ''`,
      `UPDATE ${t.tasks} SET name = coalesce(event::jsonb ->> 'name', '')`,
      `DROP INDEX ${t.schema}.tasks_visible`,
      `CREATE INDEX tasks_ready ON ${t.tasks} (name, visible_at, id)`,
      `CREATE TABLE ${t.workers} (
        worker_id text PRIMARY KEY,
        name text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        workflows text[] NOT NULL,
        activities text[] NOT NULL,
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL
      )`,
    ],
  ];
}

/**
 * For a read-only open: the schema must already be a task hub at this code's version. Nothing is created or
 * migrated.
 */
export async function assertCurrentSchema(pool: Pool, schema: string): Promise<void> {
  const t = tablesOf(schema);
  const known = migrationSteps(t, schema).length;
  const exists = await pool.query<{ hub: string | null }>(`SELECT to_regclass($1) AS hub`, [`${quoteIdent(schema)}.schema_version`]);
  if (!exists.rows[0]?.hub) {
    throw new DurableTaskError('FAILED_PRECONDITION', `PostgreSQL schema '${schema}' is not a durabletask task hub (no schema_version table)`);
  }
  const found = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${t.version}`);
  const current = found.rows[0]?.version ?? 0;
  if (current !== known) {
    throw new DurableTaskError(
      'FAILED_PRECONDITION',
      current > known
        ? `PostgreSQL schema '${schema}' is at version ${current}, newer than version ${known} known to this durabletask-ts; upgrade durabletask-ts`
        : `PostgreSQL schema '${schema}' is at version ${current}; this durabletask-ts uses version ${known}, and opening it read-only ` +
            'does not migrate it (a worker or `durabletask serve` on it migrates it)',
    );
  }
}

/**
 * Creates or migrates the schema; safe to run from many processes at once. `upTo` stops at an older
 * version (tests build old schemas with it).
 */
export async function migrate(pool: Pool, schema: string, upTo?: number): Promise<void> {
  const t = tablesOf(schema);
  const steps = migrationSteps(t, schema).slice(0, upTo);
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`durabletask-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t.version} (version integer NOT NULL)`);
    const found = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${t.version}`);
    const current = found.rows[0]?.version ?? 0;
    if (current > steps.length) {
      throw new DurableTaskError(
        'FAILED_PRECONDITION',
        `PostgreSQL schema '${schema}' is at version ${current}, newer than version ${steps.length} known to this ` +
          `durabletask-ts; upgrade durabletask-ts or use another schema`,
      );
    }
    // One round trip per version: a parameterless multi-statement query runs inside the open transaction.
    for (let version = current; version < steps.length; version++) await client.query(steps[version]!.join(';\n'));
    if (current === 0) await client.query(`INSERT INTO ${t.version} (version) VALUES ($1)`, [steps.length]);
    else if (current < steps.length) await client.query(`UPDATE ${t.version} SET version = $1`, [steps.length]);
  });
}
