// One test per class of bad input to the sidecar: each gets its status and a message that says what was wrong.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  AbandonOrchestrationTaskRequestSchema,
  CreateInstanceRequestSchema,
  CreateTaskHubRequestSchema,
  GetInstanceHistoryRequestSchema,
  GetInstanceRequestSchema,
  PurgeInstancesRequestSchema,
  RaiseEventRequestSchema,
  RewindInstanceRequestSchema,
  SignalEntityRequestSchema,
  TerminateRequestSchema,
  WorkflowResponseSchema,
} from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { RawClient } from './raw-client.js';
import { startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

async function refused(promise: Promise<unknown>, code: status, pattern: RegExp): Promise<ServiceError> {
  const error = await promise.then(
    () => assert.fail(`expected ${status[code]}, but the call succeeded`),
    (e: unknown) => e as ServiceError,
  );
  assert.equal(error.code, code, `expected ${status[code]}, got ${status[error.code]}: ${error.details}`);
  assert.match(error.details, pattern);
  return error;
}

describe('sidecar refuses bad input', { timeout: 30_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;

  before(async () => {
    h = await startTestSidecar({ maxMessageBytes: 64 * 1024 });
    rpc = new RawClient(h.sidecar.address);
  });

  after(async () => {
    rpc.close();
    await h.sidecar.close();
  });

  it('a missing field is INVALID_ARGUMENT naming the field', async () => {
    const error = await refused(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'x' })), status.INVALID_ARGUMENT, /\bname\b/);
    assert.deepEqual(error.metadata.get('x-invalid-field'), ['name']);
    await refused(rpc.call('raiseEvent', create(RaiseEventRequestSchema, { name: 'e' })), status.INVALID_ARGUMENT, /instanceId/);
    await refused(rpc.call('completeWorkflowTask', create(WorkflowResponseSchema, {})), status.INVALID_ARGUMENT, /instanceId/);
    await refused(rpc.call('abandonTaskOrchestratorWorkItem', create(AbandonOrchestrationTaskRequestSchema, {})), status.INVALID_ARGUMENT, /completionToken/);
    await refused(rpc.call('purgeInstances', create(PurgeInstancesRequestSchema, {})), status.INVALID_ARGUMENT, /instanceId or purgeInstanceFilter/);
  });

  it('a malformed instance ID (NUL, over the length limit) is INVALID_ARGUMENT naming instanceId, on every client RPC', async () => {
    const nul = 'a\u0000b';
    const long = 'x'.repeat(513);
    await refused(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: nul, name: 'W' })), status.INVALID_ARGUMENT, /instanceId: contains a NUL/);
    await refused(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: long, name: 'W' })), status.INVALID_ARGUMENT, /instanceId: is 513 characters long/);
    await refused(rpc.call('raiseEvent', create(RaiseEventRequestSchema, { instanceId: nul, name: 'e' })), status.INVALID_ARGUMENT, /instanceId: contains a NUL/);
    await refused(rpc.call('terminateInstance', create(TerminateRequestSchema, { instanceId: nul })), status.INVALID_ARGUMENT, /instanceId: contains a NUL/);
    await refused(rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId: nul })), status.INVALID_ARGUMENT, /instanceId: contains a NUL/);
  });

  it('an unknown instance is NOT_FOUND (GetInstance says exists=false, purge deletes 0)', async () => {
    await refused(rpc.call('raiseEvent', create(RaiseEventRequestSchema, { instanceId: 'nope', name: 'e' })), status.NOT_FOUND, /nope/);
    await refused(rpc.call('terminateInstance', create(TerminateRequestSchema, { instanceId: 'nope' })), status.NOT_FOUND, /nope/);
    await refused(rpc.call('getInstanceHistory', create(GetInstanceHistoryRequestSchema, { instanceId: 'nope' })), status.NOT_FOUND, /nope/);
    await refused(rpc.call('waitForInstanceStart', create(GetInstanceRequestSchema, { instanceId: 'nope' })), status.NOT_FOUND, /nope/);
    await refused(
      rpc.call('completeWorkflowTask', create(WorkflowResponseSchema, { instanceId: 'nope', completionToken: 'stale' })),
      status.NOT_FOUND,
      /completion token 'stale'/,
    );
    assert.equal((await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId: 'nope' }))).exists, false);
    const purged = await rpc.call('purgeInstances', create(PurgeInstancesRequestSchema, { request: { case: 'instanceId', value: 'nope' } }));
    assert.equal(purged.deletedInstanceCount, 0);
  });

  it('an existing ID is ALREADY_EXISTS', async () => {
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'dup', name: 'w' }));
    await refused(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'dup', name: 'w' })), status.ALREADY_EXISTS, /dup/);
  });

  it('an oversized message is RESOURCE_EXHAUSTED', async () => {
    const input = JSON.stringify('x'.repeat(100 * 1024));
    await refused(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'big', name: 'w', input })), status.RESOURCE_EXHAUSTED, /.+/);
    assert.equal((await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId: 'big' }))).exists, false);
  });

  it('a wait ends at the caller deadline', async () => {
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'never-runs', name: 'w' }));
    await refused(rpc.call('waitForInstanceCompletion', create(GetInstanceRequestSchema, { instanceId: 'never-runs' }), 300), status.DEADLINE_EXCEEDED, /.*/);
  });

  it('RPCs outside the engine are UNIMPLEMENTED with a reason', async () => {
    await refused(rpc.call('rewindInstance', create(RewindInstanceRequestSchema, { instanceId: 'dup' })), status.UNIMPLEMENTED, /RewindInstance is not implemented/);
    await refused(rpc.call('signalEntity', create(SignalEntityRequestSchema, {})), status.UNIMPLEMENTED, /entities/);
    await refused(rpc.call('createTaskHub', create(CreateTaskHubRequestSchema, {})), status.UNIMPLEMENTED, /CreateTaskHub/);
  });
});
