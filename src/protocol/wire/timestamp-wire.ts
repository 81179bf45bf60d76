// Date <-> google.protobuf.Timestamp at millisecond precision (what a JS Date holds).
// Sub-millisecond nanos from other SDKs are truncated toward the past, never rounded into the next millisecond.
import { create } from '@bufbuild/protobuf';
import { TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';
import { InvalidArgumentError } from '../../errors.js';

// Timestamp's documented range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

export function dateToTimestamp(date: Date, field = 'timestamp'): Timestamp {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(field, 'is not a valid date');
  const seconds = Math.floor(ms / 1000);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new InvalidArgumentError(field, 'is outside the range of google.protobuf.Timestamp');
  }
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 });
}

/** The Date of a timestamp the protocol requires; absent or out of range names the field. */
export function timestampToDate(ts: Timestamp | undefined, field: string): Date {
  if (ts === undefined) throw new InvalidArgumentError(field, 'is required');
  const seconds = Number(ts.seconds);
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new InvalidArgumentError(`${field}.seconds`, `${ts.seconds} is outside the range of google.protobuf.Timestamp`);
  }
  if (!Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw new InvalidArgumentError(`${field}.nanos`, `${ts.nanos} is not in [0, 999999999]`);
  }
  return new Date(seconds * 1000 + Math.floor(ts.nanos / 1_000_000));
}

export function optionalDateToTimestamp(date: Date | undefined, field: string): Timestamp | undefined {
  return date === undefined ? undefined : dateToTimestamp(date, field);
}

/**
 * An optional timestamp: absent, or zero (the empty message some SDKs send for "none", e.g. the Dapr SDK's
 * scheduledStartTimestamp on every start), is "not set"; a real 1970-01-01T00:00:00.000Z would read the same.
 */
export function optionalTimestampToDate(ts: Timestamp | undefined, field: string): Date | undefined {
  if (ts === undefined || (ts.seconds === 0n && ts.nanos === 0)) return undefined;
  return timestampToDate(ts, field);
}
