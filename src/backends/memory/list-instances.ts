// listWorkflows over in-memory rows: filter, order by (createdAt, instanceId) either way, resume after the token.
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import type { WorkflowCountQuery, WorkflowCounts, WorkflowPage, WorkflowQuery } from '../backend.js';
import { withoutPayloads } from '../shared/instance-record.js';
import { compareListPosition, decodeListToken, encodeListToken, resolvePageSize, type ListPosition } from '../shared/list-token.js';

function filterOf(query: WorkflowCountQuery): (record: WorkflowMetadata) => boolean {
  const statuses = query.statuses && query.statuses.length > 0 ? new Set(query.statuses) : undefined;
  return (record) =>
    !(statuses && !statuses.has(record.runtimeStatus)) &&
    !(query.name !== undefined && record.name !== query.name) &&
    !(query.instanceIdPrefix !== undefined && !record.instanceId.startsWith(query.instanceIdPrefix)) &&
    !(query.createdFrom && record.createdAt < query.createdFrom) &&
    !(query.createdTo && record.createdAt > query.createdTo);
}

/** Returns references to the given rows; the caller copies them. createdFrom and createdTo are inclusive. */
export function listInstances(records: Iterable<WorkflowMetadata>, query: WorkflowQuery): WorkflowPage {
  const pageSize = resolvePageSize(query.pageSize);
  const after = query.continuationToken === undefined ? undefined : decodeListToken(query.continuationToken);
  const order = query.newestFirst ? (a: ListPosition, b: ListPosition) => compareListPosition(b, a) : compareListPosition;
  const matches = filterOf(query);
  const matching: WorkflowMetadata[] = [];
  for (const record of records) {
    if (!matches(record)) continue;
    if (after && order(record, after) <= 0) continue;
    matching.push(record);
  }
  matching.sort(order);
  const page = matching.slice(0, pageSize);
  const instances = query.includePayloads ? page : page.map(withoutPayloads);
  const last = page[page.length - 1];
  if (matching.length > pageSize && last) {
    return { instances, continuationToken: encodeListToken(last) };
  }
  return { instances };
}

export function countInstances(records: Iterable<WorkflowMetadata>, query: WorkflowCountQuery): WorkflowCounts {
  const matches = filterOf(query);
  const counts: WorkflowCounts = {};
  for (const record of records) if (matches(record)) counts[record.runtimeStatus] = (counts[record.runtimeStatus] ?? 0) + 1;
  return counts;
}
