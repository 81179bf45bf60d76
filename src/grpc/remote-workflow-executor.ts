// Processes one workflow work item for a remote SDK: the turn pipeline is core/turn's runTurn, exactly as
// in-process, but its executor sends a WorkflowRequest down a GetWorkItems stream and waits for the matching
// CompleteWorkflowTask. Any failure (including the worker going away) abandons the item for redelivery.
import { retryWhileUnavailable, untilLeaseEnds } from '../runtime/while-unavailable.js';
import { create } from '@bufbuild/protobuf';
import type { Backend, WorkflowWorkItem } from '../backends/backend.js';
import { stateFromHistory } from '../core/runtime-state.js';
import { runTurn, type TurnRequest, type TurnResponse } from '../core/turn.js';
import { LeaseLostError, UnavailableError } from '../errors.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../protocol/history.js';
import { historyToWire } from '../protocol/wire/history-wire.js';
import { workItemToBinary, type Dialect } from '../protocol/wire/dialect-wire.js';
import { WorkItemSchema } from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { Logger } from '../runtime/logger.js';
import { instanceFields, logTurnStory } from '../runtime/turn-story.js';
import { abandonDelayMs } from '../runtime/workflow-processor.js';
import { mintExecutionId } from './dialect.js';
import type { WorkItemDispatcher } from './work-item-dispatcher.js';

export interface RemoteProcessorOptions {
  backend: Backend;
  dispatcher: WorkItemDispatcher;
  logger: Logger;
}

export class RemoteWorkflowProcessor {
  private readonly o: RemoteProcessorOptions;

  constructor(options: RemoteProcessorOptions) {
    this.o = options;
  }

  async process(item: WorkflowWorkItem): Promise<void> {
    const { backend, logger } = this.o;
    try {
      let past = await backend.getWorkflowHistory(item.instanceId);
      const state = stateFromHistory(item.instanceId, past);
      // Execution IDs the turn mints (children, continue-as-new) take the form of the dialect that ran it.
      let dialect: Dialect = 'dapr';
      const execute = (request: TurnRequest): Promise<TurnResponse> => {
        // A generation started by continue-as-new in this turn has no past.
        if (request.freshGeneration) past = [];
        return this.dispatchTurn(item.instanceId, past, request.newEvents, (d) => (dialect = d)).catch((error: unknown) => {
          // Redelivering an item no SDK can receive would block its stream for good: the instance fails instead.
          if (!(error instanceof WorkItemTooLargeError)) throw error;
          logger.warn({ instanceId: item.instanceId, size: error.size }, 'workflow work item too large for an SDK worker; failing the instance');
          return { actions: [{ id: -1, type: 'completeWorkflow', workflowStatus: 'FAILED', failureDetails: { errorType: 'WorkItemTooLarge', errorMessage: error.message, isNonRetriable: true } }] };
        });
      };
      const outcome = await runTurn(state, item.newEvents, { now: new Date(), newId: () => mintExecutionId(dialect) }, execute);
      const fields = instanceFields(item.instanceId, outcome.state.startEvent);
      if (outcome.duplicates.length > 0) {
        // Normal operation: a timeout timer firing after its event arrived, an at-least-once redelivery.
        logger.debug({ ...fields, dropped: outcome.duplicates.map((e) => e.type) }, 'dropped duplicate or stale events');
      }
      await retryWhileUnavailable(() => backend.completeWorkflowWorkItem(item, outcome.result), untilLeaseEnds(item, logger, fields, 'commit'));
      logTurnStory(logger, fields, outcome.result.newHistory, outcome.result.continuedAsNew);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.info({ instanceId: item.instanceId }, 'workflow work item lease lost; another worker will process it');
        return;
      }
      // A worker that left is not the item's fault: the first redelivery is immediate.
      const retries = error instanceof UnavailableError ? item.retryCount : item.retryCount + 1;
      logger.warn({ err: error, instanceId: item.instanceId, retryCount: item.retryCount }, 'remote workflow turn failed; abandoning');
      const abandon = () => backend.abandonWorkflowWorkItem(item, { delayMs: abandonDelayMs(retries) });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, logger, { instanceId: item.instanceId }, 'abandon')).catch((e: unknown) => {
        logger.warn({ err: e, instanceId: item.instanceId }, 'abandon failed; the lease will expire');
      });
    }
  }

  private dispatchTurn(instanceId: string, past: HistoryEvent[], newEvents: HistoryEvent[], sentTo: (dialect: Dialect) => void): Promise<TurnResponse> {
    const started = startedOf(newEvents) ?? startedOf(past);
    const executionId = started?.workflowInstance.executionId;
    const name = started?.name ?? '';
    const dispatch = this.o.dispatcher.dispatch<TurnResponse>('workflow', instanceId, name, (token, stream) => {
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
