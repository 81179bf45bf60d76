// The end-of-run comparison of the hub with the model: every predicted instance exists once (found by its
// origin), nothing unpredicted exists, each ends in its predicted status and output with a well-formed history,
// and every activity of a completed instance ran at least once.
import type { Backend } from '../../src/backends/backend.js';
import type { WorkflowMetadata } from '../../src/protocol/metadata.js';
import { historyProblems, listAll, outcomeProblems } from './checks.js';
import { originOf } from './driver.js';
import type { Expected } from './model.js';

/** An expected instance and the real instance found for it. */
export interface Tracked {
  expected: Expected;
  id: string;
}

export interface Verified {
  problems: string[];
  /** By origin: the instances found. */
  tracked: Map<string, Tracked>;
  instances: WorkflowMetadata[];
}

export async function verifyHub(backend: Backend, expected: readonly Expected[], runs: ReadonlyMap<string, number>, pageSize: number): Promise<Verified> {
  const listing = await listAll(backend, { pageSize, includePayloads: true });
  const problems = [...listing.problems];
  const byOrigin = new Map<string, WorkflowMetadata[]>();
  for (const m of listing.instances) {
    // A listing may omit payloads; the metadata read always has them.
    const full = (await backend.getWorkflowMetadata(m.instanceId)) ?? m;
    const origin = originOf(full.input) ?? `?${m.instanceId}`;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), full]);
  }
  const tracked = new Map<string, Tracked>();
  const known = new Set(expected.map((e) => e.origin));
  for (const [origin, ms] of byOrigin) {
    if (!known.has(origin)) problems.push(`unexpected instance(s) ${ms.map((m) => `${m.instanceId} ${m.runtimeStatus}`).join(', ')} (origin ${origin})`);
  }
  for (const e of expected) {
    const found = byOrigin.get(e.origin) ?? [];
    if (found.length > 1) problems.push(`${e.origin}: ${found.length} instances (${found.map((m) => m.instanceId).join(', ')})`);
    if (found.length === 0) {
      if (!e.optional) problems.push(`${e.origin}${e.id ? ` (${e.id})` : ''}: missing, expected ${e.status}`);
      continue;
    }
    tracked.set(e.origin, { expected: e, id: found[0]!.instanceId });
  }
  for (const { expected: e, id } of tracked.values()) {
    const m = byOrigin.get(e.origin)![0]!;
    const parentId = e.parent === undefined ? undefined : tracked.get(e.parent)?.id;
    problems.push(...outcomeProblems(e, m, parentId));
    const history = await backend.getWorkflowHistory(id);
    problems.push(...historyProblems(id, history, m));
    if (m.runtimeStatus === 'COMPLETED') {
      for (const ev of history) {
        if (ev.type === 'taskScheduled' && !runs.has(`${id} ${ev.eventId}`)) problems.push(`${id}: activity task ${ev.eventId} completed but never ran`);
      }
    }
  }
  for (const status of ['COMPLETED', 'FAILED', 'TERMINATED'] as const) {
    const filtered = await listAll(backend, { pageSize, statuses: [status] });
    problems.push(...filtered.problems);
    const want = listing.instances.filter((m) => m.runtimeStatus === status).map((m) => m.instanceId).sort();
    const got = filtered.instances.map((m) => m.instanceId).sort();
    if (want.join() !== got.join()) problems.push(`listing statuses [${status}] returned ${got.length} instances, ${want.length} have that status`);
  }
  return { problems, tracked, instances: listing.instances };
}
