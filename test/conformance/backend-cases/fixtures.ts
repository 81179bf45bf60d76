// Builders shared by the backend conformance cases: start events, turn results, and a helper that
// gives each case a fresh backend and always closes it.
import assert from 'node:assert/strict';
import type { Backend, InstanceUpdate, TurnResult, WorkflowWorkItem } from '../../../src/backends/backend.js';
import { newEvent, type ExecutionStartedEvent, type HistoryEvent } from '../../../src/protocol/history.js';

export type MakeBackend = () => Promise<Backend>;

export const WORKER = 'conformance,1,worker';
/** Long enough never to expire within a case. */
export const LEASE_MS = 30_000;
/** Short enough to expire within a case. */
export const SHORT_LEASE_MS = 60;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withBackend(makeBackend: MakeBackend, body: (backend: Backend) => Promise<void>): Promise<void> {
  const backend = await makeBackend();
  try {
    await body(backend);
  } finally {
    await backend.close();
  }
}

export function startEvent(instanceId: string, fields: Partial<Omit<ExecutionStartedEvent, 'type'>> = {}): ExecutionStartedEvent {
  return newEvent('executionStarted', fields.timestamp ?? new Date(), {
    name: 'OrderWorkflow',
    input: '{"order":1}',
    workflowInstance: { instanceId, executionId: `exec-${instanceId}` },
    ...fields,
  });
}

export function raised(name: string, input?: string): HistoryEvent {
  // No `input: undefined` key: storage that round-trips through JSON would drop it.
  return newEvent('eventRaised', new Date(), input === undefined ? { name } : { name, input });
}

export function turn(fields: Partial<TurnResult> = {}): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [], ...fields };
}

/** What a turn of the instance started by `start` changes in its row (RUNNING unless told). */
export function instanceUpdate(_start: ExecutionStartedEvent, fields: Partial<InstanceUpdate> = {}): InstanceUpdate {
  return { runtimeStatus: 'RUNNING', ...fields };
}

/** The row fields of a new generation started by `start` (continue-as-new). */
export function generationOf(start: ExecutionStartedEvent): NonNullable<InstanceUpdate['generation']> {
  return {
    name: start.name,
    executionId: start.workflowInstance.executionId ?? '',
    input: start.input,
    parentInstanceId: start.parentInstance?.workflowInstance?.instanceId,
    version: start.version,
    tags: start.tags,
  };
}

export async function lockWorkflow(backend: Backend, options: { leaseMs?: number; maxEvents?: number } = {}): Promise<WorkflowWorkItem | undefined> {
  return backend.lockWorkflowWorkItem({ lockedBy: WORKER, leaseMs: options.leaseMs ?? LEASE_MS, maxEvents: options.maxEvents });
}

/** Locks the next work item and checks it belongs to `instanceId`. */
export async function lockExpecting(backend: Backend, instanceId: string, options: { leaseMs?: number; maxEvents?: number } = {}): Promise<WorkflowWorkItem> {
  const item = await lockWorkflow(backend, options);
  assert.ok(item, `expected a work item for '${instanceId}', got none`);
  assert.equal(item.instanceId, instanceId);
  return item;
}

/** Creates an instance and runs its first turn: it is RUNNING with [ExecutionStarted] as history, inbox empty. */
export async function startRunning(backend: Backend, instanceId: string, fields: Partial<Omit<ExecutionStartedEvent, 'type'>> = {}): Promise<ExecutionStartedEvent> {
  const start = startEvent(instanceId, fields);
  await backend.createWorkflowInstance(start);
  const item = await lockExpecting(backend, instanceId);
  await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate(start) }));
  return start;
}

/** Creates an instance and runs it to COMPLETED in one turn. */
export async function startCompleted(backend: Backend, instanceId: string, fields: Partial<Omit<ExecutionStartedEvent, 'type'>> = {}): Promise<ExecutionStartedEvent> {
  const start = startEvent(instanceId, fields);
  await backend.createWorkflowInstance(start);
  const item = await lockExpecting(backend, instanceId);
  const done = newEvent('executionCompleted', new Date(), { workflowStatus: 'COMPLETED', result: '"done"' });
  await backend.completeWorkflowWorkItem(
    item,
    turn({ newHistory: [...item.newEvents, done], instance: instanceUpdate(start, { runtimeStatus: 'COMPLETED', output: '"done"', completedAt: new Date() }) }),
  );
  return start;
}

export function types(events: HistoryEvent[]): string[] {
  return events.map((event) => event.type);
}

export function taskScheduled(eventId: number, name = 'Charge'): HistoryEvent & { type: 'taskScheduled' } {
  return newEvent('taskScheduled', new Date(), { eventId, name, input: `{"n":${eventId}}`, taskExecutionId: `task-${eventId}` });
}
