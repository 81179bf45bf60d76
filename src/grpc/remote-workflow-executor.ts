// Runs a workflow turn in a remote SDK: sends a WorkflowRequest down a GetWorkItems stream and waits for the
// matching CompleteWorkflowTask. The processor around it (runtime/workflow-processor.ts) is the in-process
// one, so a failure here (the worker going away included) is handled exactly as a local one.
import { create } from '@bufbuild/protobuf';
import type { Backend, WorkflowWorkItem } from '../backends/backend.js';
import { stateFromHistory } from '../core/runtime-state.js';
import type { TurnRequest, TurnResponse } from '../core/turn.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../protocol/history.js';
import { historyToWire } from '../protocol/wire/history-wire.js';
import { workItemToBinary, type Dialect } from '../protocol/wire/dialect-wire.js';
import { WorkItemSchema } from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { Logger } from '../runtime/logger.js';
import type { WorkflowExecutor, WorkflowTurnSession } from '../runtime/workflow-executor.js';
import { mintExecutionId } from './dialect.js';
import type { WorkItemDispatcher } from './work-item-dispatcher.js';

export interface RemoteExecutorOptions {
  backend: Backend;
  dispatcher: WorkItemDispatcher;
  logger: Logger;
}

/** Runs workflow turns in remote SDK workers; every rule around the turn is the shared WorkflowProcessor's. */
export class RemoteWorkflowExecutor implements WorkflowExecutor {
  constructor(private readonly options: RemoteExecutorOptions) {}

  /** The dispatcher routes each turn to a stream that serves its name, or fails the dispatch (and the item is handed back). */
  serves(): boolean {
    return true;
  }

  async begin(item: WorkflowWorkItem): Promise<WorkflowTurnSession> {
    const { backend, logger } = this.options;
    const past = await backend.getWorkflowHistory(item.instanceId);
    const instanceId = item.instanceId;
    // Execution IDs the turn mints (children, continue-as-new) take the form of the dialect that ran it.
    let dialect: Dialect = 'dapr';
    return {
      state: stateFromHistory(instanceId, past),
      past,
      execute: (request: TurnRequest, history: HistoryEvent[]) =>
        this.dispatchTurn(instanceId, history, request.newEvents, (d) => (dialect = d)).catch((error: unknown): TurnResponse => {
          // Redelivering an item no SDK can receive would block its stream for good: the instance fails instead.
          if (!(error instanceof WorkItemTooLargeError)) throw error;
          logger.warn({ instanceId, size: error.size }, 'workflow work item too large for an SDK worker; failing the instance');
          return { actions: [{ id: -1, type: 'completeWorkflow', workflowStatus: 'FAILED', failureDetails: { errorType: 'WorkItemTooLarge', errorMessage: error.message, isNonRetriable: true } }] };
        }),
      newId: () => mintExecutionId(dialect),
      committed: () => undefined,
      discard: () => undefined,
    };
  }

  private dispatchTurn(instanceId: string, past: HistoryEvent[], newEvents: HistoryEvent[], sentTo: (dialect: Dialect) => void): Promise<TurnResponse> {
    const started = startedOf(newEvents) ?? startedOf(past);
    const executionId = started?.workflowInstance.executionId;
    const name = started?.name ?? '';
    const dispatch = this.options.dispatcher.dispatch<TurnResponse>('workflow', instanceId, name, (token, stream) => {
      sentTo(stream.dialect);
      return checkWorkItemSize(() => `the work item of workflow '${instanceId}' (its history)`, workItemToBinary(stream.dialect, create(WorkItemSchema, {
        request: {
          case: 'workflowRequest',
          value: { instanceId, executionId, pastEvents: historyToWire(past), newEvents: historyToWire(newEvents) },
        },
        completionToken: token,
      })));
    });
    return dispatch.answer;
  }
}

/** What a gRPC client receives by default (grpc.max_receive_message_length): SDKs that keep it cannot take more. */
export const MAX_WORK_ITEM_BYTES = 4 * 1024 * 1024;

export class WorkItemTooLargeError extends Error {
  /** `what` names the item, e.g. "the work item of workflow 'x' (its history)". */
  constructor(readonly what: string, readonly size: number) {
    super(`${what} is ${size} bytes, over the ${MAX_WORK_ITEM_BYTES} bytes a gRPC client receives by default`);
    this.name = 'WorkItemTooLargeError';
  }
}

/** The bytes of a work item, or WorkItemTooLargeError when a default gRPC client could not receive them. */
export function checkWorkItemSize(what: () => string, bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_WORK_ITEM_BYTES) throw new WorkItemTooLargeError(what(), bytes.length);
  return bytes;
}

/** SDKs seed deterministic IDs with the execution ID: new events first, then the past (reference engine order). */
function startedOf(events: readonly HistoryEvent[]): ExecutionStartedEvent | undefined {
  for (const event of events) if (event.type === 'executionStarted') return event;
  return undefined;
}
