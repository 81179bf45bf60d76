// The worker half of TaskHubSidecarService: SDK workers open GetWorkItems streams, answer each item with
// CompleteWorkflowTask (old name CompleteOrchestratorTask) or CompleteActivityTask, or give it back with
// AbandonTask*WorkItem. Answers are validated here, so a malformed one is refused with the field it got wrong.
import { create } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { DurableTaskError, InvalidArgumentError, UnavailableError } from '../errors.js';
import type { TurnResponse } from '../core/turn.js';
import { checkPayloadSize } from '../core/payload.js';
import { actionsFromWire } from '../protocol/wire/action-wire.js';
import { workflowVersionFromWire } from '../protocol/wire/common-wire.js';
import {
  responseToken,
  workerStreamOptionsFromBinary,
  workerTurnAnswerFromBinary,
  type Dialect,
  type WorkerStreamOptions,
} from '../protocol/wire/dialect-wire.js';
import { optionalFailureFromWire } from '../protocol/wire/failure-wire.js';
import { requireNonEmpty } from '../protocol/wire/wire-util.js';
import {
  AbandonActivityTaskResponseSchema,
  AbandonOrchestrationTaskResponseSchema,
  CompleteTaskResponseSchema,
  GetWorkItemsRequestSchema,
  WorkflowResponseSchema,
} from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { Logger } from '../runtime/logger.js';
import { checkTurnAnswer } from './answer-checks.js';
import { activityKey, type ActivityAnswer } from './remote-activity-executor.js';
import { dialectOfMetadata, dialectOfWorkItemsStream } from './dialect.js';
import { encoded, type TaskHubSidecarHandlers } from './service-definition.js';
import { unary, unimplementedUnary } from './rpc-handler.js';
import { serviceError, toServiceError } from './status-codes.js';
import type { DispatchKind, WorkItemDispatcher } from './work-item-dispatcher.js';

type WorkerHandlers = Pick<
  TaskHubSidecarHandlers,
  | 'getWorkItems' | 'completeWorkflowTask' | 'completeOrchestratorTask' | 'completeActivityTask'
  | 'abandonTaskActivityWorkItem' | 'abandonTaskOrchestratorWorkItem' | 'abandonTaskEntityWorkItem'
>;

/** Streams still open, so shutdown can end them with CANCELLED. */
export type OpenStreams = Set<(code: status, details: string) => void>;

export function workerHandlers(
  dispatcher: WorkItemDispatcher,
  streams: OpenStreams,
  logger: Logger,
  isClosing: () => boolean,
  maxPayloadBytes: number,
): WorkerHandlers {
  const completeWorkflow = (method: string) =>
    unary(logger, method, async (request: Uint8Array | object, call: { metadata: Metadata }) => {
      const bytes = encoded(WorkflowResponseSchema, request);
      // Decoded by the dialect of the stream the item went to; an old SDK's empty token falls back to metadata.
      const dialect = dispatcher.dialectOf(responseToken(bytes)) ?? dialectOfMetadata(call.metadata) ?? 'dapr';
      const response = workerTurnAnswerFromBinary(dialect, bytes);
      const instanceId = requireNonEmpty(response.instanceId, 'instanceId');
      if (response.requiresHistory && dispatcher.cancel(response.completionToken, new UnavailableError(`the worker asked for the full history of '${instanceId}'`), 'workflow')) {
        return create(CompleteTaskResponseSchema); // given back at once: the next delivery carries the whole history
      }
      dispatcher.complete('workflow', instanceId, response.completionToken, (): TurnResponse => {
        if (response.isPartial) throw new InvalidArgumentError('isPartial', 'chunked completions are not supported; send the whole answer at once');
        const actions = actionsFromWire(response.actions);
        checkTurnAnswer(actions, response.customStatus, maxPayloadBytes);
        return { actions, customStatus: response.customStatus, version: workflowVersionFromWire(response.version) };
      });
      return create(CompleteTaskResponseSchema);
    });
  const abandon = (kind: DispatchKind, token: string): void => {
    requireNonEmpty(token, 'completionToken');
    if (!dispatcher.cancel(token, new DurableTaskError('INTERNAL', `the worker abandoned ${kind} work item ${token}`), kind)) {
      throw new DurableTaskError('NOT_FOUND', `no ${kind} work item is waiting with completion token '${token}'`);
    }
  };
  return {
    getWorkItems: workItemStream(dispatcher, streams, logger, isClosing),
    completeWorkflowTask: completeWorkflow('CompleteWorkflowTask'),
    completeOrchestratorTask: completeWorkflow('CompleteOrchestratorTask'),
    completeActivityTask: unary(logger, 'CompleteActivityTask', async (response) => {
      const instanceId = requireNonEmpty(response.instanceId, 'instanceId');
      dispatcher.complete('activity', activityKey(instanceId, response.taskId), response.completionToken, (): ActivityAnswer => ({
        result: checkPayloadSize(response.result, 'result', maxPayloadBytes),
        failureDetails: optionalFailureFromWire(response.failureDetails),
      }));
      return create(CompleteTaskResponseSchema);
    }),
    abandonTaskActivityWorkItem: unary(logger, 'AbandonTaskActivityWorkItem', async (request) => {
      abandon('activity', request.completionToken);
      return create(AbandonActivityTaskResponseSchema);
    }),
    abandonTaskOrchestratorWorkItem: unary(logger, 'AbandonTaskOrchestratorWorkItem', async (request) => {
      abandon('workflow', request.completionToken);
      return create(AbandonOrchestrationTaskResponseSchema);
    }),
    abandonTaskEntityWorkItem: unimplementedUnary('AbandonTaskEntityWorkItem', 'entities are not supported'),
  };
}

function workItemStream(
  dispatcher: WorkItemDispatcher,
  streams: OpenStreams,
  logger: Logger,
  isClosing: () => boolean,
): TaskHubSidecarHandlers['getWorkItems'] {
  return (call) => {
    if (isClosing()) {
      call.emit('error', serviceError(status.UNAVAILABLE, 'the sidecar is shutting down'));
      return;
    }
    let dialect: Dialect;
    let options: WorkerStreamOptions;
    try {
      const request = encoded(GetWorkItemsRequestSchema, call.request);
      dialect = dialectOfWorkItemsStream(call.metadata, request);
      options = workerStreamOptionsFromBinary(dialect, request);
    } catch (error) {
      call.emit('error', toServiceError(error));
      return;
    }
    const detach = dispatcher.attach((item) => {
      if (call.cancelled || call.writableEnded) throw new Error('stream already closed');
      call.write(item);
    }, dialect, options);
    const end = (code: status, details: string): void => {
      gone();
      call.emit('error', serviceError(code, details));
    };
    const gone = (): void => {
      streams.delete(end);
      detach();
    };
    streams.add(end);
    logger.info({ peer: call.getPeer(), dialect, ...options }, 'worker connected to GetWorkItems');
    call.on('cancelled', gone);
    call.on('close', gone);
    call.on('finish', gone);
    call.on('error', gone);
  };
}
