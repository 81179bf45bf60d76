// A completion or abandon that fails because the database is briefly unreachable (a restart, a dropped
// connection) is tried again until the work item's lease ends, instead of leaving the item to wait out the
// whole lease: recovery then takes about as long as the database's own restart.
import { UnavailableError } from '../errors.js';

/** Node's socket errors and PostgreSQL's connection classes: the statement did not run, or rolled back. */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', '57P01', '57P02', '57P03', '53300']);

/** Whether an error says the backend could not be reached, so the same write may simply be tried again. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof UnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  // pg reports a connection lost mid-query without a code.
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message);
}

export interface RetryOptions {
  /** Read before each try: the lease's current end (renewals move it). */
  until: () => Date;
  /** Called before each wait, with the error and the attempt that failed. */
  onRetry?: (error: unknown, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const FIRST_WAIT_MS = 50;
const MAX_WAIT_MS = 2000;

/**
 * Runs `write`, and again after a short, growing wait while it fails with an unavailable backend and the
 * lease still holds. Any other error, or one after the lease, is thrown as is. The writes this wraps are
 * guarded by the lease token, so a try that did commit before its answer was lost makes the next try fail
 * with a lost lease, never write twice.
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  let wait = FIRST_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const left = options.until().getTime() - now();
      if (!isUnavailable(error) || left <= wait) throw error;
      options.onRetry?.(error, attempt);
      await sleep(wait);
      wait = Math.min(wait * 2, MAX_WAIT_MS);
    }
  }
}

/** Retry options for a write of a leased work item, logging each retry as `what`. */
export function untilLeaseEnds(
  item: { lockedUntil: Date },
  logger: { warn(fields: object, message: string): void },
  fields: object,
  what: string,
): RetryOptions {
  return {
    until: () => item.lockedUntil,
    onRetry: (err, attempt) => logger.warn({ ...fields, err, attempt }, `backend unavailable; retrying the ${what}`),
  };
}
