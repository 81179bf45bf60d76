// Purges at the end of a run, each checked against the model: exactly the instances it must remove are gone,
// every other instance is still there (a cascade touches only engine-made children, never a detached spawn or
// an unrelated instance), and the count returned is the number removed.
import type { Backend } from '../../src/backends/backend.js';
import { isTerminalStatus, type RuntimeStatus } from '../../src/protocol/status.js';
import type { Client } from '../../src/runtime/client.js';
import type { EndOps } from './arbitraries.js';
import { purgeSet } from './model.js';
import { originOf } from './driver.js';
import type { Tracked } from './verify.js';

/** The tracked instances that still exist, by origin. */
async function existing(backend: Backend, tracked: Map<string, Tracked>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [origin, t] of tracked) if (await backend.getWorkflowMetadata(t.id)) out.add(origin);
  return out;
}

async function checkRemoval(
  backend: Backend,
  tracked: Map<string, Tracked>,
  before: Set<string>,
  sure: Set<string>,
  maybe: Set<string>,
  count: number,
  what: string,
): Promise<string[]> {
  const problems: string[] = [];
  const after = await existing(backend, tracked);
  for (const origin of before) {
    const id = tracked.get(origin)!.id;
    if (sure.has(origin) && after.has(origin)) problems.push(`${what}: ${id} should be purged and is not`);
    if (!sure.has(origin) && !maybe.has(origin) && !after.has(origin)) problems.push(`${what}: ${id} was purged but must not be`);
  }
  const removed = [...before].filter((o) => !after.has(o)).length;
  if (removed !== count) problems.push(`${what}: returned ${count}, removed ${removed}`);
  return problems;
}

export async function runPurges(client: Client, backend: Backend, tracked: Map<string, Tracked>, rootIds: string[], end: EndOps): Promise<string[]> {
  const problems: string[] = [];
  const all = [...tracked.values()].map((t) => t.expected);
  for (const p of end.purges) {
    const rootId = rootIds[p.root]!;
    const before = await existing(backend, tracked);
    if (!before.has(rootId)) continue;
    const { sure, maybe } = purgeSet(all, rootId, p.recursive);
    const count = await client.purgeWorkflow(tracked.get(rootId)!.id, { recursive: p.recursive });
    problems.push(...(await checkRemoval(backend, tracked, before, sure, maybe, count, `purgeWorkflow(${rootId}, recursive ${p.recursive})`)));
  }
  if (end.filter) {
    const { statuses, recursive } = end.filter;
    const before = await existing(backend, tracked);
    const sure = new Set<string>();
    const maybe = new Set<string>();
    for (const origin of before) {
      if (!statuses.includes(tracked.get(origin)!.expected.status)) continue;
      const set = purgeSet(all, origin, recursive);
      for (const o of set.sure) sure.add(o);
      for (const o of set.maybe) maybe.add(o);
    }
    for (const o of sure) maybe.delete(o);
    const result = await client.purgeWorkflows({ statuses }, { recursive });
    if (result.skipped.length > 0) problems.push(`purgeWorkflows skipped ${JSON.stringify(result.skipped)} with nothing live`);
    const count = result.deletedInstanceCount;
    problems.push(...(await checkRemoval(backend, tracked, before, sure, maybe, count, `purgeWorkflows([${statuses.join(',')}], recursive ${recursive})`)));
  }
  return problems;
}

/**
 * A filter of only non-terminal statuses purges nothing (issue 11 item 2). Live instances may still create
 * spawns meanwhile, so the check is that every instance listed before is still there, not that the count holds.
 */
export async function purgeNonTerminalFilter(client: Client, backend: Backend, statuses: RuntimeStatus[]): Promise<string[]> {
  const before = (await backend.listWorkflows({ pageSize: 10_000 })).instances.map((m) => m.instanceId);
  const count = (await client.purgeWorkflows({ statuses })).deletedInstanceCount;
  const after = new Set((await backend.listWorkflows({ pageSize: 10_000 })).instances.map((m) => m.instanceId));
  const gone = before.filter((id) => !after.has(id));
  return count === 0 && gone.length === 0 ? [] : [`purgeWorkflows([${statuses.join(',')}]) purged ${count} (gone: ${gone.join(', ') || 'none'}), expected none`];
}

/**
 * A filter purge while a finished parent has a live child must not throw and must keep every live instance
 * (issue 11 item 8). Returns the origins it removed, which later checks no longer expect.
 */
export async function purgeAroundLiveChildren(client: Client, backend: Backend): Promise<{ problems: string[]; removed: Set<string> }> {
  const before = new Map<string, { status: RuntimeStatus; origin?: string }>();
  for (const m of (await backend.listWorkflows({ pageSize: 10_000, includePayloads: true })).instances) {
    before.set(m.instanceId, { status: m.runtimeStatus, origin: originOf(m.input) });
  }
  const removed = new Set<string>();
  try {
    await client.purgeWorkflows({ statuses: ['TERMINATED'] });
  } catch (error) {
    return { problems: [`purgeWorkflows([TERMINATED]) with a live child threw: ${(error as Error).message}`], removed };
  }
  const after = new Set((await backend.listWorkflows({ pageSize: 10_000 })).instances.map((m) => m.instanceId));
  const problems: string[] = [];
  for (const [id, m] of before) {
    if (after.has(id)) continue;
    if (m.origin) removed.add(m.origin);
    if (!isTerminalStatus(m.status)) problems.push(`purgeWorkflows([TERMINATED]) removed live ${id}`);
  }
  return { problems, removed };
}
