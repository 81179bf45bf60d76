// The story of a committed turn at info level: what happened to the workflow (started, completed, failed,
// terminated, suspended, resumed, stalled, continued as new) and to its children (failed). Activity failures
// are logged where they happen, by the activity processor.
// Read from the events the turn appended, so a line is written once per commit, never on replay.
import type { ExecutionStartedEvent, HistoryEvent } from '../protocol/history.js';
import type { Logger } from './logger.js';

/** The fields every line about an instance carries. */
export interface InstanceFields {
  instanceId: string;
  executionId: string;
  workflow: string;
}

export function instanceFields(instanceId: string, start: ExecutionStartedEvent | undefined): InstanceFields {
  return { instanceId, executionId: start?.workflowInstance.executionId ?? '', workflow: start?.name ?? '' };
}

export function logTurnStory(logger: Logger, fields: InstanceFields, appended: readonly HistoryEvent[], continuedAsNew: boolean): void {
  for (const e of appended) {
    switch (e.type) {
      case 'executionStarted':
        if (continuedAsNew) logger.info({ ...fields, executionId: e.workflowInstance.executionId ?? '' }, 'workflow continued as new');
        else logger.info(fields, 'workflow started');
        break;
      case 'executionCompleted':
        if (e.workflowStatus === 'COMPLETED') logger.info(fields, 'workflow completed');
        else if (e.workflowStatus === 'TERMINATED') logger.info(fields, 'workflow terminated');
        else if (e.workflowStatus === 'FAILED') {
          logger.info({ ...fields, errorType: e.failureDetails?.errorType, errorMessage: e.failureDetails?.errorMessage }, 'workflow failed');
        } else logger.info({ ...fields, status: e.workflowStatus }, 'workflow ended');
        break;
      case 'executionSuspended':
        logger.info(fields, 'workflow suspended');
        break;
      case 'executionResumed':
        logger.info(fields, 'workflow resumed');
        break;
      case 'executionStalled':
        logger.info({ ...fields, reason: e.reason, description: e.description }, 'workflow stalled');
        break;
      case 'childWorkflowInstanceFailed':
        logger.info(
          { ...fields, taskId: e.taskScheduledId, errorType: e.failureDetails?.errorType, errorMessage: e.failureDetails?.errorMessage },
          'child workflow failed',
        );
        break;
      default:
        break;
    }
  }
}
