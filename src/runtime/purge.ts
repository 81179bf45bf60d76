// Purging an instance and, recursively, its children: the tree is walked first (with a visited set,
// following only engine-made links, core/links.ts), then deleted children first, so nothing is deleted
// when any part of the tree is still live, and a failure part-way leaves the parent (and its links) to retry.
import type { Backend, WorkflowQuery } from '../backends/backend.js';
import { isChildOf, recordedChildIds, startOf } from '../core/links.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { WorkflowInstanceRef } from '../protocol/common.js';
import type { HistoryEvent } from '../protocol/history.js';
import { isRuntimeStatus, isTerminalStatus, RUNTIME_STATUSES, type RuntimeStatus } from '../protocol/status.js';

/** An instance a filter purge matched but left in place, and why. */
export interface PurgeSkip {
  instanceId: string;
  reason: string;
}

/** What a filter purge did: how many instances it deleted, and which matching ones it left and why. */
export interface PurgeResult {
  deletedInstanceCount: number;
  skipped: PurgeSkip[];
}

export type PurgeFilter = Omit<WorkflowQuery, 'pageSize' | 'continuationToken' | 'includePayloads'>;

const TERMINAL_STATUSES: RuntimeStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'];

/** Instances a tree purge would delete (children before their parent), or why it must not run. */
type PurgePlan = { ids: string[] } | { refusal: string };

/**
 * Purges one instance (with its children when `recursive`). Returns how many were deleted: 0 when it does
 * not exist. Throws FailedPreconditionError, deleting nothing, when it or a child of it is not finished.
 */
export async function purgeTree(backend: Backend, instanceId: string, recursive: boolean): Promise<number> {
  const plan = await planPurge(backend, instanceId, recursive);
  if ('refusal' in plan) throw new FailedPreconditionError(plan.refusal);
  let count = 0;
  for (const id of plan.ids) if (await backend.purgeWorkflow(id)) count++;
  return count;
}

/**
 * Purges every finished instance matching the filter (statuses default to the terminal ones; non-terminal
 * ones in the filter match nothing purgeable). An instance that cannot be purged (a child still running) is
 * skipped and reported; the rest are purged.
 */
export async function purgeMatching(backend: Backend, filter: PurgeFilter, recursive: boolean): Promise<PurgeResult> {
  const wanted = filter.statuses === undefined ? TERMINAL_STATUSES : validStatuses(filter.statuses).filter(isTerminalStatus);
  const result: PurgeResult = { deletedInstanceCount: 0, skipped: [] };
  // Only live statuses were asked for: nothing is purgeable. An empty list must never read as "no filter".
  if (wanted.length === 0) return result;
  let continuationToken: string | undefined;
  do {
    // Tokens are key positions, not offsets: deleting rows already listed moves nothing after the token.
    const page = await backend.listWorkflows({ ...filter, statuses: wanted, pageSize: 500, continuationToken });
    for (const { instanceId } of page.instances) {
      try {
        result.deletedInstanceCount += await purgeTree(backend, instanceId, recursive);
      } catch (error) {
        if (!(error instanceof FailedPreconditionError)) throw error;
        result.skipped.push({ instanceId, reason: error.message });
      }
    }
    continuationToken = page.continuationToken;
  } while (continuationToken !== undefined);
  return result;
}

/** Checks every status of a filter is a runtime status; returns them. */
export function validStatuses(statuses: readonly unknown[]): RuntimeStatus[] {
  if (!Array.isArray(statuses)) throw new InvalidArgumentError('statuses', 'must be an array of runtime statuses');
  statuses.forEach((status, i) => {
    if (!isRuntimeStatus(status)) {
      throw new InvalidArgumentError(`statuses[${i}]`, `'${String(status)}' is not a runtime status (one of ${RUNTIME_STATUSES.join(', ')})`);
    }
  });
  return statuses as RuntimeStatus[];
}

async function planPurge(backend: Backend, rootId: string, recursive: boolean): Promise<PurgePlan> {
  const root = await backend.getWorkflowMetadata(rootId);
  if (!root) return { ids: [] };
  if (!isTerminalStatus(root.runtimeStatus)) return { refusal: `cannot purge workflow instance '${rootId}': it is ${root.runtimeStatus}, not terminal` };
  if (!recursive) return { ids: [rootId] };
  const ids: string[] = [];
  const visited = new Set([rootId]);
  const visit = async (instanceId: string, history: HistoryEvent[]): Promise<string | undefined> => {
    const self: WorkflowInstanceRef = startOf(history)?.workflowInstance ?? { instanceId };
    for (const childId of recordedChildIds(history)) {
      if (visited.has(childId)) continue;
      visited.add(childId);
      const child = await backend.getWorkflowMetadata(childId);
      if (!child) continue; // purged already: purge is idempotent
      const childHistory = await backend.getWorkflowHistory(childId);
      const start = startOf(childHistory);
      // Not started yet: the row's parent is all there is to go by.
      const linked = start ? isChildOf(start, self) : child.parentInstanceId === instanceId;
      if (!linked) continue;
      if (!isTerminalStatus(child.runtimeStatus)) {
        return `cannot purge workflow instance '${rootId}' recursively: its child workflow '${childId}' is ${child.runtimeStatus}, not terminal`;
      }
      const refusal = await visit(childId, childHistory);
      if (refusal) return refusal;
    }
    ids.push(instanceId);
    return undefined;
  };
  const refusal = await visit(rootId, await backend.getWorkflowHistory(rootId));
  return refusal ? { refusal } : { ids };
}
