// What an instance ID may be. Every boundary that takes one (the Client, ctx, the gRPC RPCs) checks it here,
// once, because each backend fails differently on a bad one: SQLite stores a lone surrogate's bytes and reads
// them back as U+FFFD (the lock never matches and the instance blocks the PENDING queue), PostgreSQL raises a raw
// driver error for NUL.
import { InvalidArgumentError } from '../errors.js';

/**
 * The longest instance ID, in UTF-16 code units (JavaScript string length). Generous enough for the IDs the
 * protocol's engines make (a UUID plus ':<hex4>' per child level; Durable Task Scheduler allows 100 characters,
 * so every ID it accepts is accepted here), and small enough that an ID (at most 3 UTF-8 bytes per code unit)
 * always fits a PostgreSQL B-tree index entry (about 2.7 kB) with room to spare.
 */
export const MAX_INSTANCE_ID_LENGTH = 512;

/**
 * Returns the ID when it is a non-empty, well-formed (no lone UTF-16 surrogate) string without NUL of at most
 * MAX_INSTANCE_ID_LENGTH code units; otherwise throws InvalidArgumentError naming `field`.
 */
export function validateInstanceId(value: unknown, field = 'instanceId'): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${typeof value}`);
  if (value === '') throw new InvalidArgumentError(field, 'must not be empty');
  if (value.length > MAX_INSTANCE_ID_LENGTH) {
    throw new InvalidArgumentError(field, `is ${value.length} characters long; the limit is ${MAX_INSTANCE_ID_LENGTH}`);
  }
  if (value.includes('\u0000')) throw new InvalidArgumentError(field, `contains a NUL character at index ${value.indexOf('\u0000')}`);
  const lone = loneSurrogateIndex(value);
  if (lone >= 0) throw new InvalidArgumentError(field, `is not well-formed Unicode: a lone UTF-16 surrogate at index ${lone}`);
  return value;
}

/** The index of the first unpaired surrogate code unit, or -1. */
function loneSurrogateIndex(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}
