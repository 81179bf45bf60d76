// Small helpers shared by the wire mappers: presence rules between proto3 fields and our optional properties.
import { InvalidArgumentError } from '../../errors.js';

/** Drops undefined-valued keys so mapped objects deep-equal ones built without those keys. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** proto3 plain strings have no presence: '' on the wire is "not set" in our model. */
export function emptyToUndefined(value: string): string | undefined {
  return value === '' ? undefined : value;
}

/** Maps have no presence either: an empty map is "no tags". */
export function tagsFromWire(tags: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(tags).length === 0 ? undefined : { ...tags };
}

export function tagsToWire(tags: Record<string, string> | undefined): Record<string, string> {
  return tags === undefined ? {} : { ...tags };
}

/** A mandatory string field of a message that crossed a process boundary. */
export function requireNonEmpty(value: string, field: string): string {
  if (value === '') throw new InvalidArgumentError(field, 'is required and must not be empty');
  return value;
}

export function requirePresent<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new InvalidArgumentError(field, 'is required');
  return value;
}
