// Checks a finished crash workload from the outside: every instance (roots, their children, the detached ones)
// completed with its expected output, and every history holds each event exactly once: no duplicate completion,
// no lost one. Returns problems as text instead of asserting, so one run reports everything it found.
import { isDeepStrictEqual } from 'node:util';
import type { Backend } from '../../src/backends/backend.js';
import { decodePayload } from '../../src/core/payload.js';
import type { HistoryEvent } from '../../src/protocol/history.js';
import type { PlannedInstance } from './crash-workflows.js';

export interface VerifyResult {
  problems: string[];
  /** Instances checked: roots, children and detached. */
  checked: number;
  /** Every activity some history scheduled, as "<instanceId> <taskScheduled eventId>". */
  scheduledTasks: Set<string>;
}

const ACTION_EVENTS = new Set(['taskScheduled', 'timerCreated', 'childWorkflowInstanceCreated', 'detachedWorkflowInstanceCreated', 'eventSent']);

/** Problems in one finished history (empty when it is exactly right). */
export function historyProblems(instanceId: string, history: readonly HistoryEvent[]): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${instanceId}: ${what}`);
  const count = (type: HistoryEvent['type']) => history.filter((e) => e.type === type).length;
  if (count('executionStarted') !== 1) say(`${count('executionStarted')} ExecutionStarted events`);
  if (count('executionCompleted') !== 1) say(`${count('executionCompleted')} ExecutionCompleted events`);
  else if (history.at(-1)?.type !== 'executionCompleted') say('ExecutionCompleted is not the last event');

  const actionIds = new Map<number, number>();
  const completions = new Map<string, number[]>();
  const note = (key: string, index: number) => completions.set(key, [...(completions.get(key) ?? []), index]);
  history.forEach((e, index) => {
    if (ACTION_EVENTS.has(e.type)) actionIds.set(e.eventId, (actionIds.get(e.eventId) ?? 0) + 1);
    if (e.type === 'taskCompleted' || e.type === 'taskFailed') note(`task ${e.taskScheduledId}`, index);
    if (e.type === 'timerFired') note(`timer ${e.timerId}`, index);
    if (e.type === 'childWorkflowInstanceCompleted' || e.type === 'childWorkflowInstanceFailed') note(`child ${e.taskScheduledId}`, index);
  });
  for (const [id, n] of actionIds) if (n > 1) say(`${n} action events with eventId ${id}`);

  const expected = new Map<string, number>();
  history.forEach((e, index) => {
    if (e.type === 'taskScheduled') expected.set(`task ${e.eventId}`, index);
    if (e.type === 'timerCreated') expected.set(`timer ${e.eventId}`, index);
    if (e.type === 'childWorkflowInstanceCreated') expected.set(`child ${e.eventId}`, index);
  });
  for (const [key, at] of expected) {
    const seen = completions.get(key) ?? [];
    if (seen.length === 0) say(`${key} has no completion`);
    else if (seen.length > 1) say(`${key} completed ${seen.length} times`);
    else if (seen[0]! < at) say(`${key} completed before it was scheduled`);
  }
  for (const key of completions.keys()) if (!expected.has(key)) say(`${key} completed but never scheduled`);
  return problems;
}

/** Verifies the whole workload of `plan` on the backend. */
export async function verifyWorkload(backend: Backend, plan: readonly PlannedInstance[]): Promise<VerifyResult> {
  const result: VerifyResult = { problems: [], checked: 0, scheduledTasks: new Set() };
  const check = async (instanceId: string, expected: unknown, parent?: string): Promise<HistoryEvent[]> => {
    result.checked++;
    const metadata = await backend.getWorkflowMetadata(instanceId);
    if (!metadata) {
      result.problems.push(`${instanceId}: does not exist`);
      return [];
    }
    if (metadata.runtimeStatus !== 'COMPLETED') result.problems.push(`${instanceId}: status ${metadata.runtimeStatus}`);
    const output = decodePayload(metadata.output);
    if (!isDeepStrictEqual(output, expected)) {
      result.problems.push(`${instanceId}: output ${JSON.stringify(output)}, expected ${JSON.stringify(expected)}`);
    }
    if (metadata.parentInstanceId !== parent) result.problems.push(`${instanceId}: parent ${metadata.parentInstanceId}, expected ${parent}`);
    const history = await backend.getWorkflowHistory(instanceId);
    result.problems.push(...historyProblems(instanceId, history));
    for (const e of history) if (e.type === 'taskScheduled') result.scheduledTasks.add(`${instanceId} ${e.eventId}`);
    return history;
  };
  for (const p of plan) {
    const history = await check(p.instanceId, p.expected);
    const children = history.filter((e) => e.type === 'childWorkflowInstanceCreated');
    if (children.length !== (p.hasChild ? 1 : 0)) result.problems.push(`${p.instanceId}: ${children.length} children created`);
    for (const c of children) await check(c.instanceId, (p.expected as number) - 1, p.instanceId);
    const detached = history.filter((e) => e.type === 'detachedWorkflowInstanceCreated');
    if (detached.length !== (p.detached ? 1 : 0)) result.problems.push(`${p.instanceId}: ${detached.length} detached workflows recorded`);
    if (p.detached) {
      if (detached[0] && detached[0].instanceId !== p.detached.instanceId) {
        result.problems.push(`${p.instanceId}: detached ID ${detached[0].instanceId}, expected ${p.detached.instanceId}`);
      }
      await check(p.detached.instanceId, p.detached.expected);
    }
  }
  const total = await countInstances(backend);
  if (total !== result.checked) result.problems.push(`${total} instances exist, expected exactly ${result.checked}`);
  return result;
}

async function countInstances(backend: Backend): Promise<number> {
  let total = 0;
  let continuationToken: string | undefined;
  do {
    const page = await backend.listWorkflows({ pageSize: 500, continuationToken });
    total += page.instances.length;
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return total;
}
