// Terminate, suspend or resume every instance matching a filter: the matches are listed page by page (key
// positions, so acting on listed rows moves nothing after the token) and each is acted on through the same
// path as the one-instance call; one that refuses (it finished meanwhile) is skipped with the reason.
import type { Backend } from '../backends/backend.js';
import { DurableTaskError } from '../errors.js';
import type { RuntimeStatus } from '../protocol/status.js';
import { validStatuses, type PurgeFilter, type PurgeSkip } from './purge.js';

export type WorkflowFilter = PurgeFilter;

/** What a bulk operation did: the instances it acted on, and the matching ones it left and why. */
export interface BulkResult {
  instanceIds: string[];
  skipped: PurgeSkip[];
}

/** The statuses each bulk operation can act on; others in a filter match nothing. */
export const BULK_TARGETS = {
  terminate: ['PENDING', 'RUNNING', 'SUSPENDED', 'STALLED'],
  suspend: ['PENDING', 'RUNNING'],
  resume: ['SUSPENDED'],
} as const satisfies Record<string, readonly RuntimeStatus[]>;

export async function actOnMatching(
  backend: Backend,
  filter: WorkflowFilter,
  targets: readonly RuntimeStatus[],
  act: (instanceId: string) => Promise<void>,
): Promise<BulkResult> {
  const statuses = filter.statuses === undefined ? [...targets] : validStatuses(filter.statuses).filter((s) => targets.includes(s));
  const result: BulkResult = { instanceIds: [], skipped: [] };
  // Only statuses this operation cannot act on were asked for: an empty list must never read as "no filter".
  if (statuses.length === 0) return result;
  let continuationToken: string | undefined;
  do {
    const page = await backend.listWorkflows({ ...filter, statuses, pageSize: 500, continuationToken });
    for (const { instanceId } of page.instances) {
      try {
        await act(instanceId);
        result.instanceIds.push(instanceId);
      } catch (error) {
        if (!(error instanceof DurableTaskError)) throw error;
        result.skipped.push({ instanceId, reason: error.message });
      }
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return result;
}
