// The sidecar driven by a hand-written worker speaking raw protobuf over grpc-js: detached workflow rules,
// completion-token correlation, abandon and disconnect redelivery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { WorkflowAction } from '../../src/protocol/actions.js';
import type { HistoryEvent } from '../../src/protocol/history.js';
import { actionToWire } from '../../src/protocol/wire/action-wire.js';
import { historyFromWire } from '../../src/protocol/wire/history-wire.js';
import {
  CompleteTaskResponseSchema,
  CreateInstanceRequestSchema,
  GetInstanceHistoryRequestSchema,
  GetInstanceRequestSchema,
  GetWorkItemsRequestSchema,
  RaiseEventRequestSchema,
  WorkflowResponseSchema,
  AbandonOrchestrationTaskRequestSchema,
  type WorkItem,
  type WorkflowRequest,
} from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { OrchestrationStatus } from '../../src/protocol/wire/gen/orchestration_pb.js';
import { RawClient, workflowItemFor, type WorkItemQueue } from './raw-client.js';
import { startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

function request(item: WorkItem): WorkflowRequest {
  assert.equal(item.request.case, 'workflowRequest');
  return item.request.value as WorkflowRequest;
}

function respond(item: WorkItem, actions: WorkflowAction[], token = item.completionToken) {
  return create(WorkflowResponseSchema, { instanceId: request(item).instanceId, actions: actions.map(actionToWire), completionToken: token });
}

const complete = (id: number, result?: string): WorkflowAction => ({ id, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result });

async function rejectsWith(promise: Promise<unknown>, code: status, pattern?: RegExp): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    const e = error as ServiceError;
    assert.equal(e.code, code, `expected status ${status[code]}, got ${status[e.code]}: ${e.details}`);
    if (pattern) assert.match(e.details, pattern);
    return e;
  }
  assert.fail(`expected status ${status[code]}, but the call succeeded`);
}

describe('sidecar with a raw protobuf worker', { timeout: 30_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;
  let work: WorkItemQueue;
  const history = async (instanceId: string): Promise<HistoryEvent[]> =>
    historyFromWire((await rpc.call('getInstanceHistory', create(GetInstanceHistoryRequestSchema, { instanceId }))).events);
  const start = (instanceId: string, name: string, input?: string) =>
    rpc.call('startInstance', create(CreateInstanceRequestSchema, { instanceId, name, input }));

  before(async () => {
    h = await startTestSidecar();
    rpc = new RawClient(h.sidecar.address);
    work = rpc.openWorkItems(create(GetWorkItemsRequestSchema));
  });

  after(async () => {
    work.cancel();
    rpc.close();
    await h.sidecar.close();
  });

  it('applies CreateDetachedWorkflowAction with every detached rule, once across replays', async () => {
    await start('caller-1', 'caller', '"in"');
    const first = await work.take(workflowItemFor('caller-1'));
    const req = request(first);
    assert.ok(first.completionToken.length > 0);
    assert.ok(req.executionId, 'the request carries the execution ID');
    assert.deepEqual(historyFromWire(req.newEvents).map((e) => e.type), ['workflowStarted', 'executionStarted']);

    // A stale token is refused and changes nothing.
    await rejectsWith(rpc.call('completeWorkflowTask', respond(first, [complete(0)], randomUUID())), status.NOT_FOUND, /completion token/);
    assert.deepEqual(await history('caller-1'), []);

    const startAt = new Date(Date.now() + 1500);
    const spawn: WorkflowAction = {
      id: 0, type: 'createDetachedWorkflow', instanceId: 'spawned-1', name: 'spawned', input: '{"a":1}',
      tags: { team: 'x' }, scheduledStartTimestamp: startAt,
    };
    const wait: WorkflowAction = { id: 1, type: 'createTimer', fireAt: new Date(Date.now() + 60_000), origin: { kind: 'externalEvent', name: 'continue' } };
    assert.deepEqual(await rpc.call('completeWorkflowTask', respond(first, [spawn, wait])), create(CompleteTaskResponseSchema));
    // The token is used up: answering again is refused.
    await rejectsWith(rpc.call('completeWorkflowTask', respond(first, [complete(2)])), status.NOT_FOUND);

    const callerHistory = await history('caller-1');
    const created = callerHistory.filter((e) => e.type === 'detachedWorkflowInstanceCreated');
    assert.equal(created.length, 1);
    assert.equal(created[0]!.eventId, 0);
    assert.equal(created[0]!.type === 'detachedWorkflowInstanceCreated' && created[0]!.instanceId, 'spawned-1');
    assert.equal(callerHistory.filter((e) => e.type === 'childWorkflowInstanceCreated').length, 0);

    const spawned = await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId: 'spawned-1', getInputsAndOutputs: true }));
    assert.equal(spawned.exists, true);
    const state = spawned.workflowState!;
    assert.equal(state.name, 'spawned');
    assert.equal(state.input, '{"a":1}');
    assert.deepEqual(state.tags, { team: 'x' });
    assert.equal(state.parentInstanceId, undefined);
    assert.equal(state.workflowStatus, OrchestrationStatus.PENDING);
    const executionId = state.executionId;

    // Second turn of the caller: the replayed spawn is not applied again.
    await rpc.call('raiseEvent', create(RaiseEventRequestSchema, { instanceId: 'caller-1', name: 'continue', input: '1' }));
    const second = await work.take(workflowItemFor('caller-1'));
    assert.ok(historyFromWire(request(second).pastEvents).some((e) => e.type === 'detachedWorkflowInstanceCreated'));
    await rpc.call('completeOrchestratorTask', respond(second, [complete(2, '"done"')]));
    assert.equal((await history('caller-1')).filter((e) => e.type === 'detachedWorkflowInstanceCreated').length, 1);
    const still = await rpc.call('getInstance', create(GetInstanceRequestSchema, { instanceId: 'spawned-1' }));
    assert.equal(still.workflowState?.executionId, executionId);

    // The scheduled start is honoured: no turn before startAt.
    const spawnedItem = await work.take(workflowItemFor('spawned-1'), 5000);
    assert.ok(Date.now() >= startAt.getTime() - 5, 'the detached instance ran only at its scheduled start');
    const startEvent = historyFromWire(request(spawnedItem).newEvents).find((e) => e.type === 'executionStarted');
    assert.ok(startEvent && startEvent.type === 'executionStarted');
    assert.equal(startEvent.parentInstance, undefined);
    await rpc.call('completeWorkflowTask', respond(spawnedItem, [complete(0, '"spawned-done"')]));
    const done = await rpc.call('waitForInstanceCompletion', create(GetInstanceRequestSchema, { instanceId: 'spawned-1', getInputsAndOutputs: true }), 5000);
    assert.equal(done.workflowState?.workflowStatus, OrchestrationStatus.COMPLETED);
    assert.equal(done.workflowState?.output, '"spawned-done"');
  });

  it('refuses a malformed answer with the field, and the item is redelivered', async () => {
    await start('bad-answer', 'w');
    const item = await work.take(workflowItemFor('bad-answer'));
    const bad = respond(item, [{ id: 0, type: 'createTimer', fireAt: new Date() }]);
    const timer = bad.actions[0]!.workflowActionType;
    if (timer.case === 'createTimer') timer.value.fireAt = undefined;
    const error = await rejectsWith(rpc.call('completeWorkflowTask', bad), status.INVALID_ARGUMENT, /actions\[0\]\.createTimer\.fireAt/);
    assert.deepEqual(error.metadata.get('x-invalid-field'), ['actions[0].createTimer.fireAt']);
    const again = await work.take(workflowItemFor('bad-answer'), 5000);
    assert.notEqual(again.completionToken, item.completionToken);
    await rpc.call('completeWorkflowTask', respond(again, [complete(0)]));
  });

  it('redelivers an abandoned work item under a new token', async () => {
    await start('abandon-me', 'w');
    const item = await work.take(workflowItemFor('abandon-me'));
    await rpc.call('abandonTaskOrchestratorWorkItem', create(AbandonOrchestrationTaskRequestSchema, { completionToken: item.completionToken }));
    const again = await work.take(workflowItemFor('abandon-me'), 5000);
    assert.notEqual(again.completionToken, item.completionToken);
    await rpc.call('completeWorkflowTask', respond(again, [complete(0)]));
    await rejectsWith(
      rpc.call('abandonTaskOrchestratorWorkItem', create(AbandonOrchestrationTaskRequestSchema, { completionToken: item.completionToken })),
      status.NOT_FOUND,
    );
  });

  it('redelivers to another worker what a disconnected worker held', async () => {
    const other = new RawClient(h.sidecar.address);
    const leaving = other.openWorkItems(create(GetWorkItemsRequestSchema));
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Round robin: of two starts, one lands on each stream; whatever the leaving stream got comes back.
      await start('dc-1', 'w');
      await start('dc-2', 'w');
      const held = await leaving.take(() => true, 5000);
      const heldId = request(held).instanceId;
      leaving.cancel();
      const redelivered = await work.take(workflowItemFor(heldId), 5000);
      await rpc.call('completeWorkflowTask', respond(redelivered, [complete(0)]));
      const otherId = heldId === 'dc-1' ? 'dc-2' : 'dc-1';
      const mine = await work.take(workflowItemFor(otherId), 5000);
      await rpc.call('completeWorkflowTask', respond(mine, [complete(0)]));
      for (const id of ['dc-1', 'dc-2']) {
        const state = await rpc.call('waitForInstanceCompletion', create(GetInstanceRequestSchema, { instanceId: id }), 5000);
        assert.equal(state.workflowState?.workflowStatus, OrchestrationStatus.COMPLETED);
      }
    } finally {
      other.close();
    }
  });
});
