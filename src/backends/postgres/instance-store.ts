// Instance rows, histories and inbox writes that are not part of a work item: creation, events from clients,
// metadata, listing with keyset pagination, and purge.
import type { Pool } from 'pg';
import type { CreateReusePolicy, WorkflowCountQuery, WorkflowCounts, WorkflowPage, WorkflowQuery } from '../backend.js';
import { FailedPreconditionError, InvalidArgumentError, WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../errors.js';
import { decodeEvent, encodeEvent } from '../../protocol/codec.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { isTerminalStatus, type RuntimeStatus } from '../../protocol/status.js';
import { inTransaction, Params, type Queryable, type Tables } from './queries.js';
import { decodeListToken, encodeListToken, resolvePageSize } from '../shared/list-token.js';
import { cancelsScheduledStart, type TargetState } from '../../core/delivery.js';

/**
 * core/delivery eventVisibleAt for an event asked for now, on the database clock, for the statements that
 * read the target and write its inbox at once (a client's event, a plain turn's messages).
 */
export function visibleAtSql(i: string): string {
  return `CASE WHEN ${i}.runtime_status = 'PENDING' AND ${i}.scheduled_start_at > now() THEN ${i}.scheduled_start_at ELSE now() END`;
}

/** The state core/delivery plans on, of each of these instances, locked for the rest of the transaction. */
export async function readTargets(db: Queryable, t: Tables, ids: string[]): Promise<Map<string, TargetState | undefined>> {
  const targets = new Map<string, TargetState | undefined>(ids.map((id) => [id, undefined]));
  if (ids.length === 0) return targets;
  // One lock order for every transaction.
  const found = await db.query<{ instance_id: string; runtime_status: RuntimeStatus; scheduled_start_at: Date | null }>(
    `SELECT instance_id, runtime_status, scheduled_start_at FROM ${t.instances} WHERE instance_id = ANY($1::text[]) ORDER BY instance_id FOR UPDATE`,
    [ids],
  );
  for (const row of found.rows) {
    targets.set(row.instance_id, { runtimeStatus: row.runtime_status, scheduledStartAt: row.scheduled_start_at ?? undefined });
  }
  return targets;
}

const METADATA_COLUMNS =
  'instance_id, name, runtime_status, created_at, last_updated_at, completed_at, started_at, scheduled_start_at, ' +
  'execution_id, input, output, custom_status, failure_details, parent_instance_id, version, tags, warnings';

interface MetadataRow {
  instance_id: string;
  name: string;
  runtime_status: RuntimeStatus;
  created_at: Date;
  last_updated_at: Date;
  completed_at: Date | null;
  started_at: Date | null;
  scheduled_start_at: Date | null;
  execution_id: string;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  failure_details: string | null;
  parent_instance_id: string | null;
  version: string | null;
  tags: string | null;
  warnings: string[];
}

function toMetadata(row: MetadataRow, includePayloads: boolean): WorkflowMetadata {
  const m: WorkflowMetadata = {
    instanceId: row.instance_id,
    name: row.name,
    runtimeStatus: row.runtime_status,
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
    executionId: row.execution_id,
  };
  if (row.completed_at) m.completedAt = row.completed_at;
  if (row.started_at) m.startedAt = row.started_at;
  if (row.scheduled_start_at) m.scheduledStartAt = row.scheduled_start_at;
  if (includePayloads) {
    if (row.input !== null) m.input = row.input;
    if (row.output !== null) m.output = row.output;
    if (row.custom_status !== null) m.customStatus = row.custom_status;
  }
  if (row.failure_details !== null) m.failureDetails = JSON.parse(row.failure_details);
  if (row.parent_instance_id !== null) m.parentInstanceId = row.parent_instance_id;
  if (row.version !== null) m.version = row.version;
  if (row.tags !== null) m.tags = JSON.parse(row.tags);
  if (row.warnings.length > 0) m.warnings = row.warnings;
  return m;
}

/** An instance to insert: its ExecutionStarted, and when that becomes visible if not at the scheduled start or now. */
export interface NewInstance {
  event: ExecutionStartedEvent;
  visibleAt?: Date;
}

/**
 * Inserts a PENDING instance and its ExecutionStarted into the inbox, unless the ID is taken.
 * @returns false when an instance with that ID exists (nothing was written)
 */
export async function insertInstance(db: Queryable, t: Tables, event: ExecutionStartedEvent, visibleAt?: Date): Promise<boolean> {
  return (await insertInstances(db, t, [{ event, visibleAt }])).size === 1;
}

/**
 * Inserts, in one statement, the instances whose IDs are free, each PENDING with its ExecutionStarted in its
 * inbox; the IDs must be distinct. @returns the IDs inserted
 */
export async function insertInstances(db: Queryable, t: Tables, starts: NewInstance[]): Promise<Set<string>> {
  const p = new Params();
  const col = <T>(pick: (e: ExecutionStartedEvent, visibleAt?: Date) => T): string => p.add(starts.map((s) => pick(s.event, s.visibleAt)));
  const sql = `WITH x AS (
      SELECT * FROM unnest(${col((e) => e.workflowInstance.instanceId)}::text[], ${col((e) => e.workflowInstance.executionId ?? '')}::text[],
        ${col((e) => e.name)}::text[], ${col((e) => e.version ?? null)}::text[], ${col((e) => e.timestamp)}::timestamptz[],
        ${col((e) => e.scheduledStartTimestamp ?? null)}::timestamptz[], ${col((e) => e.input ?? null)}::text[],
        ${col((e) => e.parentInstance?.workflowInstance?.instanceId ?? null)}::text[],
        ${col((e) => (e.tags ? JSON.stringify(e.tags) : null))}::text[], ${col((e) => encodeEvent(e))}::text[],
        ${col((e, visibleAt) => visibleAt ?? e.scheduledStartTimestamp ?? null)}::timestamptz[])
      AS x(id, execution, name, version, created, scheduled, input, parent, tags, event, visible)
    ), ins AS (
      INSERT INTO ${t.instances} (instance_id, execution_id, name, version, runtime_status, created_at, scheduled_start_at,
                                  input, parent_instance_id, tags)
      SELECT id, execution, name, version, 'PENDING', created, scheduled, input, parent, tags FROM x
      ON CONFLICT (instance_id) DO NOTHING
      RETURNING instance_id
    ), inb AS (
      INSERT INTO ${t.inbox} (instance_id, event, visible_at, is_start)
      SELECT x.id, x.event, coalesce(x.visible, now()), true FROM x JOIN ins ON ins.instance_id = x.id
    )
    SELECT coalesce(array_agg(instance_id), '{}') AS created FROM ins`;
  const result = await db.query<{ created: string[] }>(sql, p.values);
  return new Set(result.rows[0]?.created ?? []);
}

/** Deletes an instance with its history, inbox and tasks. */
export async function deleteInstanceRows(db: Queryable, t: Tables, instanceId: string): Promise<void> {
  await db.query(
    `WITH h AS (DELETE FROM ${t.history} WHERE instance_id = $1),
          e AS (DELETE FROM ${t.inbox} WHERE instance_id = $1),
          k AS (DELETE FROM ${t.tasks} WHERE instance_id = $1)
     DELETE FROM ${t.instances} WHERE instance_id = $1`,
    [instanceId],
  );
}

async function statusOf(db: Queryable, t: Tables, instanceId: string, forUpdate: boolean): Promise<RuntimeStatus | undefined> {
  const lock = forUpdate ? ' FOR UPDATE' : '';
  const result = await db.query<{ runtime_status: RuntimeStatus }>(
    `SELECT runtime_status FROM ${t.instances} WHERE instance_id = $1${lock}`,
    [instanceId],
  );
  return result.rows[0]?.runtime_status;
}

export async function createInstance(
  pool: Pool,
  t: Tables,
  event: ExecutionStartedEvent,
  reuse: CreateReusePolicy,
): Promise<void> {
  const instanceId = event.workflowInstance.instanceId;
  if (reuse === 'error') {
    if (await insertInstance(pool, t, event)) return;
    throw new WorkflowAlreadyExistsError(instanceId, await statusOf(pool, t, instanceId, false));
  }
  await inTransaction(pool, async (client) => {
    const existing = await statusOf(client, t, instanceId, true);
    if (existing !== undefined) {
      if (!isTerminalStatus(existing)) throw new WorkflowAlreadyExistsError(instanceId, existing);
      await deleteInstanceRows(client, t, instanceId);
    }
    if (!(await insertInstance(client, t, event))) throw new WorkflowAlreadyExistsError(instanceId);
  });
}

export async function addEvent(pool: Pool, t: Tables, instanceId: string, event: HistoryEvent): Promise<void> {
  if (cancelsScheduledStart(event)) return addStartCancellingEvent(pool, t, instanceId, event);
  const result = await pool.query(
    `INSERT INTO ${t.inbox} (instance_id, event, visible_at)
     SELECT i.instance_id, $2, ${visibleAtSql('i')} FROM ${t.instances} i WHERE i.instance_id = $1`,
    [instanceId, encodeEvent(event)],
  );
  if (result.rowCount !== 1) throw new WorkflowNotFoundError(instanceId);
}

async function addStartCancellingEvent(pool: Pool, t: Tables, instanceId: string, event: HistoryEvent): Promise<void> {
  if (!(await enqueueStartCancelling(pool, t, instanceId, event))) throw new WorkflowNotFoundError(instanceId);
}

/**
 * A client's termination, planned as core/delivery planEvent does in one statement: an instance that waits
 * for its scheduled start has its waiting inbox made visible now, with the event.
 * @returns false when the instance does not exist
 */
export async function enqueueStartCancelling(db: Queryable, t: Tables, instanceId: string, event: HistoryEvent): Promise<boolean> {
  const result = await db.query(
    `WITH i AS (SELECT instance_id, runtime_status, scheduled_start_at FROM ${t.instances} WHERE instance_id = $1),
       early AS (UPDATE ${t.inbox} e SET visible_at = now() FROM i
                 WHERE e.instance_id = i.instance_id AND i.runtime_status = 'PENDING' AND i.scheduled_start_at IS NOT NULL
                   AND e.visible_at > now())
     INSERT INTO ${t.inbox} (instance_id, event, visible_at) SELECT i.instance_id, $2, now() FROM i`,
    [instanceId, encodeEvent(event)],
  );
  return result.rowCount === 1;
}

export async function getHistory(pool: Pool, t: Tables, instanceId: string, fromIndex: number): Promise<HistoryEvent[]> {
  const result = await pool.query<{ event: string }>(
    `SELECT event FROM ${t.history} WHERE instance_id = $1 AND seq >= $2 ORDER BY seq`,
    [instanceId, fromIndex],
  );
  return result.rows.map((row) => decodeEvent(row.event));
}

export async function getMetadata(pool: Pool, t: Tables, instanceId: string): Promise<WorkflowMetadata | undefined> {
  const result = await pool.query<MetadataRow>(`SELECT ${METADATA_COLUMNS} FROM ${t.instances} WHERE instance_id = $1`, [instanceId]);
  const row = result.rows[0];
  return row ? toMetadata(row, true) : undefined;
}

/** The WHERE terms of the listWorkflows filters (without paging), adding their parameters to p. */
function filterTerms(query: WorkflowCountQuery, p: Params): string[] {
  const where: string[] = [];
  if (query.statuses && query.statuses.length > 0) where.push(`runtime_status = ANY(${p.add(query.statuses)}::text[])`);
  if (query.name !== undefined) where.push(`name = ${p.add(query.name)}`);
  if (query.instanceIdPrefix) where.push(`starts_with(instance_id, ${p.add(query.instanceIdPrefix)})`);
  if (query.createdFrom) where.push(`created_at >= ${p.add(query.createdFrom)}`);
  if (query.createdTo) where.push(`created_at <= ${p.add(query.createdTo)}`);
  return where;
}

/** Instances ordered by (createdAt, instanceId), either way; the token is the last row's key. */
export async function listInstances(pool: Pool, t: Tables, query: WorkflowQuery): Promise<WorkflowPage> {
  const pageSize = resolvePageSize(query.pageSize);
  const p = new Params();
  const where = filterTerms(query, p);
  const direction = query.newestFirst ? 'DESC' : 'ASC';
  if (query.continuationToken) {
    const { createdAt, instanceId } = decodeListToken(query.continuationToken);
    where.push(`(created_at, instance_id) ${query.newestFirst ? '<' : '>'} (${p.add(createdAt)}::timestamptz, ${p.add(instanceId)}::text)`);
  }
  const sql =
    `SELECT ${METADATA_COLUMNS} FROM ${t.instances}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY created_at ${direction}, instance_id ${direction} LIMIT ${p.add(pageSize + 1)}`;
  const result = await pool.query<MetadataRow>(sql, p.values);
  const rows = result.rows.slice(0, pageSize);
  const page: WorkflowPage = { instances: rows.map((row) => toMetadata(row, query.includePayloads ?? false)) };
  const last = rows[rows.length - 1];
  if (result.rows.length > pageSize && last) page.continuationToken = encodeListToken({ createdAt: last.created_at, instanceId: last.instance_id });
  return page;
}

export async function countInstances(pool: Pool, t: Tables, query: WorkflowCountQuery): Promise<WorkflowCounts> {
  const p = new Params();
  const where = filterTerms(query, p);
  const sql = `SELECT runtime_status, COUNT(*)::int AS n FROM ${t.instances}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY runtime_status`;
  const result = await pool.query<{ runtime_status: RuntimeStatus; n: number }>(sql, p.values);
  const counts: WorkflowCounts = {};
  for (const row of result.rows) counts[row.runtime_status] = row.n;
  return counts;
}

export async function purgeInstance(pool: Pool, t: Tables, instanceId: string): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const status = await statusOf(client, t, instanceId, true);
    if (status === undefined) return false;
    if (!isTerminalStatus(status)) {
      throw new FailedPreconditionError(`cannot purge workflow instance '${instanceId}': it is ${status}, not terminal`);
    }
    await deleteInstanceRows(client, t, instanceId);
    return true;
  });
}
