// Read-only queries: metadata, history and the instance list with keyset pagination on
// (created_at, instance_id), so a page costs its own rows however deep the listing goes.
import type { WorkflowCountQuery, WorkflowCounts, WorkflowPage, WorkflowQuery } from '../backend.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import type { HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { decodeEvents } from '../../protocol/codec.js';
import { decodeListToken, encodeListToken, resolvePageSize } from '../shared/list-token.js';
import type { Statements } from './statements.js';
import { INSTANCE_COLUMNS, toMetadata, type InstanceRow } from './rows.js';

export function readMetadata(sql: Statements, instanceId: string): WorkflowMetadata | undefined {
  const row = sql.get(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE instance_id = ?`).get(instanceId) as InstanceRow | undefined;
  return row ? toMetadata(row, true) : undefined;
}

export function readHistory(sql: Statements, instanceId: string, fromIndex: number): HistoryEvent[] {
  // Each row is one turn's events starting at index seq: start from the row that holds fromIndex.
  const rows = sql
    .get(
      `SELECT seq, events FROM history
       WHERE instance_id = ? AND seq >= (SELECT MAX(seq) FROM history WHERE instance_id = ? AND seq <= ?) ORDER BY seq`,
    )
    .all(instanceId, instanceId, Math.max(0, fromIndex)) as { seq: number; events: string }[];
  const events: HistoryEvent[] = [];
  for (const row of rows) {
    const turn = decodeEvents(row.events);
    const skip = Math.max(0, fromIndex - row.seq);
    for (let i = skip; i < turn.length; i++) events.push(turn[i]!);
  }
  return events;
}

/** The WHERE clause of the listWorkflows filters (without paging), with its parameters. */
function filterClause(query: WorkflowCountQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.statuses && query.statuses.length > 0) {
    where.push(`runtime_status IN (${query.statuses.map(() => '?').join(', ')})`);
    params.push(...query.statuses);
  }
  if (query.name !== undefined) {
    where.push('name = ?');
    params.push(query.name);
  }
  if (query.instanceIdPrefix) {
    where.push('substr(instance_id, 1, ?) = ?');
    params.push(query.instanceIdPrefix.length, query.instanceIdPrefix);
  }
  if (query.createdFrom) {
    where.push('created_at >= ?');
    params.push(query.createdFrom.getTime());
  }
  if (query.createdTo) {
    where.push('created_at <= ?');
    params.push(query.createdTo.getTime());
  }
  return { where, params };
}

export function listInstances(sql: Statements, query: WorkflowQuery): WorkflowPage {
  const pageSize = resolvePageSize(query.pageSize);
  const { where, params } = filterClause(query);
  const direction = query.newestFirst ? 'DESC' : 'ASC';
  if (query.continuationToken !== undefined) {
    const after = decodeListToken(query.continuationToken);
    where.push(`(created_at, instance_id) ${query.newestFirst ? '<' : '>'} (?, ?)`);
    params.push(after.createdAt.getTime(), after.instanceId);
  }
  const text =
    `SELECT ${INSTANCE_COLUMNS} FROM instances ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY created_at ${direction}, instance_id ${direction} LIMIT ?`;
  const rows = sql.get(text).all(...params, pageSize + 1) as InstanceRow[];
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  const result: WorkflowPage = { instances: page.map((r) => toMetadata(r, query.includePayloads ?? false)) };
  if (rows.length > pageSize && last) result.continuationToken = encodeListToken({ createdAt: new Date(last.created_at), instanceId: last.instance_id });
  return result;
}

export function countInstances(sql: Statements, query: WorkflowCountQuery): WorkflowCounts {
  const { where, params } = filterClause(query);
  const text = `SELECT runtime_status, COUNT(*) AS n FROM instances ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY runtime_status`;
  const counts: WorkflowCounts = {};
  for (const row of sql.get(text).all(...params) as { runtime_status: RuntimeStatus; n: number }[]) counts[row.runtime_status] = row.n;
  return counts;
}
