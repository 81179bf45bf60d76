// Why an instance's work waits: a worker locks only the names it registered, so work that no live worker
// serves stays queued. Live means a heartbeat within LIVE_WORKER_MS. Pure functions of what the backend knows.
import type { WorkerInfo } from '../backends/backend.js';
import type { HistoryEvent } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';

/** A worker is live while its last heartbeat is this recent (six missed default heartbeats). */
export const LIVE_WORKER_MS = 60_000;

/** Names of the activities the current generation scheduled that have no result yet. */
export function pendingActivityNames(history: readonly HistoryEvent[]): string[] {
  const pending = new Map<number, string>();
  for (const event of history) {
    if (event.type === 'executionStarted') pending.clear();
    else if (event.type === 'taskScheduled') pending.set(event.eventId, event.name);
    else if (event.type === 'taskCompleted' || event.type === 'taskFailed') pending.delete(event.taskScheduledId);
  }
  return [...new Set(pending.values())];
}

/**
 * Why the instance waits for a worker, or undefined when it does not (it is finished or suspended, or live
 * workers serve its workflow and its pending activities).
 */
export function waitingReason(
  instance: { name: string; runtimeStatus: RuntimeStatus },
  liveWorkers: readonly WorkerInfo[],
  pendingActivities: readonly string[] = [],
): string | undefined {
  if (instance.runtimeStatus !== 'PENDING' && instance.runtimeStatus !== 'RUNNING') return undefined;
  const seconds = LIVE_WORKER_MS / 1000;
  if (!liveWorkers.some((w) => serves(w.workflows, instance.name))) {
    return `no worker has registered workflow '${instance.name}' in the last ${seconds} s`;
  }
  const missing = pendingActivities.find((name) => !liveWorkers.some((w) => serves(w.activities, name)));
  return missing === undefined ? undefined : `no worker has registered activity '${missing}' in the last ${seconds} s`;
}

/** A worker that announced '*' (a sidecar whose SDK worker declared no filter) serves any name. */
function serves(names: readonly string[], name: string): boolean {
  return names.includes(name) || names.includes('*');
}
