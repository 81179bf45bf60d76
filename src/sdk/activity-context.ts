// What an activity sees of the call that scheduled it.
export interface ActivityContext {
  /** The workflow instance that scheduled this activity. */
  readonly instanceId: string;
  /** The activity's registered name. */
  readonly name: string;
  /** The sequence number of the call in the workflow (the TaskScheduled event id). */
  readonly taskId: number;
  /** Stable across retries of one call: use it as an idempotency key for side effects. */
  readonly taskExecutionId: string;
  /** How many times this delivery was attempted before (0 first; >0 after a crash or abandon). */
  readonly deliveryAttempt: number;
  /** Aborted when the worker shuts down and the activity should stop early. */
  readonly signal: AbortSignal;
}
