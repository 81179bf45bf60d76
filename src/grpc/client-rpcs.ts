// The client half of TaskHubSidecarService: start, inspect, wait for, signal and purge instances.
// Payloads arrive as JSON text already, so events are built here with the raw text; waits and purges reuse
// the runtime Client. Unlike the reference engine, no RPC here blocks on a worker (StartInstance returns once
// the instance exists; Terminate/Suspend/Resume once the event is queued).
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { EmptySchema } from '@bufbuild/protobuf/wkt';
import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { Backend } from '../backends/backend.js';
import { validateInstanceId } from '../core/instance-id.js';
import { newEvent } from '../protocol/history.js';
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
import { Client } from '../runtime/client.js';
import type { Logger } from '../runtime/logger.js';
import { dialectOfCall } from './dialect.js';
import { encoded, type TaskHubSidecarHandlers } from './service-definition.js';
import { unary } from './rpc-handler.js';

type ClientHandlers = Pick<
  TaskHubSidecarHandlers,
  | 'hello' | 'startInstance' | 'getInstance' | 'waitForInstanceStart' | 'waitForInstanceCompletion'
  | 'raiseEvent' | 'terminateInstance' | 'suspendInstance' | 'resumeInstance' | 'purgeInstances'
>;

export function clientHandlers(backend: Backend, logger: Logger): ClientHandlers {
  const client = new Client({ backend });
  const instanceResponse = (meta: WorkflowMetadata | undefined, request: GetInstanceRequest): GetInstanceResponse =>
    create(GetInstanceResponseSchema, meta ? { exists: true, workflowState: stateToWire(meta, request.getInputsAndOutputs) } : { exists: false });
  const waitRpc = (what: 'start' | 'completion') => async (request: GetInstanceRequest, call: ServerUnaryCall<GetInstanceRequest, GetInstanceResponse>) => {
    const instanceId = validateInstanceId(request.instanceId);
    await waitUntil(client, instanceId, what, call);
    return instanceResponse(await backend.getWorkflowMetadata(instanceId), request);
  };
  return {
    hello: unary(logger, 'Hello', async () => create(EmptySchema)),
    startInstance: unary(logger, 'StartInstance', async (body, call) => {
      const request = createInstanceRequestFromBinary(dialectOfCall(call.metadata), encoded(CreateInstanceRequestSchema, body));
      const instanceId = request.instanceId === '' ? randomUUID() : validateInstanceId(request.instanceId);
      const event = newEvent('executionStarted', new Date(), {
        name: requireNonEmpty(request.name, 'name'),
        version: request.version,
        input: request.input,
        workflowInstance: { instanceId, executionId: request.executionId || randomUUID() },
        scheduledStartTimestamp: optionalTimestampToDate(request.scheduledStartTimestamp, 'scheduledStartTimestamp'),
        parentTraceContext: traceContextFromWire(request.parentTraceContext),
        tags: tagsFromWire(request.tags),
        router: optionalRouterFromWire(request.router),
      });
      await backend.createWorkflowInstance(event, { reuse: 'error' });
      return create(CreateInstanceResponseSchema, { instanceId });
    }),
    getInstance: unary(logger, 'GetInstance', async (request) =>
      instanceResponse(await backend.getWorkflowMetadata(validateInstanceId(request.instanceId)), request),
    ),
    waitForInstanceStart: unary(logger, 'WaitForInstanceStart', waitRpc('start')),
    waitForInstanceCompletion: unary(logger, 'WaitForInstanceCompletion', waitRpc('completion')),
    raiseEvent: unary(logger, 'RaiseEvent', async (request) => {
      const instanceId = validateInstanceId(request.instanceId);
      const name = requireNonEmpty(request.name, 'name');
      await backend.addWorkflowEvent(instanceId, newEvent('eventRaised', new Date(), { name, input: request.input }));
      return create(RaiseEventResponseSchema);
    }),
    terminateInstance: unary(logger, 'TerminateInstance', async (request) => {
      const instanceId = validateInstanceId(request.instanceId);
      await backend.addWorkflowEvent(instanceId, newEvent('executionTerminated', new Date(), { input: request.output, recurse: request.recursive }));
      return create(TerminateResponseSchema);
    }),
    suspendInstance: unary(logger, 'SuspendInstance', async (request) => {
      const instanceId = validateInstanceId(request.instanceId);
      await backend.addWorkflowEvent(instanceId, newEvent('executionSuspended', new Date(), { input: request.reason }));
      return create(SuspendResponseSchema);
    }),
    resumeInstance: unary(logger, 'ResumeInstance', async (request) => {
      const instanceId = validateInstanceId(request.instanceId);
      await backend.addWorkflowEvent(instanceId, newEvent('executionResumed', new Date(), { input: request.reason }));
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
async function waitUntil(client: Client, instanceId: string, what: 'start' | 'completion', call: ServerUnaryCall<unknown, unknown>): Promise<void> {
  const slice = { timeoutMs: 1000 };
  for (;;) {
    if (call.cancelled) throw new TimeoutError(`the wait for the ${what} of workflow '${instanceId}' was cancelled by the caller`);
    try {
      if (what === 'start') await client.waitForWorkflowStart(instanceId, slice);
      else await client.waitForWorkflowCompletion(instanceId, slice);
      return;
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
    }
  }
}
