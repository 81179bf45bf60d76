// The client half of TaskHubSidecarService: start, inspect, wait for, signal and purge instances, each mapped
// onto the runtime Client's encoded layer: payloads are opaque text from the SDK, never parsed, only limited. Unlike the reference engine, no RPC here blocks on a worker (StartInstance returns once
// the instance exists; Terminate/Suspend/Resume once the event is queued).
import { create } from '@bufbuild/protobuf';
import { EmptySchema } from '@bufbuild/protobuf/wkt';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import { validateInstanceId } from '../core/instance-id.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import { optionalRouterFromWire, traceContextFromWire } from '../protocol/wire/common-wire.js';
import { optionalFailureToWire } from '../protocol/wire/failure-wire.js';
import { runtimeStatusFromWire } from '../protocol/wire/status-wire.js';
import { workflowStateToWire } from '../protocol/wire/state-wire.js';
import { optionalTimestampToDate } from '../protocol/wire/timestamp-wire.js';
import { requireNonEmpty, tagsFromWire } from '../protocol/wire/wire-util.js';
import { createInstanceRequestFromBinary } from '../protocol/wire/dialect-wire.js';
import {
  CreateInstanceRequestSchema,
  CreateInstanceResponseSchema,
  GetInstanceResponseSchema,
  PurgeInstancesResponseSchema,
  RaiseEventResponseSchema,
  ResumeResponseSchema,
  SuspendResponseSchema,
  TerminateResponseSchema,
  type GetInstanceRequest,
  type GetInstanceResponse,
} from '../protocol/wire/gen/orchestrator_service_pb.js';
import { InvalidArgumentError, TimeoutError } from '../errors.js';
import type { Client } from '../runtime/client.js';
import type { EncodedClient } from '../runtime/encoded-client.js';
import type { Logger } from '../runtime/logger.js';
import { dialectOfCall, mintExecutionId } from './dialect.js';
import { encoded, type TaskHubSidecarHandlers } from './service-definition.js';
import { unary } from './rpc-handler.js';

type ClientHandlers = Pick<
  TaskHubSidecarHandlers,
  | 'hello' | 'startInstance' | 'getInstance' | 'waitForInstanceStart' | 'waitForInstanceCompletion'
  | 'raiseEvent' | 'terminateInstance' | 'suspendInstance' | 'resumeInstance' | 'purgeInstances'
>;

export function clientHandlers(client: Client, logger: Logger): ClientHandlers {
  const { encoded: raw } = client;
  const instanceResponse = (meta: WorkflowMetadata | undefined, request: GetInstanceRequest): GetInstanceResponse =>
    create(GetInstanceResponseSchema, meta ? { exists: true, workflowState: stateToWire(meta, request.getInputsAndOutputs) } : { exists: false });
  const waitRpc = (what: 'start' | 'completion') => async (request: GetInstanceRequest, call: ServerUnaryCall<GetInstanceRequest, GetInstanceResponse>) =>
    instanceResponse(await waitUntil(raw, validateInstanceId(request.instanceId), what, call), request);
  return {
    hello: unary(logger, 'Hello', async () => create(EmptySchema)),
    startInstance: unary(logger, 'StartInstance', async (body, call) => {
      const dialect = dialectOfCall(call.metadata);
      const request = createInstanceRequestFromBinary(dialect, encoded(CreateInstanceRequestSchema, body));
      const instanceId = await raw.startWorkflow({
        name: requireNonEmpty(request.name, 'name'),
        // Clients generate IDs; an empty one gets a UUID here.
        instanceId: request.instanceId === '' ? undefined : validateInstanceId(request.instanceId),
        executionId: request.executionId || mintExecutionId(dialect),
        version: request.version,
        input: request.input,
        startAt: optionalTimestampToDate(request.scheduledStartTimestamp, 'scheduledStartTimestamp'),
        parentTraceContext: traceContextFromWire(request.parentTraceContext),
        tags: tagsFromWire(request.tags),
        router: optionalRouterFromWire(request.router),
      });
      return create(CreateInstanceResponseSchema, { instanceId });
    }),
    getInstance: unary(logger, 'GetInstance', async (request) =>
      instanceResponse(await raw.getWorkflowMetadata(validateInstanceId(request.instanceId)), request),
    ),
    waitForInstanceStart: unary(logger, 'WaitForInstanceStart', waitRpc('start')),
    waitForInstanceCompletion: unary(logger, 'WaitForInstanceCompletion', waitRpc('completion')),
    raiseEvent: unary(logger, 'RaiseEvent', async (request) => {
      await raw.raiseEvent(validateInstanceId(request.instanceId), requireNonEmpty(request.name, 'name'), request.input);
      return create(RaiseEventResponseSchema);
    }),
    terminateInstance: unary(logger, 'TerminateInstance', async (request) => {
      await raw.terminateWorkflow(validateInstanceId(request.instanceId), { output: request.output, recursive: request.recursive });
      return create(TerminateResponseSchema);
    }),
    suspendInstance: unary(logger, 'SuspendInstance', async (request) => {
      await raw.suspendWorkflow(validateInstanceId(request.instanceId), request.reason);
      return create(SuspendResponseSchema);
    }),
    resumeInstance: unary(logger, 'ResumeInstance', async (request) => {
      await raw.resumeWorkflow(validateInstanceId(request.instanceId), request.reason);
      return create(ResumeResponseSchema);
    }),
    purgeInstances: unary(logger, 'PurgeInstances', async (request) => {
      const recursive = request.recursive;
      const target = request.request;
      if (target.case === 'instanceId') {
        const count = await client.purgeWorkflow(validateInstanceId(target.value), { recursive });
        return create(PurgeInstancesResponseSchema, { deletedInstanceCount: count, isComplete: true });
      }
      if (target.case !== 'purgeInstanceFilter') throw new InvalidArgumentError('request', 'set instanceId or purgeInstanceFilter');
      const f = target.value;
      const result = await client.purgeWorkflows(
        {
          createdFrom: optionalTimestampToDate(f.createdTimeFrom, 'purgeInstanceFilter.createdTimeFrom'),
          createdTo: optionalTimestampToDate(f.createdTimeTo, 'purgeInstanceFilter.createdTimeTo'),
          statuses: f.runtimeStatus.length === 0 ? undefined : f.runtimeStatus.map((s, i) => runtimeStatusFromWire(s, `purgeInstanceFilter.runtimeStatus[${i}]`)),
        },
        { recursive },
      );
      // The protocol has no field for what was skipped: isComplete says some matches are left, the log says why.
      if (result.skipped.length > 0) logger.warn({ skipped: result.skipped }, 'PurgeInstances left instances that cannot be purged yet');
      return create(PurgeInstancesResponseSchema, { deletedInstanceCount: result.deletedInstanceCount, isComplete: result.skipped.length === 0 });
    }),
  };
}

/** WorkflowState on the wire; failure details are not a payload, so they are always sent. */
export function stateToWire(meta: WorkflowMetadata, withPayloads: boolean) {
  const state = workflowStateToWire(meta, { getInputsAndOutputs: withPayloads });
  state.failureDetails = optionalFailureToWire(meta.failureDetails);
  return state;
}

/**
 * Waits in short slices so a cancelled call (client gone, or its deadline passed: grpc-js cancels the call)
 * stops polling within a second; there is no server-side limit beyond the caller's deadline.
 */
async function waitUntil(client: EncodedClient, instanceId: string, what: 'start' | 'completion', call: ServerUnaryCall<unknown, unknown>): Promise<WorkflowMetadata> {
  const slice = { timeoutMs: 1000 };
  for (;;) {
    if (call.cancelled) throw new TimeoutError(`the wait for the ${what} of workflow '${instanceId}' was cancelled by the caller`);
    try {
      return what === 'start' ? await client.waitForWorkflowStart(instanceId, slice) : await client.waitForWorkflowCompletion(instanceId, slice);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
    }
  }
}
