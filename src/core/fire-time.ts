// When a durable timer or a scheduled start may fire. Every store and the wire hold an instant only within
// google.protobuf.Timestamp's range (up to 9999-12-31): an Invalid Date or a year-275760 instant would be
// rejected by SQLite/PostgreSQL on every retry of the turn, or sit at the top of the memory backend's heap.
import { InvalidArgumentError } from '../errors.js';

/** The latest instant a timer or a scheduled start may have: 9999-12-31T23:59:59.999Z. */
export const MAX_FIRE_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Returns the Date when it is valid and no later than MAX_FIRE_AT_MS; otherwise InvalidArgumentError(field). */
export function validateFireAt(value: unknown, field: string): Date {
  if (!(value instanceof Date)) throw new InvalidArgumentError(field, `must be a Date, got ${typeof value}`);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new InvalidArgumentError(field, 'is an invalid Date');
  if (ms > MAX_FIRE_AT_MS) throw new InvalidArgumentError(field, `${value.toISOString()} is after 9999-12-31, the latest instant a timer can have`);
  return value;
}

/** A delay in ms: a finite number >= 0 (Infinity is not a delay: callers that mean "forever" check it first). */
export function validateDelayMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(field, `must be a finite number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}

/** The instant `delayMs` after `now`, validated as a fire time. */
export function fireAtAfter(now: Date, delayMs: unknown, field: string): Date {
  return validateFireAt(new Date(now.getTime() + validateDelayMs(delayMs, field)), field);
}
