// Runs one activity work item and delivers its result (completed or failed) to the workflow's inbox.
// Delivery is at-least-once: a crash before completion re-runs the activity; the workflow's history keeps
// only the first result for each task.
import { retryWhileUnavailable, untilLeaseEnds } from './while-unavailable.js';
import type { ActivityWorkItem, ActivityResultEvent, Backend, WorkflowLockOptions, WorkflowWorkItem } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { decodePayload, encodePayload, failureFromError } from '../core/payload.js';
import { newEvent } from '../protocol/history.js';
import { LeaseLostError } from '../errors.js';
import type { Registry } from '../sdk/registry.js';
import type { ActivityContext } from '../sdk/activity-context.js';
import type { Logger } from './logger.js';
import { commitWithHandoff, type Handoff } from './handoff.js';

/** How long work this worker cannot run waits before any worker may lock it again. */
export const NOT_SERVED_DELAY_MS = 1000;

export interface ActivityProcessorOptions {
  backend: Backend;
  registry: Registry;
  logger: Logger;
  maxPayloadBytes: number;
  clock: Clock;
  signal: AbortSignal;
  /** Lets an activity completion lease its workflow for this worker in the same transaction. */
  workflowHandoff?: Handoff<WorkflowWorkItem, WorkflowLockOptions>;
}

export class ActivityProcessor {
  private readonly o: ActivityProcessorOptions;

  constructor(options: ActivityProcessorOptions) {
    this.o = options;
  }

  async process(item: ActivityWorkItem): Promise<void> {
    if (!this.o.registry.getActivity(item.event.name)) {
      // A worker locks only what it registered, so this is a registration that changed under a lock: the
      // task waits for a worker that has the activity, it never fails the workflow (a deploy is not a bug).
      this.o.logger.warn(activityFields(item), 'activity not registered here; handing the task back');
      await this.o.backend.abandonActivityWorkItem(item, { delayMs: NOT_SERVED_DELAY_MS }).catch(() => undefined);
      return;
    }
    const result = await this.run(item);
    if (result.type === 'taskFailed' && this.o.signal.aborted) {
      // The worker is stopping and told the activity to stop: its failure is the shutdown, not a result.
      // Hand the task back so another worker runs it (the worker's own abandon may come later, or lose the race).
      await this.o.backend.abandonActivityWorkItem(item).catch(() => undefined);
      return;
    }
    if (result.type === 'taskFailed') {
      const { errorType, errorMessage } = result.failureDetails ?? {};
      this.o.logger.info({ ...activityFields(item), errorType, errorMessage }, 'activity failed');
    }
    try {
      await retryWhileUnavailable(() => this.complete(item, result), untilLeaseEnds(item, this.o.logger, activityFields(item), 'activity completion'));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.o.logger.info(activityFields(item), 'activity lease lost; its result was discarded');
        return;
      }
      this.o.logger.error({ ...activityFields(item), err: error }, 'completing an activity failed; abandoning');
      const abandon = () => this.o.backend.abandonActivityWorkItem(item, { delayMs: 1000 });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, this.o.logger, activityFields(item), 'abandon')).catch((e: unknown) => {
        this.o.logger.warn({ ...activityFields(item), err: e }, 'abandon failed; the lease will expire');
      });
    }
  }

  /** Delivers the result; when this worker has a free workflow slot, the workflow comes back leased to it. */
  private async complete(item: ActivityWorkItem, result: ActivityResultEvent): Promise<void> {
    const { backend, workflowHandoff: handoff } = this.o;
    await commitWithHandoff(
      handoff,
      1,
      async (reserved) => {
        const leased = await backend.completeActivityWorkItem(item, result, reserved > 0 ? { leaseWorkflow: handoff!.lease } : undefined);
        return leased ? [leased] : [];
      },
      (workItem) => backend.abandonWorkflowWorkItem(workItem),
    );
  }

  private async run(item: ActivityWorkItem): Promise<ActivityResultEvent> {
    const { event } = item;
    const now = () => new Date(this.o.clock.now());
    const base = { taskScheduledId: event.eventId, taskExecutionId: event.taskExecutionId, router: event.router };
    const activity = this.o.registry.getActivity(event.name)!;
    const ctx: ActivityContext = {
      instanceId: item.instanceId,
      name: event.name,
      taskId: event.eventId,
      taskExecutionId: event.taskExecutionId,
      deliveryAttempt: item.retryCount,
      signal: this.o.signal,
    };
    try {
      const output = await activity(ctx, decodePayload(event.input));
      const result = encodePayload(output, `output of activity '${event.name}'`, this.o.maxPayloadBytes);
      return newEvent('taskCompleted', now(), { ...base, result });
    } catch (error) {
      const failureDetails = failureFromError(error);
      if ((error as { code?: string }).code === 'PAYLOAD_TOO_LARGE') failureDetails.isNonRetriable = true;
      return newEvent('taskFailed', now(), { ...base, failureDetails });
    }
  }
}

/** The fields of every line about an activity task (its work item does not carry the workflow's name). */
function activityFields(item: ActivityWorkItem): { instanceId: string; activity: string; taskId: number; deliveryCount: number } {
  return { instanceId: item.instanceId, activity: item.event.name, taskId: item.event.eventId, deliveryCount: item.retryCount + 1 };
}
