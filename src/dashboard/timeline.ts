// The Gantt chart of one instance, derived from its history alone (pure: the caller passes "now").
// One row per durable call: an activity with all its attempts and the retry delays between them, a child
// workflow with its retries, a timer, an event wait (its timeout timer, and the event that ended it), a
// detached spawn, an event sent. Each segment names the history events behind it.
import type { FailureDetails } from '../protocol/common.js';
import type { HistoryEvent, TimerCreatedEvent } from '../protocol/history.js';
import type { SourceLocationJson, TimelineJson, TimelineRow, TimelineSegment } from './api-types.js';

interface Indexed<E extends HistoryEvent = HistoryEvent> {
  event: E;
  index: number;
}

const iso = (d: Date) => d.toISOString();

function failureText(failure: FailureDetails | undefined): string | undefined {
  return failure ? `${failure.errorType}: ${failure.errorMessage}` : undefined;
}

function sourceOf(event: HistoryEvent): SourceLocationJson | undefined {
  const source = (event as { source?: SourceLocationJson }).source;
  return source && typeof source.file === 'string' && typeof source.line === 'number' ? source : undefined;
}

/** Builds the rows in the order their first call was made. */
export function buildTimeline(history: readonly HistoryEvent[], now: Date): TimelineJson {
  const rows: TimelineRow[] = [];
  const byKey = new Map<string, TimelineRow>();
  const row = (key: string, init: () => Omit<TimelineRow, 'key' | 'segments'>): TimelineRow => {
    let r = byKey.get(key);
    if (!r) {
      r = { key, segments: [], ...init() };
      byKey.set(key, r);
      rows.push(r);
    }
    return r;
  };
  // A completion names its call by the call's event id (the sequence number); timers by timerId.
  const openTasks = new Map<number, TimelineSegment>();
  const openTimers = new Map<number, { segment: TimelineSegment; created: TimerCreatedEvent }>();
  const openWaits = new Map<string, TimelineSegment[]>();
  let finishedAt: Date | undefined;

  history.forEach((event, index) => {
    const at = iso(event.timestamp);
    switch (event.type) {
      case 'taskScheduled': {
        const r = row(`activity:${event.taskExecutionId || event.eventId}`, () => ({ kind: 'activity', label: event.name, source: sourceOf(event) }));
        const segment: TimelineSegment = { kind: 'attempt', start: at, outcome: 'running', events: [index] };
        r.segments.push(segment);
        openTasks.set(event.eventId, segment);
        break;
      }
      case 'childWorkflowInstanceCreated': {
        const first = event.retryParentInstanceId ?? event.instanceId;
        const r = row(`child:${first}`, () => ({ kind: 'child', label: event.name, source: sourceOf(event) }));
        const segment: TimelineSegment = { kind: 'attempt', start: at, outcome: 'running', events: [index], instanceId: event.instanceId };
        r.segments.push(segment);
        openTasks.set(event.eventId, segment);
        break;
      }
      case 'taskCompleted':
      case 'childWorkflowInstanceCompleted':
        close(openTasks, event.taskScheduledId, index, at, 'completed');
        break;
      case 'taskFailed':
      case 'childWorkflowInstanceFailed':
        close(openTasks, event.taskScheduledId, index, at, 'failed', failureText(event.failureDetails));
        break;
      case 'timerCreated':
        openTimer({ event, index }, at);
        break;
      case 'timerFired': {
        const open = openTimers.get(event.timerId);
        if (!open) break;
        openTimers.delete(event.timerId);
        const { segment, created } = open;
        if (segment.end !== undefined) {
          segment.events.push(index); // the event won; the timeout fired later and changed nothing
          break;
        }
        // A TimerFired is written when the timer is created; it happened when it became visible, at fireAt.
        segment.end = iso(new Date(Math.max(event.fireAt.getTime(), Date.parse(segment.start))));
        segment.events.push(index);
        segment.outcome = created.origin?.kind === 'externalEvent' ? 'timedOut' : 'fired';
        if (created.origin?.kind === 'externalEvent') removeWait(openWaits, created.origin.name, segment);
        break;
      }
      case 'eventRaised': {
        const waits = openWaits.get(event.name.toLowerCase());
        const waiting = waits?.shift();
        if (waiting) {
          waiting.end = at;
          waiting.outcome = 'received';
          waiting.events.push(index);
        } else {
          const r = row(`event:${event.name.toLowerCase()}`, () => ({ kind: 'event', label: `event ${event.name}` }));
          r.segments.push({ kind: 'received', start: at, end: at, outcome: 'received', events: [index] });
        }
        break;
      }
      case 'detachedWorkflowInstanceCreated': {
        const r = row(`detached:${event.instanceId}`, () => ({ kind: 'detached', label: `spawn ${event.instanceId}`, source: sourceOf(event) }));
        r.segments.push({ kind: 'spawn', start: at, end: at, outcome: 'spawned', events: [index], instanceId: event.instanceId });
        break;
      }
      case 'eventSent': {
        const r = row(`signal:${event.eventId}`, () => ({ kind: 'signal', label: `send ${event.name} → ${event.instanceId}`, source: sourceOf(event) }));
        r.segments.push({ kind: 'spawn', start: at, end: at, outcome: 'spawned', events: [index], instanceId: event.instanceId });
        break;
      }
      case 'executionCompleted':
        finishedAt = event.timestamp;
        break;
      default:
        break;
    }
  });

  function close(open: Map<number, TimelineSegment>, id: number, index: number, at: string, outcome: 'completed' | 'failed', detail?: string): void {
    const segment = open.get(id);
    if (!segment) return;
    open.delete(id);
    segment.end = at;
    segment.outcome = outcome;
    segment.events.push(index);
    if (detail) segment.detail = detail;
  }

  function openTimer({ event, index }: Indexed<TimerCreatedEvent>, at: string): void {
    const origin = event.origin;
    const fireAt = iso(event.fireAt);
    let r: TimelineRow;
    let segment: TimelineSegment;
    if (origin?.kind === 'activityRetry') {
      r = row(`activity:${origin.taskExecutionId}`, () => ({ kind: 'activity', label: event.name ?? 'activity' }));
      segment = { kind: 'retryDelay', start: at, outcome: 'running', events: [index], detail: `retry at ${fireAt}` };
    } else if (origin?.kind === 'childWorkflowRetry') {
      r = row(`child:${origin.instanceId}`, () => ({ kind: 'child', label: event.name ?? 'child workflow' }));
      segment = { kind: 'retryDelay', start: at, outcome: 'running', events: [index], detail: `retry at ${fireAt}` };
    } else if (origin?.kind === 'externalEvent') {
      r = row(`wait:${event.eventId}`, () => ({ kind: 'event', label: `wait for ${origin.name}`, source: sourceOf(event) }));
      segment = { kind: 'wait', start: at, outcome: 'running', events: [index], detail: `times out at ${fireAt}` };
      const key = origin.name.toLowerCase();
      openWaits.set(key, [...(openWaits.get(key) ?? []), segment]);
    } else {
      r = row(`timer:${event.eventId}`, () => ({ kind: 'timer', label: event.name ? `timer ${event.name}` : 'timer', source: sourceOf(event) }));
      segment = { kind: 'timer', start: at, outcome: 'running', events: [index], detail: `fires at ${fireAt}` };
    }
    r.segments.push(segment);
    openTimers.set(event.eventId, { segment, created: event });
  }

  const first = history[0]?.timestamp ?? now;
  const end = finishedAt ?? now;
  return { start: iso(first), end: iso(end < first ? first : end), finished: finishedAt !== undefined, rows };
}

function removeWait(waits: Map<string, TimelineSegment[]>, name: string, segment: TimelineSegment): void {
  const key = name.toLowerCase();
  const list = waits.get(key);
  if (list) waits.set(key, list.filter((s) => s !== segment));
}
