// Workflow actions (orchestrator_actions.proto): what one turn of workflow code asks the engine to do.
// A union tagged by the proto oneof name; `id` is the sequence number the action took.
import type { FailureDetails, Payload, SourceLocation, TaskRouter, TraceContext, WorkflowInstanceRef } from './common.js';
import type { HistoryEvent, TimerOrigin } from './history.js';
import type { RuntimeStatus } from './status.js';

interface ActionBase {
  id: number;
  router?: TaskRouter;
}

export interface ScheduleTaskAction extends ActionBase {
  type: 'scheduleTask';
  name: string;
  version?: string;
  input?: Payload;
  taskExecutionId: string;
  /** Where the call was made, when the worker records it. */
  source?: SourceLocation;
}

export interface CreateChildWorkflowAction extends ActionBase {
  type: 'createChildWorkflow';
  instanceId: string;
  name: string;
  version?: string;
  input?: Payload;
  retryParentInstanceId?: string;
  /** Where the call was made, when the worker records it. */
  source?: SourceLocation;
}

export interface CreateTimerAction extends ActionBase {
  type: 'createTimer';
  fireAt: Date;
  name?: string;
  origin?: TimerOrigin;
  /** Where the call was made, when the worker records it. */
  source?: SourceLocation;
}

export interface SendEventAction extends ActionBase {
  type: 'sendEvent';
  instance: WorkflowInstanceRef;
  name: string;
  data?: Payload;
  /** Where the call was made, when the worker records it. */
  source?: SourceLocation;
}

export interface CompleteWorkflowAction extends ActionBase {
  type: 'completeWorkflow';
  workflowStatus: RuntimeStatus;
  result?: Payload;
  carryoverEvents?: HistoryEvent[];
  failureDetails?: FailureDetails;
}

export interface TerminateWorkflowAction extends ActionBase {
  type: 'terminateWorkflow';
  instanceId: string;
  reason?: Payload;
  recurse: boolean;
}

export interface WorkflowVersionNotAvailableAction extends ActionBase {
  type: 'workflowVersionNotAvailable';
}

export interface CreateDetachedWorkflowAction extends ActionBase {
  type: 'createDetachedWorkflow';
  instanceId: string;
  name: string;
  version?: string;
  input?: Payload;
  scheduledStartTimestamp?: Date;
  executionId?: string;
  tags?: Record<string, string>;
  parentTraceContext?: TraceContext;
  /** Where the call was made, when the worker records it. */
  source?: SourceLocation;
}

export type WorkflowAction =
  | ScheduleTaskAction
  | CreateChildWorkflowAction
  | CreateTimerAction
  | SendEventAction
  | CompleteWorkflowAction
  | TerminateWorkflowAction
  | WorkflowVersionNotAvailableAction
  | CreateDetachedWorkflowAction;

export type WorkflowActionType = WorkflowAction['type'];
export type ActionOf<T extends WorkflowActionType> = Extract<WorkflowAction, { type: T }>;

/** Human name of the SDK call that produces an action, used in non-determinism messages. */
export function describeAction(action: WorkflowAction): string {
  switch (action.type) {
    case 'scheduleTask':
      return `callActivity('${action.name}')`;
    case 'createChildWorkflow':
      return `callChildWorkflow('${action.name}', instance '${action.instanceId}')`;
    case 'createTimer':
      return action.origin?.kind === 'externalEvent'
        ? `waitForExternalEvent('${action.origin.name}') timeout timer`
        : 'createTimer';
    case 'sendEvent':
      return `sendEvent('${action.name}' to '${action.instance.instanceId}')`;
    case 'completeWorkflow':
      return `complete(${action.workflowStatus})`;
    case 'terminateWorkflow':
      return `terminateWorkflow('${action.instanceId}')`;
    case 'workflowVersionNotAvailable':
      return 'workflowVersionNotAvailable';
    case 'createDetachedWorkflow':
      return `scheduleNewWorkflow('${action.name}', instance '${action.instanceId}')`;
  }
}
