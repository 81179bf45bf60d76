// The sidecar's limits, spoken raw: completions must end the workflow, payloads entering through gRPC are
// limited, no work item exceeds what a default gRPC client receives, and an unanswered item is re-dispatched.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { WorkflowAction } from '../../src/protocol/actions.js';
import { actionToWire } from '../../src/protocol/wire/action-wire.js';
import {
  ActivityResponseSchema,
  CreateInstanceRequestSchema,
  GetInstanceRequestSchema,
  GetWorkItemsRequestSchema,
  RaiseEventRequestSchema,
  WorkflowResponseSchema,
  type WorkItem,
} from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { OrchestrationStatus } from '../../src/protocol/wire/gen/orchestration_pb.js';
import { RawClient, workflowItemFor, type WorkItemQueue } from './raw-client.js';
import { eventually, startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

const isCode = (code: status, pattern?: RegExp) => (e: ServiceError) => e.code === code && (!pattern || pattern.test(e.details));

describe('sidecar limits, raw protobuf', { timeout: 60_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;
  let work: WorkItemQueue;
  const answer = (item: WorkItem, actions: WorkflowAction[]) =>
    rpc.call('completeWorkflowTask', create(WorkflowResponseSchema, {
      instanceId: item.request.case === 'workflowRequest' ? item.request.value.instanceId : '',
      completionToken: item.completionToken, actions: actions.map(actionToWire),
    }));
  const state = async (instanceId: string) => (await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId, getInputsAndOutputs: true }))).workflowState;

  before(async () => {
    h = await startTestSidecar({ maxPayloadBytes: 5 * 1024 * 1024 });
    rpc = new RawClient(h.sidecar.address);
    work = rpc.openWorkItems(create(GetWorkItemsRequestSchema));
  });

  after(async () => {
    work.cancel();
    rpc.close();
    await h.sidecar.close();
  });

  it('refuses a completion with a non-terminal status (RUNNING, the proto default) with INVALID_ARGUMENT', async () => {
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'running-done', name: 'w' }));
    const first = await work.take(workflowItemFor('running-done'));
    await assert.rejects(
      answer(first, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'RUNNING' }]),
      isCode(status.INVALID_ARGUMENT, /actions\[0\]\.completeWorkflow\.workflowStatus.*RUNNING/),
    );
    // The item was given back and comes again; a real completion then ends the instance.
    const again = await work.take(workflowItemFor('running-done'));
    await answer(again, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '1' }]);
    await eventually(async () => ((await state('running-done'))?.workflowStatus === OrchestrationStatus.COMPLETED ? true : undefined));
  });

  it('refuses payloads over maxPayloadBytes on every way in, naming the payload', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    await assert.rejects(rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'big', name: 'w', input: big })), isCode(status.RESOURCE_EXHAUSTED, /input of workflow 'w'/));
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'limits', name: 'w' }));
    await assert.rejects(rpc.call('raiseEvent', create(RaiseEventRequestSchema, { instanceId: 'limits', name: 'e', input: big })), isCode(status.RESOURCE_EXHAUSTED, /data of event 'e'/));
    const turn = await work.take(workflowItemFor('limits'));
    await answer(turn, [{ id: 0, type: 'scheduleTask', name: 'act', taskExecutionId: 't0' }]);
    const activity = await work.take((i) => i.request.case === 'activityRequest' && i.request.value.workflowInstance?.instanceId === 'limits');
    await assert.rejects(
      rpc.call('completeActivityTask', create(ActivityResponseSchema, { instanceId: 'limits', taskId: 0, result: big, completionToken: activity.completionToken })),
      isCode(status.RESOURCE_EXHAUSTED, /result/),
    );
  });

  it('fails an instance whose next work item would exceed 4 MiB, instead of sending it', async () => {
    const input = JSON.stringify('y'.repeat(3 * 1024 * 1024));
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'huge-history', name: 'w', input }));
    const first = await work.take(workflowItemFor('huge-history'));
    await answer(first, []); // waits for an event
    await rpc.call('raiseEvent', create(RaiseEventRequestSchema, { instanceId: 'huge-history', name: 'e', input: JSON.stringify('z'.repeat(2 * 1024 * 1024)) }));
    const failed = await eventually(async () => {
      const s = await state('huge-history');
      return s?.workflowStatus === OrchestrationStatus.FAILED ? s : undefined;
    });
    assert.equal(failed.failureDetails?.errorType, 'WorkItemTooLarge');
    assert.match(failed.failureDetails?.errorMessage ?? '', /over the 4194304 bytes a gRPC client receives by default/);
    assert.equal(work.ended, undefined, 'the stream is still open');
  });

  it('fails an activity whose work item would exceed 4 MiB with a clear reason, instead of sending it', async () => {
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'huge-activity', name: 'w' }));
    const first = await work.take(workflowItemFor('huge-activity'));
    const input = JSON.stringify('a'.repeat(4.5 * 1024 * 1024));
    await answer(first, [{ id: 0, type: 'scheduleTask', name: 'big', input, taskExecutionId: 'e0' }]);
    const failure = await eventually(async () => {
      const history = await h.backend.getWorkflowHistory('huge-activity');
      const failed = history.find((e) => e.type === 'taskFailed');
      return failed?.type === 'taskFailed' ? failed.failureDetails : undefined;
    });
    assert.equal(failure.errorType, 'WorkItemTooLarge');
    assert.match(failure.errorMessage, /the work item of activity 'big' \(task 0 of 'huge-activity'\) is \d+ bytes, over the 4194304 bytes/);
    assert.equal(failure.isNonRetriable, true);
    assert.equal(work.items.some((i) => i.request.case === 'activityRequest' && i.request.value.name === 'big'), false, 'never sent');
  });

  it('re-dispatches a work item that the worker does not answer within the work-item timeout', async (t) => {
    const quick = await startTestSidecar({ workItemTimeoutMs: 1000 });
    const rpc = new RawClient(quick.sidecar.address);
    const work = rpc.openWorkItems(create(GetWorkItemsRequestSchema));
    t.after(async () => {
      work.cancel();
      rpc.close();
      await quick.sidecar.close();
    });
    const answer = (item: WorkItem, actions: WorkflowAction[]) =>
      rpc.call('completeWorkflowTask', create(WorkflowResponseSchema, { instanceId: 'ignored', completionToken: item.completionToken, actions: actions.map(actionToWire) }));
    const state = async (instanceId: string) => (await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId }))).workflowState;
    await rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId: 'ignored', name: 'w' }));
    const first = await work.take(workflowItemFor('ignored'));
    const second = await work.take(workflowItemFor('ignored'), 10_000);
    assert.notEqual(second.completionToken, first.completionToken);
    await assert.rejects(answer(first, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED' }]), isCode(status.NOT_FOUND));
    await answer(second, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED' }]);
    await eventually(async () => ((await state('ignored'))?.workflowStatus === OrchestrationStatus.COMPLETED ? true : undefined));
  });
});
