// Retry policies for activities and child workflows. Retries run inside the workflow as durable timers,
// so the delays survive restarts and replay exactly.
import { InvalidArgumentError, type TaskFailedError } from '../errors.js';

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Delay before the second attempt. */
  firstRetryIntervalMs: number;
  /** Each delay is the previous one times this. @default 1 */
  backoffCoefficient?: number;
  /** Upper bound of one delay. @default unbounded */
  maxRetryIntervalMs?: number;
  /** No retry starts after this long since the first attempt. @default unbounded */
  retryTimeoutMs?: number;
  /** Retries only the failures for which this returns true. @default every failure that is not non-retriable */
  handle?: (failure: TaskFailedError) => boolean;
}

export function validateRetryPolicy(policy: RetryPolicy, field = 'retry'): void {
  const positive = (value: number | undefined, name: string, allowZero = false) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
      throw new InvalidArgumentError(`${field}.${name}`, `must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
    }
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new InvalidArgumentError(`${field}.maxAttempts`, `must be an integer >= 1, got ${policy.maxAttempts}`);
  }
  positive(policy.firstRetryIntervalMs, 'firstRetryIntervalMs');
  if (policy.firstRetryIntervalMs === undefined) throw new InvalidArgumentError(`${field}.firstRetryIntervalMs`, 'is required');
  positive(policy.backoffCoefficient, 'backoffCoefficient');
  positive(policy.maxRetryIntervalMs, 'maxRetryIntervalMs');
  positive(policy.retryTimeoutMs, 'retryTimeoutMs');
}

/**
 * Delay before the next attempt after attempt `attempt` (0-based) failed, or 0 to stop retrying.
 * Pure: time comes from the workflow's replayed clock.
 */
export function nextRetryDelayMs(policy: RetryPolicy, attempt: number, firstAttemptAt: Date, now: Date, failure: TaskFailedError): number {
  if (attempt + 1 >= policy.maxAttempts) return 0;
  if (failure.details.isNonRetriable) return 0;
  if (policy.handle && !policy.handle(failure)) return 0;
  if (policy.retryTimeoutMs !== undefined && now.getTime() - firstAttemptAt.getTime() > policy.retryTimeoutMs) return 0;
  const delay = Math.floor(policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient ?? 1, attempt));
  return policy.maxRetryIntervalMs !== undefined ? Math.min(delay, policy.maxRetryIntervalMs) : delay;
}
