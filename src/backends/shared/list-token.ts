// The listWorkflows order and its continuation token, shared by every backend so that pages mean the same
// thing everywhere: instances ordered by (createdAt, instanceId); a token names the last instance returned.
import { InvalidArgumentError } from '../../errors.js';

/** Where a page ended: the next page holds the instances strictly after this one. */
export interface ListPosition {
  createdAt: Date;
  instanceId: string;
}

/** Default page size of listWorkflows. */
export const DEFAULT_PAGE_SIZE = 100;

/** Opaque to callers: base64url of `[createdAtMs, instanceId]`. */
export function encodeListToken(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.instanceId]), 'utf8').toString('base64url');
}

/**
 * Throws InvalidArgumentError('continuationToken') for a token this module did not make. Earlier PostgreSQL
 * versions wrote the time as an ISO 8601 string (`[createdAtIso, instanceId]`); a client may still hold one
 * across an upgrade, so it decodes too.
 */
export function decodeListToken(token: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('continuationToken', 'not a token returned by listWorkflows');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string') {
    throw new InvalidArgumentError('continuationToken', 'not a token returned by listWorkflows');
  }
  const [time, instanceId] = parsed as [unknown, string];
  const createdAt = Number.isFinite(time) ? new Date(time as number) : typeof time === 'string' && ISO_TIME.test(time) ? new Date(time) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime())) {
    throw new InvalidArgumentError('continuationToken', 'not a token returned by listWorkflows');
  }
  return { createdAt, instanceId };
}

/** Date.prototype.toISOString's form, as the earlier PostgreSQL tokens held it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Negative when a comes first in listWorkflows order. */
export function compareListPosition(a: ListPosition, b: ListPosition): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}

/** Validates pageSize (a positive integer), defaulting to DEFAULT_PAGE_SIZE. */
export function resolvePageSize(pageSize: number | undefined): number {
  if (pageSize === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new InvalidArgumentError('pageSize', 'must be a positive integer');
  return pageSize;
}
