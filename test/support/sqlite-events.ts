// Builders for the SQLite backend's tests: start events and turn results with the fewest fields.
import type { InstanceUpdate, TurnResult } from '../../src/backends/backend.js';
import { newEvent, type ExecutionStartedEvent } from '../../src/protocol/history.js';
import type { RuntimeStatus } from '../../src/protocol/status.js';

export function startEvent(instanceId: string, options: { name?: string; at?: Date; startAt?: Date } = {}): ExecutionStartedEvent {
  return newEvent('executionStarted', options.at ?? new Date(), {
    name: options.name ?? 'wf',
    workflowInstance: { instanceId, executionId: `exec-${instanceId}` },
    input: '"in"',
    scheduledStartTimestamp: options.startAt,
  });
}

export function instanceUpdate(_instanceId: string, runtimeStatus: RuntimeStatus, fields: Partial<InstanceUpdate> = {}): InstanceUpdate {
  return { runtimeStatus, ...fields };
}

export function turn(fields: Partial<TurnResult> = {}): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [], ...fields };
}

export const LOCK = { lockedBy: 'test,1,x', leaseMs: 30_000 } as const;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
