// Processes one activity work item, wherever it runs (executor: in process, or a remote SDK), and delivers
// its result (completed or failed) to the workflow's inbox. Delivery is at-least-once: a crash before the
// completion re-runs the activity; the workflow's history keeps only the first result for each task.
import type { ActivityResultEvent, ActivityWorkItem, Backend, WorkflowLockOptions, WorkflowWorkItem } from '../backends/backend.js';
import { LeaseLostError } from '../errors.js';
import type { ActivityExecutor } from './activity-executor.js';
import { commitWithHandoff, type Handoff } from './handoff.js';
import type { Logger } from './logger.js';
import { retryWhileUnavailable, untilLeaseEnds } from './while-unavailable.js';
import { NOT_SERVED_DELAY_MS, retryDelayAfter } from './workflow-processor.js';

export interface ActivityProcessorOptions {
  backend: Backend;
  executor: ActivityExecutor;
  logger: Logger;
  /** Aborted when the worker stops: a failure then is the shutdown, not the activity's result. */
  signal?: AbortSignal;
  /** Lets an activity completion lease its workflow for this worker in the same transaction. */
  workflowHandoff?: Handoff<WorkflowWorkItem, WorkflowLockOptions>;
}

export class ActivityProcessor {
  constructor(private readonly options: ActivityProcessorOptions) {}

  async process(item: ActivityWorkItem): Promise<void> {
    const { backend, executor, logger, signal } = this.options;
    const fields = activityFields(item);
    try {
      if (!executor.serves(item.event.name)) {
        // A worker locks only what it serves, so this is a registration that changed under a lock: the task
        // waits for a worker that has the activity, it never fails the workflow (a deploy is not a bug).
        logger.warn(fields, 'activity not registered here; handing the task back');
        await backend.abandonActivityWorkItem(item, { delayMs: NOT_SERVED_DELAY_MS });
        return;
      }
      const result = await executor.run(item);
      if (result.type === 'taskFailed' && signal?.aborted) {
        // The worker is stopping and told the activity to stop: its failure is the shutdown, not a result.
        // Hand the task back so another worker runs it (the worker's own abandon may come later, or lose the race).
        await backend.abandonActivityWorkItem(item).catch(() => undefined);
        return;
      }
      if (result.type === 'taskFailed') {
        const { errorType, errorMessage } = result.failureDetails ?? {};
        logger.info({ ...fields, errorType, errorMessage }, 'activity failed');
      }
      await retryWhileUnavailable(() => this.complete(item, result), untilLeaseEnds(item, logger, fields, 'activity completion'));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.info(fields, 'activity lease lost; its result was discarded');
        return;
      }
      logger.warn({ ...fields, err: error }, 'activity could not be run or completed; abandoning');
      const abandon = () => backend.abandonActivityWorkItem(item, { delayMs: retryDelayAfter(error, item.retryCount) });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, logger, fields, 'abandon')).catch((e: unknown) => {
        logger.warn({ ...fields, err: e }, 'abandon failed; the lease will expire');
      });
    }
  }

  /** Delivers the result; when this worker has a free workflow slot, the workflow comes back leased to it. */
  private async complete(item: ActivityWorkItem, result: ActivityResultEvent): Promise<void> {
    const { backend, workflowHandoff: handoff } = this.options;
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
}

/** The fields of every line about an activity task (its work item does not carry the workflow's name). */
function activityFields(item: ActivityWorkItem): { instanceId: string; activity: string; taskId: number; deliveryCount: number } {
  return { instanceId: item.instanceId, activity: item.event.name, taskId: item.event.eventId, deliveryCount: item.retryCount + 1 };
}
