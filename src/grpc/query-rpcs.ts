// Read-side RPCs over many instances or one instance's history: QueryInstances (old protocol),
// ListInstanceIDs (Dapr) and ListInstanceIds (Microsoft JS SDK), GetInstanceHistory, StreamInstanceHistory,
// and RestartInstance (Microsoft JS SDK: start a finished instance again with the same name and input).
import { create } from '@bufbuild/protobuf';
import type { handleServerStreamingCall } from '@grpc/grpc-js';
import type { WorkflowQuery } from '../backends/backend.js';
import { FailedPreconditionError, WorkflowNotFoundError } from '../errors.js';
import { isTerminalStatus } from '../protocol/status.js';
import { historyToWire } from '../protocol/wire/history-wire.js';
import { runtimeStatusFromWire } from '../protocol/wire/status-wire.js';
import { optionalTimestampToDate } from '../protocol/wire/timestamp-wire.js';
import { requireNonEmpty } from '../protocol/wire/wire-util.js';
import {
  GetInstanceHistoryResponseSchema,
  HistoryChunkSchema,
  ListInstanceIDsResponseSchema,
  ListInstanceIdsResponseSchema,
  QueryInstancesResponseSchema,
  RestartInstanceResponseSchema,
  type HistoryChunk,
  type StreamInstanceHistoryRequest,
} from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { Client } from '../runtime/client.js';
import type { Logger } from '../runtime/logger.js';
import { stateToWire } from './client-rpcs.js';
import { dialectOfCall, mintExecutionId } from './dialect.js';
import type { TaskHubSidecarHandlers } from './service-definition.js';
import { unary } from './rpc-handler.js';
import { toServiceError } from './status-codes.js';

type QueryHandlers = Pick<
  TaskHubSidecarHandlers,
  'queryInstances' | 'listInstanceIDs' | 'listInstanceIds' | 'getInstanceHistory' | 'streamInstanceHistory' | 'restartInstance'
>;

const HISTORY_CHUNK_EVENTS = 500;

export function queryHandlers(client: Client, logger: Logger): QueryHandlers {
  const { backend } = client.encoded;
  const statuses = (values: number[], field: string) =>
    values.length === 0 ? undefined : values.map((s, i) => runtimeStatusFromWire(s, `${field}[${i}]`));
  return {
    queryInstances: unary(logger, 'QueryInstances', async (request) => {
      const q = request.query;
      const query: WorkflowQuery = {
        statuses: statuses(q?.runtimeStatus ?? [], 'query.runtimeStatus'),
        createdFrom: optionalTimestampToDate(q?.createdTimeFrom, 'query.createdTimeFrom'),
        createdTo: optionalTimestampToDate(q?.createdTimeTo, 'query.createdTimeTo'),
        pageSize: q?.maxInstanceCount ? q.maxInstanceCount : 100,
        continuationToken: q?.continuationToken || undefined,
        instanceIdPrefix: q?.instanceIdPrefix || undefined,
        includePayloads: q?.fetchInputsAndOutputs ?? false,
      };
      const page = await backend.listWorkflows(query);
      return create(QueryInstancesResponseSchema, {
        orchestrationState: page.instances.map((m) => stateToWire(m, query.includePayloads ?? false)),
        continuationToken: page.continuationToken,
      });
    }),
    listInstanceIDs: unary(logger, 'ListInstanceIDs', async (request) => {
      const page = await backend.listWorkflows({ pageSize: request.pageSize || 1024, continuationToken: request.continuationToken || undefined });
      return create(ListInstanceIDsResponseSchema, { instanceIds: page.instances.map((m) => m.instanceId), continuationToken: page.continuationToken });
    }),
    listInstanceIds: unary(logger, 'ListInstanceIds', async (request) => {
      const from = optionalTimestampToDate(request.completedTimeFrom, 'completedTimeFrom');
      const to = optionalTimestampToDate(request.completedTimeTo, 'completedTimeTo');
      const page = await backend.listWorkflows({
        statuses: statuses(request.runtimeStatus, 'runtimeStatus'),
        pageSize: request.pageSize || 100,
        continuationToken: request.lastInstanceKey || undefined,
      });
      // No backend index on completion time: the filter applies within the page.
      const ids = page.instances
        .filter((m) => (!from || (m.completedAt !== undefined && m.completedAt >= from)) && (!to || (m.completedAt !== undefined && m.completedAt < to)))
        .map((m) => m.instanceId);
      return create(ListInstanceIdsResponseSchema, { instanceIds: ids, lastInstanceKey: page.continuationToken });
    }),
    getInstanceHistory: unary(logger, 'GetInstanceHistory', async (request) => {
      const events = await client.getWorkflowHistory(requireNonEmpty(request.instanceId, 'instanceId'));
      return create(GetInstanceHistoryResponseSchema, { events: historyToWire(events) });
    }),
    streamInstanceHistory: streamHistory(client, logger),
    restartInstance: unary(logger, 'RestartInstance', async (request, call) => {
      const instanceId = requireNonEmpty(request.instanceId, 'instanceId');
      const meta = await backend.getWorkflowMetadata(instanceId);
      if (!meta) throw new WorkflowNotFoundError(instanceId);
      if (!request.restartWithNewInstanceId && !isTerminalStatus(meta.runtimeStatus)) {
        throw new FailedPreconditionError(`workflow instance '${instanceId}' is ${meta.runtimeStatus}; only a finished instance can be restarted under its own ID`);
      }
      const newId = await client.encoded.startWorkflow({
        name: meta.name, version: meta.version, input: meta.input, tags: meta.tags,
        instanceId: request.restartWithNewInstanceId ? undefined : instanceId,
        executionId: mintExecutionId(dialectOfCall(call.metadata)),
        reuse: request.restartWithNewInstanceId ? 'error' : 'replaceTerminal',
      });
      return create(RestartInstanceResponseSchema, { instanceId: newId });
    }),
  };
}

function streamHistory(client: Client, logger: Logger): handleServerStreamingCall<StreamInstanceHistoryRequest, HistoryChunk> {
  return (call) => {
    Promise.resolve()
      .then(async () => {
        const events = await client.getWorkflowHistory(requireNonEmpty(call.request.instanceId, 'instanceId'));
        for (let i = 0; i < events.length && !call.cancelled; i += HISTORY_CHUNK_EVENTS) {
          call.write(create(HistoryChunkSchema, { events: historyToWire(events.slice(i, i + HISTORY_CHUNK_EVENTS)) }));
        }
        call.end();
      })
      .catch((error: unknown) => {
        logger.debug({ err: error, method: 'StreamInstanceHistory' }, 'RPC refused');
        call.emit('error', toServiceError(error));
      });
  };
}
