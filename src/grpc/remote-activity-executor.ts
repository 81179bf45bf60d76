// Runs an activity in a remote SDK: sends an ActivityRequest down a GetWorkItems stream and turns the matching
// CompleteActivityTask into TaskCompleted/TaskFailed (runtime/activity-processor.ts delivers it).
import { create } from '@bufbuild/protobuf';
import type { ActivityResultEvent, ActivityWorkItem } from '../backends/backend.js';
import type { FailureDetails, Payload } from '../protocol/common.js';
import { newEvent } from '../protocol/history.js';
import { traceContextToWire } from '../protocol/wire/common-wire.js';
import { workItemToBinary } from '../protocol/wire/dialect-wire.js';
import { WorkItemSchema } from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { ActivityExecutor } from '../runtime/activity-executor.js';
import { checkWorkItemSize, WorkItemTooLargeError, type RemoteExecutorOptions } from './remote-workflow-executor.js';

/** What CompleteActivityTask carries once validated. */
export interface ActivityAnswer {
  result?: Payload;
  failureDetails?: FailureDetails;
}

/** Key of an activity dispatch: the reference engine's "<instanceId>/<taskId>". */
export function activityKey(instanceId: string, taskId: number): string {
  return `${instanceId}/${taskId}`;
}

/** Runs activities in remote SDK workers; the shared ActivityProcessor delivers the result. */
export class RemoteActivityExecutor implements ActivityExecutor {
  constructor(private readonly options: RemoteExecutorOptions) {}

  /** The dispatcher routes each task to a stream that serves its name, or fails the dispatch (and the task is handed back). */
  serves(): boolean {
    return true;
  }

  async run(item: ActivityWorkItem): Promise<ActivityResultEvent> {
    const { logger } = this.options;
    const answer = await this.dispatch(item).catch((error: unknown): ActivityAnswer => {
      // Redelivering an item no SDK can receive would retry it for good: the task fails instead.
      if (!(error instanceof WorkItemTooLargeError)) throw error;
      logger.warn({ instanceId: item.instanceId, taskId: item.event.eventId, size: error.size }, 'activity work item too large for an SDK worker; failing the task');
      return { failureDetails: { errorType: 'WorkItemTooLarge', errorMessage: error.message, isNonRetriable: true } };
    });
    const { event } = item;
    const base = { taskScheduledId: event.eventId, taskExecutionId: event.taskExecutionId, router: event.router };
    return answer.failureDetails
      ? newEvent('taskFailed', new Date(), { ...base, failureDetails: answer.failureDetails })
      : newEvent('taskCompleted', new Date(), { ...base, result: answer.result });
  }

  private dispatch(item: ActivityWorkItem): Promise<ActivityAnswer> {
    const { event } = item;
    return this.options.dispatcher.dispatch<ActivityAnswer>('activity', activityKey(item.instanceId, event.eventId), event.name, (token, stream) =>
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
