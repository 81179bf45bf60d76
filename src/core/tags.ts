// Tags of a new instance: string keys to string values. Checked wherever a start is built (Client, ctx).
import { InvalidArgumentError } from '../errors.js';

/** A copy of the tags when every value is a string; otherwise InvalidArgumentError naming the tag. */
export function validateTags(tags: unknown): Record<string, string> {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw new InvalidArgumentError('tags', 'must be an object of strings');
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw new InvalidArgumentError(`tags.${key}`, `must be a string, got ${typeof value}`);
  }
  return { ...(tags as Record<string, string>) };
}
