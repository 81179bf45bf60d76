// WorkflowState and history events as the API's JSON: instants as ISO strings, payloads as stored text.
import type { HistoryEvent } from '../protocol/history.js';
import type { WorkflowState } from '../runtime/workflow-state.js';
import type { HistoryEventJson, InstanceJson } from './api-types.js';

const iso = (d: Date | undefined) => d?.toISOString();

export function instanceJson(s: WorkflowState): InstanceJson {
  return {
    instanceId: s.instanceId,
    name: s.name,
    runtimeStatus: s.runtimeStatus,
    createdAt: s.createdAt.toISOString(),
    lastUpdatedAt: s.lastUpdatedAt.toISOString(),
    startedAt: iso(s.startedAt),
    completedAt: iso(s.completedAt),
    scheduledStartAt: iso(s.scheduledStartAt),
    executionId: s.executionId,
    parentInstanceId: s.parentInstanceId,
    serializedInput: s.serializedInput,
    serializedOutput: s.serializedOutput,
    serializedCustomStatus: s.serializedCustomStatus,
    failureDetails: s.failureDetails,
    tags: s.tags,
    warnings: s.warnings,
  };
}

/** Each event with its position in the history; JSON.stringify turns its Dates into ISO strings. */
export function historyJson(history: readonly HistoryEvent[]): HistoryEventJson[] {
  return history.map((event, index) => JSON.parse(JSON.stringify({ index, ...event })) as HistoryEventJson);
}
