// Microsoft workItemFilters: a GetWorkItems stream is sent only the workflows and activities it declares; work
// that no connected stream serves stays queued (never failed) until a stream that serves it connects. The
// sidecar announces what its streams serve with a worker heartbeat.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { WorkflowAction } from '../../src/protocol/actions.js';
import { actionToWire } from '../../src/protocol/wire/action-wire.js';
import {
  MicrosoftGetWorkItemsRequestSchema,
  MicrosoftOrchestratorResponseSchema,
  MicrosoftWorkItemSchema,
  type MicrosoftWorkItem,
} from '../../src/protocol/wire/gen/microsoft_dialect_pb.js';
import { CreateInstanceRequestSchema, GetInstanceRequestSchema } from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { OrchestrationStatus } from '../../src/protocol/wire/gen/orchestration_pb.js';
import { waitingReason } from '../../src/runtime/waiting-reason.js';
import { RawClient, type WorkItemQueue } from './raw-client.js';
import { eventually, startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

const microsoft = (bytes: Buffer) => fromBinary(MicrosoftWorkItemSchema, bytes);
const request = (item: MicrosoftWorkItem) => item.request;

describe('sidecar workItemFilters (Microsoft dialect, raw protobuf)', { timeout: 60_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;
  const open = (workflows: string[], activities: string[]): WorkItemQueue<Buffer> =>
    rpc.openRawWorkItems(toBinary(MicrosoftGetWorkItemsRequestSchema, create(MicrosoftGetWorkItemsRequestSchema, {
      maxConcurrentOrchestrationWorkItems: 4,
      workItemFilters: { orchestrations: workflows.map((name) => ({ name })), activities: activities.map((name) => ({ name })) },
    })));
  const start = (instanceId: string, name: string) => rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId, name }));
  const statusOf = async (instanceId: string) =>
    (await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId }))).workflowState?.workflowStatus;
  const turnFor = (instanceId: string) => (b: Buffer) => {
    const r = request(microsoft(b));
    return r.case === 'orchestratorRequest' && r.value.instanceId === instanceId;
  };
  const answer = (instanceId: string, token: string, actions: WorkflowAction[]) =>
    rpc.call('completeOrchestratorTask', toBinary(MicrosoftOrchestratorResponseSchema, create(MicrosoftOrchestratorResponseSchema, {
      instanceId, completionToken: token, actions: actions.map(actionToWire),
    })));
  const sidecarWorkers = async () => (await h.backend.listWorkers()).filter((w) => w.name === 'sidecar');

  before(async () => {
    h = await startTestSidecar();
    rpc = new RawClient(h.sidecar.address);
  });

  after(async () => {
    rpc.close();
    await h.sidecar.close();
  });

  it('sends each stream only what it declares; unserved work waits, then goes to the stream that serves it', async () => {
    const a = open(['wa'], []);
    const b = open(['wb'], []);
    let c: WorkItemQueue<Buffer> | undefined;
    try {
      await start('fa', 'wa');
      await start('fb', 'wb');
      await start('fc', 'wc');
      const turnA = microsoft(await a.take(turnFor('fa')));
      const turnB = microsoft(await b.take(turnFor('fb')));
      // wa schedules an activity nobody serves yet; wb completes.
      await answer('fa', turnA.completionToken, [{ id: 0, type: 'scheduleTask', name: 'actC', input: '1', taskExecutionId: 'e1' }]);
      await answer('fb', turnB.completionToken, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '"b"' }]);
      await eventually(async () => ((await statusOf('fb')) === OrchestrationStatus.COMPLETED ? true : undefined), 10_000, 'fb COMPLETED');

      // The sidecar announces what its streams serve; the instance of 'wc' is waiting for a worker.
      const announced = await eventually(async () => {
        const [w] = await sidecarWorkers();
        return w && [...w.workflows].sort().join() === 'wa,wb' ? w : undefined;
      }, 10_000, 'the sidecar announcing wa and wb');
      assert.deepEqual(announced.activities, []);
      assert.match(waitingReason({ name: 'wc', runtimeStatus: 'PENDING' }, [announced]) ?? '', /no worker has registered workflow 'wc'/);
      assert.equal(waitingReason({ name: 'wa', runtimeStatus: 'RUNNING' }, [announced], ['actC'])?.includes("activity 'actC'"), true);

      // A stream that serves wc and actC connects: it gets exactly those.
      c = open(['wc'], ['actC']);
      const turnC = microsoft(await c.take(turnFor('fc')));
      await answer('fc', turnC.completionToken, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED' }]);
      const activity = request(microsoft(await c.take((bytes) => request(microsoft(bytes)).case === 'activityRequest')));
      assert.equal(activity.case === 'activityRequest' && activity.value.name, 'actC');
      await eventually(async () => ((await statusOf('fc')) === OrchestrationStatus.COMPLETED ? true : undefined), 10_000, 'fc COMPLETED');

      // Neither of the first two streams was ever sent work it did not declare.
      for (const [queue, only] of [[a, 'fa'], [b, 'fb']] as const) {
        for (const bytes of queue.items) {
          const r = request(microsoft(bytes));
          assert.equal(r.case === 'orchestratorRequest' ? r.value.instanceId : r.case, only);
        }
      }
      assert.equal(await statusOf('fa'), OrchestrationStatus.RUNNING);
    } finally {
      a.cancel();
      b.cancel();
      c?.cancel();
    }
  });

  it('an unfiltered stream is announced as serving any name', async () => {
    const any = rpc.openRawWorkItems(toBinary(MicrosoftGetWorkItemsRequestSchema, create(MicrosoftGetWorkItemsRequestSchema, { maxConcurrentOrchestrationWorkItems: 1 })));
    try {
      const announced = await eventually(async () => {
        const [w] = await sidecarWorkers();
        return w?.workflows.includes('*') ? w : undefined;
      }, 10_000, "the sidecar announcing '*'");
      assert.equal(waitingReason({ name: 'anything', runtimeStatus: 'PENDING' }, [announced]), undefined);
    } finally {
      any.cancel();
    }
  });
});
