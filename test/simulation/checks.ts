// Invariants checked after every run, as lists of problems (one run reports everything it found):
// a well-formed history (no event lost or duplicated), an instance that matches its prediction, and
// paging that returns each instance exactly once.
import { isDeepStrictEqual } from 'node:util';
import type { Backend, WorkflowQuery } from '../../src/backends/backend.js';
import { decodePayload } from '../../src/core/payload.js';
import type { HistoryEvent } from '../../src/protocol/history.js';
import type { WorkflowMetadata } from '../../src/protocol/metadata.js';
import { isTerminalStatus } from '../../src/protocol/status.js';
import type { Expected } from './model.js';

const ACTION_EVENTS = new Set<HistoryEvent['type']>(['taskScheduled', 'timerCreated', 'childWorkflowInstanceCreated', 'detachedWorkflowInstanceCreated', 'eventSent']);

/** Problems of one history, whatever the instance's status. */
export function historyProblems(id: string, history: readonly HistoryEvent[], metadata: WorkflowMetadata): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${id}: history: ${what}`);
  const starts = history.filter((e) => e.type === 'executionStarted').length;
  if (starts !== 1) say(`${starts} ExecutionStarted events`);
  const completions = history.filter((e) => e.type === 'executionCompleted');
  if (isTerminalStatus(metadata.runtimeStatus)) {
    if (completions.length !== 1) say(`${completions.length} ExecutionCompleted events in a ${metadata.runtimeStatus} instance`);
    else {
      const last = history.at(-1)!;
      if (last.type !== 'executionCompleted') say(`ExecutionCompleted is not the last event (last: ${last.type})`);
      const done = completions[0]!;
      if (done.type === 'executionCompleted' && done.workflowStatus !== metadata.runtimeStatus) {
        say(`ExecutionCompleted says ${done.workflowStatus}, the instance says ${metadata.runtimeStatus}`);
      }
    }
  } else if (completions.length > 0) say(`ExecutionCompleted in a ${metadata.runtimeStatus} instance`);

  const scheduled = new Map<string, number>();
  const actionIds = new Map<number, number>();
  const resolved = new Map<string, number>();
  history.forEach((e, index) => {
    if (ACTION_EVENTS.has(e.type)) actionIds.set(e.eventId, (actionIds.get(e.eventId) ?? 0) + 1);
    const key = scheduleKey(e);
    if (key) scheduled.set(key, index);
    const res = resolutionKey(e);
    if (!res) return;
    const at = scheduled.get(res);
    if (at === undefined) say(`${e.type} for ${res}, which was never scheduled before it`);
    resolved.set(res, (resolved.get(res) ?? 0) + 1);
  });
  for (const [eventId, n] of actionIds) if (n > 1) say(`${n} action events with eventId ${eventId}`);
  for (const [key, n] of resolved) if (n > 1) say(`${key} resolved ${n} times`);
  return problems;
}

function scheduleKey(e: HistoryEvent): string | undefined {
  if (e.type === 'taskScheduled') return `task ${e.eventId}`;
  if (e.type === 'timerCreated') return `timer ${e.eventId}`;
  if (e.type === 'childWorkflowInstanceCreated') return `child ${e.eventId}`;
  return undefined;
}

function resolutionKey(e: HistoryEvent): string | undefined {
  if (e.type === 'taskCompleted' || e.type === 'taskFailed') return `task ${e.taskScheduledId}`;
  if (e.type === 'timerFired') return `timer ${e.timerId}`;
  if (e.type === 'childWorkflowInstanceCompleted' || e.type === 'childWorkflowInstanceFailed') return `child ${e.taskScheduledId}`;
  return undefined;
}

/** Problems of an instance against its prediction. */
export function outcomeProblems(e: Expected, m: WorkflowMetadata, parentId: string | undefined): string[] {
  const problems: string[] = [];
  const say = (what: string) => problems.push(`${m.instanceId} (${e.origin}): ${what}`);
  if (e.id !== undefined && e.id !== m.instanceId) say(`ID ${m.instanceId}, expected ${e.id}`);
  if (m.runtimeStatus !== e.status) {
    say(`status ${m.runtimeStatus}, expected ${e.status}${m.failureDetails ? ` (failure: ${m.failureDetails.errorMessage})` : ''}`);
    return problems;
  }
  if (e.status === 'FAILED') {
    const message = JSON.stringify(m.failureDetails ?? {});
    if (!(e.markers ?? []).some((marker) => message.includes(marker))) say(`failure ${message} names none of ${JSON.stringify(e.markers)}`);
  } else if (e.output !== undefined || e.status === 'COMPLETED') {
    const output = decodePayload(m.output);
    if (!isDeepStrictEqual(output, e.output)) say(`output ${JSON.stringify(output)}, expected ${JSON.stringify(e.output)}`);
  }
  if (e.kind === 'detached' && m.parentInstanceId !== undefined) say(`a detached instance has parent ${m.parentInstanceId}`);
  if (parentId !== undefined && m.parentInstanceId !== parentId) say(`parent ${m.parentInstanceId}, expected ${parentId}`);
  return problems;
}

export interface Listing {
  instances: WorkflowMetadata[];
  problems: string[];
}

/** Lists every instance page by page; a page that repeats an instance or paging that never ends is a problem. */
export async function listAll(backend: Backend, query: Omit<WorkflowQuery, 'continuationToken'>, maxPages = 500): Promise<Listing> {
  const seen = new Map<string, WorkflowMetadata>();
  const problems: string[] = [];
  let token: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      problems.push(`paging (pageSize ${query.pageSize}) did not end after ${maxPages} pages`);
      break;
    }
    const result = await backend.listWorkflows({ ...query, continuationToken: token });
    for (const m of result.instances) {
      if (seen.has(m.instanceId)) problems.push(`paging (pageSize ${query.pageSize}) returned ${m.instanceId} twice`);
      seen.set(m.instanceId, m);
    }
    token = result.continuationToken;
    if (!token) break;
  }
  return { instances: [...seen.values()], problems };
}
