// The determinism gate: replays the open instances of a task hub against a candidate build's workflows and says
// which would diverge, and where. Reads only (list, history); runs no workflow turn and no activity.
import type { Backend } from '../backends/backend.js';
import type { HistoryEvent } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';
import type { Registry } from '../sdk/registry.js';
import { registryOf, replayEvents, type ReplayResult } from './replay.js';
import type { WorkflowModule } from './workflow-module.js';

/** Statuses of instances that will run again: what a deploy can break. */
export const OPEN_STATUSES: readonly RuntimeStatus[] = ['PENDING', 'RUNNING', 'SUSPENDED', 'STALLED'];

export interface CheckReplayOptions {
  /** @default OPEN_STATUSES */
  statuses?: readonly RuntimeStatus[];
  /** Check a random sample of at most this many of the matching instances. @default all of them */
  sample?: number;
  /** Source of randomness for the sample, in [0, 1). @default Math.random */
  random?: () => number;
}

export interface InstanceCheck extends ReplayResult {
  /** The version the instance is pinned to (ExecutionStarted.version), when it has one. */
  version?: string;
  /** Which code it was checked against: the build's own, or `versions[version]` of the module. */
  checkedAgainst: 'current' | 'pinned';
}

export interface CheckReplayReport {
  /** Instances matching the statuses (before sampling). */
  matched: number;
  checks: InstanceCheck[];
  /** The checks that are not 'ok'. */
  problems: InstanceCheck[];
}

export async function checkReplay(backend: Backend, module: WorkflowModule, options: CheckReplayOptions = {}): Promise<CheckReplayReport> {
  const ids = await openInstanceIds(backend, options.statuses ?? OPEN_STATUSES);
  const chosen = options.sample !== undefined && options.sample < ids.length ? sample(ids, options.sample, options.random ?? Math.random) : ids;
  const current = registryOf(module);
  const pinned = new Map(Object.entries(module.versions ?? {}).map(([version, set]) => [version, registryOf(set)]));
  const checks: InstanceCheck[] = [];
  for (const instanceId of chosen) {
    const history = await backend.getWorkflowHistory(instanceId);
    // A PENDING instance has no history yet: nothing recorded can diverge.
    if (history.length === 0) continue;
    checks.push(await checkOne(history, current, pinned));
  }
  return { matched: ids.length, checks, problems: checks.filter((c) => c.outcome !== 'ok') };
}

async function checkOne(history: HistoryEvent[], current: Registry, pinned: Map<string, Registry>): Promise<InstanceCheck> {
  const start = history.find((e) => e.type === 'executionStarted');
  // Hook for versioning: an instance pinned to a version the module ships is checked against that code.
  const version = start?.type === 'executionStarted' ? start.version : undefined;
  const registry = version !== undefined ? pinned.get(version) : undefined;
  try {
    const result = await replayEvents(registry ?? current, history);
    return { ...result, version, checkedAgainst: registry ? 'pinned' : 'current' };
  } catch (error) {
    const instanceId = start?.type === 'executionStarted' ? start.workflowInstance.instanceId : '';
    return { instanceId, name: start?.type === 'executionStarted' ? start.name : '', outcome: 'invalid', error: error as Error, version, checkedAgainst: 'current' };
  }
}

async function openInstanceIds(backend: Backend, statuses: readonly RuntimeStatus[]): Promise<string[]> {
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await backend.listWorkflows({ statuses: [...statuses], pageSize: 500, continuationToken });
    for (const instance of page.instances) ids.push(instance.instanceId);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return ids;
}

/** n distinct items, in their original order (partial Fisher-Yates over indexes). */
function sample<T>(items: T[], n: number, random: () => number): T[] {
  const indexes = items.map((_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (indexes.length - i));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return indexes
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
