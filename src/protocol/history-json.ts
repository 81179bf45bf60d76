// The JSON form of a history for people and files: what `durabletask export` writes (one instance per line)
// and `show --history --json` prints. Events in history order, instants as ISO 8601 strings. Reading it back
// validates each event's tag and instants, naming the field that is wrong.
import { InvalidArgumentError } from '../errors.js';
import { reviveDates } from './codec.js';
import type { HistoryEvent, HistoryEventType } from './history.js';
import type { RuntimeStatus } from './status.js';

/** One exported instance: a line of `durabletask export`. */
export interface ExportedHistory {
  instanceId: string;
  name: string;
  runtimeStatus?: RuntimeStatus;
  history: HistoryEvent[];
}

const EVENT_TYPES: ReadonlySet<string> = new Set<HistoryEventType>([
  'executionStarted', 'executionCompleted', 'executionTerminated', 'taskScheduled', 'taskCompleted', 'taskFailed',
  'childWorkflowInstanceCreated', 'childWorkflowInstanceCompleted', 'childWorkflowInstanceFailed', 'timerCreated',
  'timerFired', 'workflowStarted', 'workflowCompleted', 'eventSent', 'eventRaised', 'continueAsNew',
  'executionSuspended', 'executionResumed', 'executionStalled', 'detachedWorkflowInstanceCreated',
]);

/**
 * The history as plain JSON values in history order, each event's fields in the protocol's order (eventId,
 * timestamp, the event type, then its own fields) and instants as ISO strings.
 */
export function historyToJson(history: readonly HistoryEvent[]): unknown[] {
  return history.map((event) => {
    const { eventId, timestamp, type, ...fields } = event;
    return JSON.parse(JSON.stringify({ eventId, timestamp, type, ...fields })) as unknown;
  });
}

/** One line of `durabletask export`. */
export function exportedHistoryLine(entry: ExportedHistory): string {
  return JSON.stringify({ instanceId: entry.instanceId, name: entry.name, runtimeStatus: entry.runtimeStatus, history: historyToJson(entry.history) });
}

/** Events from their JSON form, validated; `field` names the list in errors. */
export function historyFromJson(value: unknown, field = 'history'): HistoryEvent[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, 'must be an array of history events');
  return value.map((raw: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new InvalidArgumentError(at, 'must be an object');
    const event = { ...(raw as Record<string, unknown>) };
    if (typeof event.type !== 'string' || !EVENT_TYPES.has(event.type)) throw new InvalidArgumentError(`${at}.type`, `'${String(event.type)}' is not a history event type`);
    if (typeof event.eventId !== 'number') throw new InvalidArgumentError(`${at}.eventId`, 'must be a number');
    reviveDates(event as unknown as HistoryEvent);
    for (const key of ['timestamp', 'fireAt', 'scheduledStartTimestamp']) {
      const date = event[key];
      if (date !== undefined && !(date instanceof Date && !Number.isNaN(date.getTime()))) throw new InvalidArgumentError(`${at}.${key}`, 'is not a valid instant');
    }
    return event as unknown as HistoryEvent;
  });
}

/**
 * Histories from text: the lines of `durabletask export` (JSON Lines), or one JSON document that is an exported
 * instance, the `{ state, history }` of `show --history --json`, or a bare array of events.
 */
export function parseHistories(text: string, source = 'input'): ExportedHistory[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    // Not one document: JSON Lines, each line one instance.
    return trimmed
      .split('\n')
      .map((line, i) => [line, `${source} line ${i + 1}`] as const)
      .filter(([line]) => line.trim() !== '')
      .map(([line, where]) => toExported(parseLine(line, where), where));
  }
  return [toExported(whole, source)];
}

function parseLine(line: string, where: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new InvalidArgumentError(where, `is not JSON: ${(error as Error).message}`);
  }
}

function toExported(value: unknown, where: string): ExportedHistory {
  if (Array.isArray(value)) return described(historyFromJson(value, `${where}: history`));
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(where, 'must be an exported instance, a { state, history } object or an array of events');
  const doc = value as { instanceId?: unknown; name?: unknown; runtimeStatus?: unknown; history?: unknown; state?: Record<string, unknown> };
  const history = historyFromJson(doc.history, `${where}: history`);
  const fromState = doc.state ?? {};
  const base = described(history);
  return {
    instanceId: typeof doc.instanceId === 'string' ? doc.instanceId : typeof fromState.instanceId === 'string' ? fromState.instanceId : base.instanceId,
    name: typeof doc.name === 'string' ? doc.name : base.name,
    runtimeStatus: (doc.runtimeStatus ?? fromState.runtimeStatus) as RuntimeStatus | undefined,
    history,
  };
}

/** Instance ID and workflow name as the history's ExecutionStarted records them. */
function described(history: HistoryEvent[]): ExportedHistory {
  const start = history.find((e) => e.type === 'executionStarted');
  return {
    instanceId: start?.type === 'executionStarted' ? start.workflowInstance.instanceId : '',
    name: start?.type === 'executionStarted' ? start.name : '',
    history,
  };
}
