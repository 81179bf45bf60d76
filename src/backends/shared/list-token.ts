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

/** Throws InvalidArgumentError('continuationToken') for a token this module did not make. */
export function decodeListToken(token: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidArgumentError('continuationToken', 'not a token returned by listWorkflows');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Number.isFinite(parsed[0]) || typeof parsed[1] !== 'string') {
    throw new InvalidArgumentError('continuationToken', 'not a token returned by listWorkflows');
  }
  return { createdAt: new Date(parsed[0] as number), instanceId: parsed[1] };
}

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
