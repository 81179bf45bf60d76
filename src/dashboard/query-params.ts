// The instance-list filters of the API, parsed from a query string: each bad value is an InvalidArgumentError
// naming the parameter, so the API answers 400 with it. The names are those of WorkflowQuery.
import type { WorkflowCountQuery, WorkflowQuery } from '../backends/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { RUNTIME_STATUSES, isRuntimeStatus, type RuntimeStatus } from '../protocol/status.js';

const MAX_PAGE_SIZE = 500;
const KNOWN = new Set(['status', 'name', 'instanceIdPrefix', 'createdFrom', 'createdTo', 'pageSize', 'continuationToken']);

function parseStatuses(values: string[]): RuntimeStatus[] | undefined {
  const out: RuntimeStatus[] = [];
  for (const part of values.flatMap((v) => v.split(','))) {
    const status = part.trim().toUpperCase();
    if (status === '') continue;
    if (!isRuntimeStatus(status)) throw new InvalidArgumentError('status', `'${part.trim()}' is not a status; expected one of ${RUNTIME_STATUSES.join(', ')}`);
    if (!out.includes(status)) out.push(status);
  }
  return out.length > 0 ? out : undefined;
}

function parseInstant(value: string | null, field: string): Date | undefined {
  if (value === null || value === '') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(field, `'${value}' is not an ISO 8601 date or time`);
  return date;
}

function parsePageSize(value: string | null): number {
  if (value === null || value === '') return 50;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new InvalidArgumentError('pageSize', `must be an integer from 1 to ${MAX_PAGE_SIZE}, got '${value}'`);
  return n;
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/** The filters shared by the list and the counts. Unknown parameters are refused, so a typo is not ignored. */
export function parseCountQuery(params: URLSearchParams, allowed: ReadonlySet<string> = KNOWN): WorkflowCountQuery {
  for (const key of params.keys()) {
    if (!allowed.has(key)) throw new InvalidArgumentError(key, `is not a parameter; expected one of ${[...allowed].join(', ')}`);
  }
  const query: WorkflowCountQuery = {
    statuses: parseStatuses(params.getAll('status')),
    name: nonEmpty(params.get('name')),
    instanceIdPrefix: nonEmpty(params.get('instanceIdPrefix')),
    createdFrom: parseInstant(params.get('createdFrom'), 'createdFrom'),
    createdTo: parseInstant(params.get('createdTo'), 'createdTo'),
  };
  if (query.createdFrom && query.createdTo && query.createdFrom > query.createdTo) {
    throw new InvalidArgumentError('createdFrom', 'is after createdTo');
  }
  return query;
}

/** The list query: newest first, keyset paged by the backend's continuation token. */
export function parseListQuery(params: URLSearchParams): WorkflowQuery {
  return {
    ...parseCountQuery(params),
    pageSize: parsePageSize(params.get('pageSize')),
    continuationToken: nonEmpty(params.get('continuationToken')),
    newestFirst: true,
  };
}

export const COUNT_PARAMETERS: ReadonlySet<string> = new Set(['name', 'instanceIdPrefix', 'createdFrom', 'createdTo']);
