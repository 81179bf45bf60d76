// Text output of the CLI: aligned tables, instance state blocks and history timelines. Pure functions
// from data to lines, so tests and commands share them and nothing here touches the terminal.
import type { FailureDetails, Payload } from '../protocol/common.js';
import type { HistoryEvent } from '../protocol/history.js';
import type { WorkflowState } from '../runtime/workflow-state.js';

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function formatTime(date: Date | undefined): string {
  return date ? date.toISOString() : '-';
}

/** "+0.000s", "+12.345s", "+3m04.5s", "+2h05m": offsets within a history, readable at a glance. */
export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(ms);
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)}s`;
  if (abs < 3_600_000) {
    const minutes = Math.floor(abs / 60_000);
    return `${sign}${minutes}m${((abs % 60_000) / 1000).toFixed(1).padStart(4, '0')}s`;
  }
  const hours = Math.floor(abs / 3_600_000);
  return `${sign}${hours}h${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}

/** A JSON payload on one line, cut to maxChars so a timeline stays one line per event. */
export function formatPayload(payload: Payload, maxChars = 80): string {
  if (payload === undefined || payload === '') return '';
  const flat = payload.replace(/\s*\n\s*/g, ' ');
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

/** "Type: message" then one "caused by" line per inner failure. */
export function formatFailure(failure: FailureDetails): string[] {
  const lines: string[] = [];
  let current: FailureDetails | undefined = failure;
  for (let depth = 0; current && depth < 20; depth++, current = current.innerFailure) {
    const text = `${current.errorType}: ${current.errorMessage}${current.isNonRetriable ? ' (non-retriable)' : ''}`;
    lines.push(depth === 0 ? text : `${'  '.repeat(depth)}caused by ${text}`);
  }
  return lines;
}

function oneLineFailure(failure: FailureDetails | undefined): string {
  return failure ? `${failure.errorType}: ${failure.errorMessage}`.replace(/\s*\n\s*/g, ' ') : 'failed';
}

/** The state block of `show`: one "Label: value" per known fact, nothing for absent ones. */
export function formatState(state: WorkflowState): string[] {
  const rows: [string, string | undefined][] = [
    ['Instance', state.instanceId],
    ['Name', state.name],
    ['Status', state.runtimeStatus],
    ['Execution', state.executionId],
    ['Parent', state.parentInstanceId],
    ['Created', formatTime(state.createdAt)],
    ['Scheduled', state.scheduledStartAt && formatTime(state.scheduledStartAt)],
    ['Started', state.startedAt && formatTime(state.startedAt)],
    ['Updated', formatTime(state.lastUpdatedAt)],
    ['Completed', state.completedAt && formatTime(state.completedAt)],
    ['Tags', state.tags && Object.keys(state.tags).length > 0 ? Object.entries(state.tags).map(([k, v]) => `${k}=${v}`).join(', ') : undefined],
    ['Input', state.serializedInput],
    ['Output', state.serializedOutput],
    ['Custom status', state.serializedCustomStatus],
  ];
  const width = 'Custom status'.length + 1;
  const lines = rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
  if (state.failureDetails) {
    const [first, ...inner] = formatFailure(state.failureDetails);
    lines.push(`${'Failure:'.padEnd(width)} ${first}`, ...inner.map((l) => `${' '.repeat(width + 1)}${l}`));
  }
  for (const warning of state.warnings ?? []) lines.push(`${'Warning:'.padEnd(width)} ${warning}`);
  return lines;
}

/** The JSON shape of a state: decoded payloads only (the serialized copies would say everything twice). */
export function stateToJson(state: WorkflowState): Record<string, unknown> {
  const { serializedInput: _i, serializedOutput: _o, serializedCustomStatus: _c, ...rest } = state;
  return rest;
}

/** PascalCase protocol name of an event: 'taskScheduled' -> 'TaskScheduled'. */
export function eventTypeName(event: HistoryEvent): string {
  return event.type.charAt(0).toUpperCase() + event.type.slice(1);
}

function withPayload(text: string, payload: Payload, label = ''): string {
  const shown = formatPayload(payload);
  return shown ? `${text}${text ? ' ' : ''}${label}${shown}` : text;
}

/** The key facts of one event: what a reader needs to follow the workflow without the raw JSON. */
export function eventFacts(event: HistoryEvent): string {
  switch (event.type) {
    case 'executionStarted': {
      const parent = event.parentInstance?.workflowInstance?.instanceId;
      const text = `${event.name}${parent ? ` parent ${parent}` : ''}${event.scheduledStartTimestamp ? ` start at ${formatTime(event.scheduledStartTimestamp)}` : ''}`;
      return withPayload(text, event.input, 'input ');
    }
    case 'executionCompleted':
      return event.workflowStatus === 'FAILED' || event.failureDetails
        ? `${event.workflowStatus} ${oneLineFailure(event.failureDetails)}`
        : withPayload(event.workflowStatus, event.result, 'result ');
    case 'executionTerminated':
      return withPayload(event.recurse ? 'recursive' : 'not recursive', event.input, 'output ');
    case 'taskScheduled':
      return withPayload(`activity ${event.name} (task ${event.eventId})`, event.input, 'input ');
    case 'taskCompleted':
      return withPayload(`task ${event.taskScheduledId} completed`, event.result, 'result ');
    case 'taskFailed':
      return `task ${event.taskScheduledId} failed ${oneLineFailure(event.failureDetails)}`;
    case 'childWorkflowInstanceCreated':
      return withPayload(`child ${event.instanceId} ${event.name} (task ${event.eventId})`, event.input, 'input ');
    case 'childWorkflowInstanceCompleted':
      return withPayload(`child task ${event.taskScheduledId} completed`, event.result, 'result ');
    case 'childWorkflowInstanceFailed':
      return `child task ${event.taskScheduledId} failed ${oneLineFailure(event.failureDetails)}`;
    case 'timerCreated':
      return `timer (task ${event.eventId}) fires at ${formatTime(event.fireAt)}${event.name ? ` ${event.name}` : ''}`;
    case 'timerFired':
      return `timer ${event.timerId} fired (due ${formatTime(event.fireAt)})`;
    case 'eventSent':
      return withPayload(`event ${event.name} to ${event.instanceId}`, event.input, 'data ');
    case 'eventRaised':
      return withPayload(`event ${event.name}`, event.input, 'data ');
    case 'continueAsNew':
      return withPayload('', event.input, 'input ');
    case 'executionSuspended':
    case 'executionResumed':
      return withPayload('', event.input, 'reason ');
    case 'executionStalled':
      return `${event.reason}${event.description ? ` ${event.description}` : ''}`;
    case 'detachedWorkflowInstanceCreated':
      return `detached ${event.instanceId} (task ${event.eventId})`;
    case 'executionRewound':
      return withPayload('', event.reason, 'reason ');
    case 'workflowStarted':
      return event.version?.patches.length ? `patches ${event.version.patches.join(', ')}` : '';
    case 'workflowCompleted':
      return '';
  }
}

/**
 * One line per event: index, time since the earliest event, type, key facts. Events keep the time they
 * were created (an ExecutionStarted predates the turn that records it), so the base is the minimum.
 */
export function formatTimeline(history: HistoryEvent[]): string[] {
  if (history.length === 0) return ['(no history)'];
  const start = history.reduce((min, e) => Math.min(min, e.timestamp.getTime()), Infinity);
  const rows = history.map((event, index) => [
    String(index),
    formatOffset(event.timestamp.getTime() - start),
    eventTypeName(event),
    eventFacts(event),
  ]);
  return formatTable(['#', 'TIME', 'EVENT', 'DETAILS'], rows);
}
