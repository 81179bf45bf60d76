import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { WorkflowAction, WorkflowActionType } from '../actions.js';
import { newEvent } from '../history.js';
import { InvalidArgumentError } from '../../errors.js';
import { actionFromWire, actionToWire, actionsFromWire } from './action-wire.js';
import { WorkflowActionSchema, type WorkflowAction as WireWorkflowAction } from './gen/orchestrator_actions_pb.js';
import { WorkflowResponseSchema } from './gen/orchestrator_service_pb.js';
import type { OrchestrationStatus } from './gen/orchestration_pb.js';

const t = new Date('2026-03-01T10:20:30.456Z');
const fireAt = new Date('2026-03-01T11:00:00.999Z');

// Keyed by every action type: the compiler fails this file if a kind is added and not covered here.
const samples: Record<WorkflowActionType, WorkflowAction> = {
  scheduleTask: { id: 0, type: 'scheduleTask', name: 'act', version: '1', input: '[1]', taskExecutionId: 'x-0' },
  createChildWorkflow: {
    id: 1, type: 'createChildWorkflow', instanceId: 'i1:0001', name: 'child', version: 'v', input: '{}',
    retryParentInstanceId: 'i1:0000', router: { sourceAppID: 'a', targetAppID: 'b' },
  },
  createTimer: { id: 2, type: 'createTimer', fireAt, name: 't', origin: { kind: 'activityRetry', taskExecutionId: 'x-0' } },
  sendEvent: { id: 3, type: 'sendEvent', instance: { instanceId: 'other', executionId: 'e' }, name: 'ping', data: '1' },
  completeWorkflow: {
    id: 4, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '{"n":2}',
    carryoverEvents: [newEvent('eventRaised', t, { name: 'ping', input: '1' })],
    failureDetails: { errorType: 'E', errorMessage: 'm', isNonRetriable: true },
  },
  terminateWorkflow: { id: 5, type: 'terminateWorkflow', instanceId: 'other', reason: '"stop"', recurse: true },
  workflowVersionNotAvailable: { id: 6, type: 'workflowVersionNotAvailable' },
  createDetachedWorkflow: {
    id: 7, type: 'createDetachedWorkflow', instanceId: 'i1-0', name: 'detached', version: 'v1', input: '{"x":1}',
    scheduledStartTimestamp: fireAt, executionId: 'ex-1', tags: { k: 'v' },
    parentTraceContext: { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    router: { targetAppID: 'other-app', targetAppNamespace: 'ns' },
  },
};

function roundTrip(action: WorkflowAction): WorkflowAction {
  return actionFromWire(fromBinary(WorkflowActionSchema, toBinary(WorkflowActionSchema, actionToWire(action))));
}

function expectInvalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    assert.equal(err.field, field);
    return true;
  });
}

describe('workflow actions on the wire', () => {
  for (const [type, action] of Object.entries(samples)) {
    it(`${type} survives toBinary/fromBinary unchanged`, () => {
      assert.deepStrictEqual(roundTrip(action), action);
    });
  }

  it('every timer origin keeps its kind (CreateTimerAction numbers them 3-6)', () => {
    const origins = [
      { kind: 'createTimer' },
      { kind: 'externalEvent', name: 'e' },
      { kind: 'activityRetry', taskExecutionId: 'x-9' },
      { kind: 'childWorkflowRetry', instanceId: 'c-1' },
    ] as const;
    for (const origin of origins) {
      const action: WorkflowAction = { id: 1, type: 'createTimer', fireAt, origin };
      assert.deepStrictEqual(roundTrip(action), action);
    }
  });

  it('puts createDetachedWorkflow at oneof 11 and externalEvent origin at 4 in the action', () => {
    const detached = Buffer.from(toBinary(WorkflowActionSchema, actionToWire(samples.createDetachedWorkflow)));
    assert.ok(detached.includes(Buffer.from([0x5a]))); // field 11, wire type 2
    const timer = actionToWire({ id: 1, type: 'createTimer', fireAt, origin: { kind: 'externalEvent', name: 'e' } });
    const bytes = Buffer.from(toBinary(WorkflowActionSchema, timer));
    // CreateTimerAction.externalEvent = field 4 -> key 0x22, holding TimerOriginExternalEvent{name:"e"} = 0a 01 65
    assert.ok(bytes.includes(Buffer.from([0x22, 0x03, 0x0a, 0x01, 0x65])));
  });

  it('maps a whole WorkflowResponse in order', () => {
    const response = create(WorkflowResponseSchema, { instanceId: 'i1', actions: Object.values(samples).map(actionToWire) });
    const decoded = fromBinary(WorkflowResponseSchema, toBinary(WorkflowResponseSchema, response));
    assert.deepStrictEqual(actionsFromWire(decoded.actions), Object.values(samples));
  });
});

describe('actionFromWire validation', () => {
  it('a Microsoft sendEntityMessage (field 8) is refused as unsupported entities, naming the field', () => {
    // id=3, then field 8 (wire type 2) holding an empty message: 08 03 42 00.
    const wire = fromBinary(WorkflowActionSchema, new Uint8Array([0x08, 0x03, 0x42, 0x00]));
    assert.throws(() => actionsFromWire([wire]), (e: unknown) =>
      e instanceof InvalidArgumentError && /actions\[0\]\.sendEntityMessage/.test(e.message) && /entities are not supported by this engine/.test(e.message));
  });

  function withActions(...actions: WireWorkflowAction[]): WireWorkflowAction[] {
    return [actionToWire(samples.scheduleTask), actionToWire(samples.createTimer), actionToWire(samples.sendEvent), ...actions];
  }

  it('names a detached workflow with an empty name by its index', () => {
    const bad = actionToWire({ ...samples.createDetachedWorkflow, name: '' } as WorkflowAction);
    expectInvalid(() => actionsFromWire(withActions(bad)), 'actions[3].createDetachedWorkflow.name');
  });

  it('requires the detached instance ID', () => {
    const bad = actionToWire({ ...samples.createDetachedWorkflow, instanceId: '' } as WorkflowAction);
    expectInvalid(() => actionsFromWire([bad]), 'actions[0].createDetachedWorkflow.instanceId');
  });

  it('rejects an action with no oneof set', () => {
    expectInvalid(() => actionsFromWire(withActions(create(WorkflowActionSchema, { id: 9 }))), 'actions[3].workflowActionType');
  });

  it('rejects a timer without fireAt and a timestamp out of range', () => {
    const noFire = create(WorkflowActionSchema, { id: 1, workflowActionType: { case: 'createTimer', value: {} } });
    expectInvalid(() => actionFromWire(noFire, 'actions[0]'), 'actions[0].createTimer.fireAt');
    const badNanos = create(WorkflowActionSchema, {
      id: 1, workflowActionType: { case: 'createTimer', value: { fireAt: { seconds: 10n, nanos: 2_000_000_000 } } },
    });
    expectInvalid(() => actionFromWire(badNanos, 'actions[0]'), 'actions[0].createTimer.fireAt.nanos');
    const farFuture = create(WorkflowActionSchema, {
      id: 1, workflowActionType: { case: 'createDetachedWorkflow', value: { instanceId: 'a', name: 'b', scheduledStartTimestamp: { seconds: 1n << 40n } } },
    });
    expectInvalid(() => actionFromWire(farFuture, 'a'), 'a.createDetachedWorkflow.scheduledStartTimestamp.seconds');
  });

  it('rejects unknown enum values, missing targets and bad carryover events', () => {
    const status = actionToWire(samples.completeWorkflow);
    if (status.workflowActionType.case === 'completeWorkflow') status.workflowActionType.value.workflowStatus = 99 as OrchestrationStatus;
    expectInvalid(() => actionFromWire(status, 'actions[4]'), 'actions[4].completeWorkflow.workflowStatus');

    const carry = actionToWire(samples.completeWorkflow);
    if (carry.workflowActionType.case === 'completeWorkflow') carry.workflowActionType.value.carryoverEvents[0]!.timestamp = undefined;
    expectInvalid(() => actionFromWire(carry, 'actions[4]'), 'actions[4].completeWorkflow.carryoverEvents[0].timestamp');

    const noTarget = create(WorkflowActionSchema, { id: 3, workflowActionType: { case: 'sendEvent', value: { name: 'x' } } });
    expectInvalid(() => actionFromWire(noTarget, 'actions[3]'), 'actions[3].sendEvent.instance');
    const noTerminateTarget = create(WorkflowActionSchema, { id: 5, workflowActionType: { case: 'terminateWorkflow', value: {} } });
    expectInvalid(() => actionFromWire(noTerminateTarget, 'actions[5]'), 'actions[5].terminateWorkflow.instanceId');
    const noActivity = create(WorkflowActionSchema, { id: 0, workflowActionType: { case: 'scheduleTask', value: {} } });
    expectInvalid(() => actionFromWire(noActivity, 'actions[0]'), 'actions[0].scheduleTask.name');
  });

  it('accepts a child workflow without an instance ID (the applier derives one)', () => {
    const action: WorkflowAction = { id: 1, type: 'createChildWorkflow', instanceId: '', name: 'child' };
    assert.deepStrictEqual(roundTrip(action), action);
  });
});
