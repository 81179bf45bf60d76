// listWorkflows over in-memory rows: filter, order by (createdAt, instanceId), resume after the token.
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import type { WorkflowPage, WorkflowQuery } from '../backend.js';
import { withoutPayloads } from '../shared/instance-record.js';
import { compareListPosition, decodeListToken, encodeListToken, resolvePageSize } from '../shared/list-token.js';

/** Returns references to the given rows; the caller copies them. createdFrom and createdTo are inclusive. */
export function listInstances(records: Iterable<WorkflowMetadata>, query: WorkflowQuery): WorkflowPage {
  const pageSize = resolvePageSize(query.pageSize);
  const after = query.continuationToken === undefined ? undefined : decodeListToken(query.continuationToken);
  const statuses = query.statuses && query.statuses.length > 0 ? new Set(query.statuses) : undefined;
  const matching: WorkflowMetadata[] = [];
  for (const record of records) {
    if (statuses && !statuses.has(record.runtimeStatus)) continue;
    if (query.name !== undefined && record.name !== query.name) continue;
    if (query.instanceIdPrefix !== undefined && !record.instanceId.startsWith(query.instanceIdPrefix)) continue;
    if (query.createdFrom && record.createdAt < query.createdFrom) continue;
    if (query.createdTo && record.createdAt > query.createdTo) continue;
    if (after && compareListPosition(record, after) <= 0) continue;
    matching.push(record);
  }
  matching.sort(compareListPosition);
  const page = matching.slice(0, pageSize);
  const instances = query.includePayloads ? page : page.map(withoutPayloads);
  const last = page[page.length - 1];
  if (matching.length > pageSize && last) {
    return { instances, continuationToken: encodeListToken(last) };
  }
  return { instances };
}
