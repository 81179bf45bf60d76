// Processes one activity work item for a remote SDK: sends an ActivityRequest down a GetWorkItems stream,
// waits for the matching CompleteActivityTask and delivers TaskCompleted/TaskFailed to the workflow's inbox.
import { retryWhileUnavailable, untilLeaseEnds } from '../runtime/while-unavailable.js';
import { create } from '@bufbuild/protobuf';
import type { ActivityResultEvent, ActivityWorkItem } from '../backends/backend.js';
import { LeaseLostError, UnavailableError } from '../errors.js';
import type { FailureDetails, Payload } from '../protocol/common.js';
import { newEvent } from '../protocol/history.js';
import { traceContextToWire } from '../protocol/wire/common-wire.js';
import { workItemToBinary } from '../protocol/wire/dialect-wire.js';
import { WorkItemSchema } from '../protocol/wire/gen/orchestrator_service_pb.js';
import { abandonDelayMs } from '../runtime/workflow-processor.js';
import { checkWorkItemSize, WorkItemTooLargeError, type RemoteProcessorOptions } from './remote-workflow-executor.js';

/** What CompleteActivityTask carries once validated. */
export interface ActivityAnswer {
  result?: Payload;
  failureDetails?: FailureDetails;
}

/** Key of an activity dispatch: the reference engine's "<instanceId>/<taskId>". */
export function activityKey(instanceId: string, taskId: number): string {
  return `${instanceId}/${taskId}`;
}

export class RemoteActivityProcessor {
  private readonly o: RemoteProcessorOptions;

  constructor(options: RemoteProcessorOptions) {
    this.o = options;
  }

  async process(item: ActivityWorkItem): Promise<void> {
    const { backend, logger } = this.o;
    try {
      const answer = await this.dispatch(item).catch((error: unknown): ActivityAnswer => {
        // Redelivering an item no SDK can receive would retry it for good: the task fails instead.
        if (!(error instanceof WorkItemTooLargeError)) throw error;
        logger.warn({ instanceId: item.instanceId, taskId: item.event.eventId, size: error.size }, 'activity work item too large for an SDK worker; failing the task');
        return { failureDetails: { errorType: 'WorkItemTooLarge', errorMessage: error.message, isNonRetriable: true } };
      });
      const { event } = item;
      const base = { taskScheduledId: event.eventId, taskExecutionId: event.taskExecutionId, router: event.router };
      const result: ActivityResultEvent = answer.failureDetails
        ? newEvent('taskFailed', new Date(), { ...base, failureDetails: answer.failureDetails })
        : newEvent('taskCompleted', new Date(), { ...base, result: answer.result });
      if (answer.failureDetails) {
        const { errorType, errorMessage } = answer.failureDetails;
        logger.info({ instanceId: item.instanceId, activity: event.name, taskId: event.eventId, errorType, errorMessage }, 'activity failed');
      }
      const fields = { instanceId: item.instanceId, taskId: item.event.eventId };
      await retryWhileUnavailable(() => backend.completeActivityWorkItem(item, result), untilLeaseEnds(item, logger, fields, 'activity completion'));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.info({ instanceId: item.instanceId, activity: item.event.name, taskId: item.event.eventId }, 'activity lease lost; its result was discarded');
        return;
      }
      const retries = error instanceof UnavailableError ? item.retryCount : item.retryCount + 1;
      logger.warn({ err: error, instanceId: item.instanceId, taskId: item.event.eventId }, 'remote activity failed to complete; abandoning');
      const abandon = () => backend.abandonActivityWorkItem(item, { delayMs: abandonDelayMs(retries) });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, logger, { instanceId: item.instanceId }, 'abandon')).catch((e: unknown) => {
        logger.warn({ err: e, instanceId: item.instanceId }, 'abandon failed; the lease will expire');
      });
    }
  }

  private dispatch(item: ActivityWorkItem): Promise<ActivityAnswer> {
    const { event } = item;
    return this.o.dispatcher.dispatch<ActivityAnswer>('activity', activityKey(item.instanceId, event.eventId), event.name, (token, stream) =>
      checkWorkItemSize(() => `the work item of activity '${event.name}' (task ${event.eventId} of '${item.instanceId}')`, workItemToBinary(stream.dialect, create(WorkItemSchema, {
        request: {
          case: 'activityRequest',
          value: {
            name: event.name,
            version: event.version,
            input: event.input,
            workflowInstance: { instanceId: item.instanceId },
            taskId: event.eventId,
            parentTraceContext: traceContextToWire(event.parentTraceContext),
            taskExecutionId: event.taskExecutionId,
          },
        },
        completionToken: token,
      }))),
    ).answer;
  }
}
