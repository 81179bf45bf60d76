// Storage encoding of history events: JSON text with the instant fields as epoch milliseconds (JSON.stringify
// of a Date costs about three times a number), revived as Dates on decode; ISO strings written by earlier
// versions decode the same. Backends store events with this codec; the gRPC wire has its own mapping in protocol/wire/.
import type { HistoryEvent } from './history.js';

export function encodeEvent(event: HistoryEvent): string {
  return JSON.stringify(withEpochInstants(event));
}

/** A shallow copy with the instant fields as epoch milliseconds (the fields reviveDates turns back). */
function withEpochInstants(event: HistoryEvent): object {
  const e = event as unknown as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...e, timestamp: (e.timestamp as Date).getTime() };
  if (e.fireAt !== undefined) copy.fireAt = (e.fireAt as Date).getTime();
  if (e.scheduledStartTimestamp !== undefined) copy.scheduledStartTimestamp = (e.scheduledStartTimestamp as Date).getTime();
  const continuation = e.continuation as { createdAt: Date } | undefined;
  if (continuation !== undefined) copy.continuation = { ...continuation, createdAt: continuation.createdAt.getTime() };
  return copy;
}

export function decodeEvent(text: string): HistoryEvent {
  const event = JSON.parse(text) as HistoryEvent & Record<string, unknown>;
  reviveDates(event);
  return event;
}

/** Encodes a list of events as one JSON array (a turn's history in one row). */
export function encodeEvents(events: readonly HistoryEvent[]): string {
  return JSON.stringify(events.map(withEpochInstants));
}

export function decodeEvents(text: string): HistoryEvent[] {
  const events = JSON.parse(text) as HistoryEvent[];
  for (const event of events) reviveDates(event);
  return events;
}

/** Turns the ISO strings JSON left in an event's instant fields back into Dates. */
export function reviveDates(event: HistoryEvent): HistoryEvent {
  const e = event as unknown as Record<string, unknown>;
  e.timestamp = new Date(e.timestamp as string | number);
  if (e.fireAt !== undefined) e.fireAt = new Date(e.fireAt as string | number);
  if (e.scheduledStartTimestamp !== undefined) e.scheduledStartTimestamp = new Date(e.scheduledStartTimestamp as string | number);
  const continuation = e.continuation as { createdAt: string | number | Date } | undefined;
  if (continuation !== undefined) continuation.createdAt = new Date(continuation.createdAt);
  return event;
}
