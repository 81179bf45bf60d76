// The two dialects of the protocol where their field numbers disagree (engine-spec §15), spoken byte by byte:
// each connection is decoded and answered by its own dialect's schema.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { WorkflowAction } from '../../src/protocol/actions.js';
import { actionToWire } from '../../src/protocol/wire/action-wire.js';
import { historyFromWire } from '../../src/protocol/wire/history-wire.js';
import {
  MicrosoftCreateInstanceRequestSchema,
  MicrosoftGetWorkItemsRequestSchema,
  MicrosoftOrchestratorResponseSchema,
  MicrosoftWorkItemSchema,
  type MicrosoftWorkItem,
} from '../../src/protocol/wire/gen/microsoft_dialect_pb.js';
import {
  CreateInstanceRequestSchema,
  GetInstanceHistoryRequestSchema,
  GetInstanceRequestSchema,
  GetWorkItemsRequestSchema,
  WorkflowResponseSchema,
  WorkItemSchema,
} from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { OrchestrationStatus } from '../../src/protocol/wire/gen/orchestration_pb.js';
import { RawClient } from './raw-client.js';
import { eventually, startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

const complete = (id: number, result?: string): WorkflowAction => ({ id, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result });
const microsoft = (bytes: Buffer) => fromBinary(MicrosoftWorkItemSchema, bytes);
const orchestratorItemFor = (instanceId: string) => (bytes: Buffer) => {
  const item = microsoft(bytes);
  return item.request.case === 'orchestratorRequest' && item.request.value.instanceId === instanceId;
};
const withMetadata = (entries: Record<string, string>) => {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
};

describe('sidecar dialects, raw protobuf', { timeout: 30_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;
  const status_ = async (instanceId: string) =>
    (await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId }))).workflowState?.workflowStatus;
  const completed = (instanceId: string) =>
    eventually(async () => ((await status_(instanceId)) === OrchestrationStatus.COMPLETED ? true : undefined), 5000, `${instanceId} COMPLETED`);
  const history = async (instanceId: string) =>
    historyFromWire((await rpc.call('getInstanceHistory', create(GetInstanceHistoryRequestSchema, { instanceId }))).events);

  before(async () => {
    h = await startTestSidecar();
    rpc = new RawClient(h.sidecar.address);
  });

  after(async () => {
    rpc.close();
    await h.sidecar.close();
  });

  it('Microsoft dialect: OrchestratorResponse field 6 is an OrchestrationTraceContext, and the turn completes', async () => {
    // maxConcurrentOrchestrationWorkItems (field 1) exists only in the Microsoft dialect.
    const work = rpc.openRawWorkItems(toBinary(MicrosoftGetWorkItemsRequestSchema, create(MicrosoftGetWorkItemsRequestSchema, { maxConcurrentOrchestrationWorkItems: 4 })));
    try {
      await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'ms-trace', name: 'w' }));
      const item = microsoft(await work.take(orchestratorItemFor('ms-trace')));
      // A span start time whose bytes are not UTF-8: decoded as a Dapr WorkflowVersion this fails.
      const answer = create(MicrosoftOrchestratorResponseSchema, {
        instanceId: 'ms-trace',
        completionToken: item.completionToken,
        actions: [actionToWire(complete(0, '"ok"'))],
        orchestrationTraceContext: { spanID: 'b7ad6b7169203331', spanStartTime: timestampFromDate(new Date(1_765_000_000_123)) },
      });
      await rpc.call('completeOrchestratorTask', toBinary(MicrosoftOrchestratorResponseSchema, answer));
      await completed('ms-trace');
      assert.equal((await history('ms-trace')).find((e) => e.type === 'workflowStarted')?.version, undefined);
    } finally {
      work.cancel();
    }
  });

  it('Microsoft dialect: requiresHistory (field 7) gives the item back, and it comes again', async () => {
    const work = rpc.openRawWorkItems(new Uint8Array(), withMetadata({ 'durabletask-dialect': 'microsoft' }));
    try {
      await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'ms-history', name: 'w' }));
      const first = microsoft(await work.take(orchestratorItemFor('ms-history')));
      await rpc.call('completeOrchestratorTask', toBinary(MicrosoftOrchestratorResponseSchema, create(MicrosoftOrchestratorResponseSchema, {
        instanceId: 'ms-history', completionToken: first.completionToken, requiresHistory: true,
      })));
      const again = microsoft(await work.take(orchestratorItemFor('ms-history')));
      assert.notEqual(again.completionToken, first.completionToken);
      await rpc.call('completeOrchestratorTask', toBinary(MicrosoftOrchestratorResponseSchema, create(MicrosoftOrchestratorResponseSchema, {
        instanceId: 'ms-history', completionToken: again.completionToken, actions: [actionToWire(complete(0))],
      })));
      await completed('ms-history');
    } finally {
      work.cancel();
    }
  });

  it('Dapr dialect: WorkflowResponse field 6 is the WorkflowVersion, recorded on the turn', async () => {
    const work = rpc.openWorkItems(create(GetWorkItemsRequestSchema));
    try {
      await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'dapr-version', name: 'w' }));
      const item = await work.take((i) => i.request.case === 'workflowRequest' && i.request.value.instanceId === 'dapr-version');
      await rpc.call('completeOrchestratorTask', create(WorkflowResponseSchema, {
        instanceId: 'dapr-version', completionToken: item.completionToken,
        actions: [actionToWire(complete(0))], version: { patches: ['fix-1'], name: 'v2' },
      }));
      await completed('dapr-version');
      const started = (await history('dapr-version')).find((e) => e.type === 'workflowStarted');
      assert.deepEqual(started?.version, { patches: ['fix-1'], name: 'v2' });
    } finally {
      work.cancel();
    }
  });

  it('ActivityRequest field 7: Dapr taskExecutionId, absent for the Microsoft dialect (its tags map)', async () => {
    // The user agent of both JS SDKs selects the Microsoft dialect for a stream that declares nothing.
    const jsSdk = new RawClient(h.sidecar.address, { 'grpc.primary_user_agent': 'durabletask-js' });
    const ms = jsSdk.openRawWorkItems(new Uint8Array());
    try {
      await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'ms-act', name: 'w' }));
      const turn = microsoft(await ms.take(orchestratorItemFor('ms-act')));
      const action: WorkflowAction = { id: 0, type: 'scheduleTask', name: 'act', input: '"x"', taskExecutionId: 'exec-1' };
      await rpc.call('completeOrchestratorTask', toBinary(MicrosoftOrchestratorResponseSchema, create(MicrosoftOrchestratorResponseSchema, {
        instanceId: 'ms-act', completionToken: turn.completionToken, actions: [actionToWire(action)],
      })));
      const bytes = await ms.take((b) => microsoft(b).request.case === 'activityRequest');
      const activity = microsoft(bytes).request.value as Extract<MicrosoftWorkItem['request'], { case: 'activityRequest' }>['value'];
      assert.equal(activity.name, 'act');
      assert.equal(activity.orchestrationInstance?.instanceId, 'ms-act');
      assert.deepEqual(activity.tags, {});
      // The same bytes read as the Dapr layout carry no taskExecutionId: field 7 was not written.
      const asDapr = fromBinary(WorkItemSchema, bytes);
      assert.equal(asDapr.request.case === 'activityRequest' && asDapr.request.value.taskExecutionId, '');
    } finally {
      ms.cancel();
      jsSdk.close();
    }
  });

  it('CreateInstanceRequest field 10: Microsoft requestTime is not read as the Dapr enforceUniqueInstanceId', async () => {
    const request = create(MicrosoftCreateInstanceRequestSchema, { instanceId: 'ms-start', name: 'w', requestTime: timestampFromDate(new Date()) });
    const agent = withMetadata({ 'durabletask-dialect': 'microsoft' });
    const started = await rpc.call('startInstance', toBinary(MicrosoftCreateInstanceRequestSchema, request), undefined, agent);
    assert.equal(started.instanceId, 'ms-start');
    // Read as the Dapr layout, a Timestamp in field 10 is not a bool: the Dapr decoder refuses it.
    await assert.rejects(
      rpc.call('startInstance', toBinary(MicrosoftCreateInstanceRequestSchema, { ...request, instanceId: 'ms-start-2' })),
      (e: ServiceError) => e.code === status.INVALID_ARGUMENT && /CreateInstanceRequest/.test(e.details),
    );
  });

  it('refuses an unknown dialect name in metadata, naming the entry', async () => {
    const work = rpc.openRawWorkItems(new Uint8Array(), withMetadata({ 'durabletask-dialect': 'klingon' }));
    await eventually(async () => work.ended, 5000, 'the stream to be refused');
    assert.equal(work.ended?.code, status.INVALID_ARGUMENT);
    assert.match(work.ended?.details ?? '', /durabletask-dialect/);
  });
});
