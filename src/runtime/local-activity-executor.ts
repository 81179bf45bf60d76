// Runs activities in this process: the registered function, its output encoded, a throw turned into TaskFailed.
import type { ActivityResultEvent, ActivityWorkItem } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { decodePayload, encodePayload, failureFromError } from '../core/payload.js';
import { PayloadTooLargeError } from '../errors.js';
import { newEvent } from '../protocol/history.js';
import type { ActivityContext } from '../sdk/activity-context.js';
import type { Registry } from '../sdk/registry.js';
import type { ActivityExecutor } from './activity-executor.js';

export interface LocalActivityExecutorOptions {
  registry: Registry;
  maxPayloadBytes: number;
  clock: Clock;
  /** Aborted when the worker stops: running activities are told to stop. */
  signal: AbortSignal;
}

export class LocalActivityExecutor implements ActivityExecutor {
  constructor(private readonly options: LocalActivityExecutorOptions) {}

  serves(name: string): boolean {
    return this.options.registry.getActivity(name) !== undefined;
  }

  async run(item: ActivityWorkItem): Promise<ActivityResultEvent> {
    const { event } = item;
    const now = () => new Date(this.options.clock.now());
    const base = { taskScheduledId: event.eventId, taskExecutionId: event.taskExecutionId, router: event.router };
    const activity = this.options.registry.getActivity(event.name)!;
    const ctx: ActivityContext = {
      instanceId: item.instanceId,
      name: event.name,
      taskId: event.eventId,
      taskExecutionId: event.taskExecutionId,
      deliveryAttempt: item.retryCount,
      signal: this.options.signal,
    };
    try {
      const output = await activity(ctx, decodePayload(event.input));
      const result = encodePayload(output, `output of activity '${event.name}'`, this.options.maxPayloadBytes);
      return newEvent('taskCompleted', now(), { ...base, result });
    } catch (error) {
      const failureDetails = failureFromError(error);
      // An output over the limit is too large on every retry.
      if (error instanceof PayloadTooLargeError) failureDetails.isNonRetriable = true;
      return newEvent('taskFailed', now(), { ...base, failureDetails });
    }
  }
}
