import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent } from '../../protocol/history.js';
import type { WorkflowAction } from '../../protocol/actions.js';
import { InvalidArgumentError } from '../../errors.js';
import { addEvent, newRuntimeState, runtimeStatus, type RuntimeState } from '../runtime-state.js';
import { applyActions } from './apply.js';
import type { Turn } from './turn-output.js';
import { emptyTurnResult } from '../turn-result.js';

const now = new Date('2026-01-01T00:00:00Z');

function startedState(instanceId = 'caller', parent?: { id: string; taskScheduledId: number }): RuntimeState {
  const state = newRuntimeState(instanceId);
  addEvent(state, newEvent('workflowStarted', now, {}));
  addEvent(
    state,
    newEvent('executionStarted', now, {
      name: 'wf',
      workflowInstance: { instanceId, executionId: 'exec-1' },
      tags: { team: 'a' },
      version: 'v1',
      parentInstance: parent && { taskScheduledId: parent.taskScheduledId, name: 'parentWf', workflowInstance: { instanceId: parent.id } },
    }),
  );
  return state;
}

function turnFor(state: RuntimeState): Turn {
  let n = 0;
  return { state, out: emptyTurnResult(), ctx: { now, newId: () => `id-${n++}` } };
}

describe('applier', () => {
  it('scheduleTask records TaskScheduled with the action id and queues the task', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 0, type: 'scheduleTask', name: 'charge', input: '"x"', taskExecutionId: 't-1' }]);
    assert.equal(turn.out.newHistory.length, 1);
    const scheduled = turn.out.newHistory[0]!;
    assert.equal(scheduled.type, 'taskScheduled');
    assert.equal(scheduled.eventId, 0);
    assert.deepEqual(turn.out.activityTasks, [scheduled]);
  });

  it('createTimer records TimerCreated and sends TimerFired to itself, visible at fireAt', () => {
    const turn = turnFor(startedState());
    const fireAt = new Date(now.getTime() + 5000);
    applyActions(turn, [{ id: 3, type: 'createTimer', fireAt, origin: { kind: 'createTimer' } }]);
    assert.deepEqual(
      turn.out.newHistory.map((e) => [e.type, e.eventId]),
      [['timerCreated', 3]],
    );
    assert.equal(turn.out.timers.length, 1);
    assert.equal(turn.out.timers[0]!.visibleAt, fireAt);
    assert.equal(turn.out.timers[0]!.event.timerId, 3);
    assert.equal(turn.out.timers[0]!.event.eventId, -1);
  });

  it('createChildWorkflow defaults the child ID and names the parent in the child start', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 2, type: 'createChildWorkflow', instanceId: '', name: 'child', input: '1' }]);
    const created = turn.out.newHistory[0]!;
    assert.equal(created.type, 'childWorkflowInstanceCreated');
    assert.equal(created.type === 'childWorkflowInstanceCreated' && created.instanceId, 'caller:0002');
    const msg = turn.out.messages[0]!;
    assert.equal(msg.targetInstanceId, 'caller:0002');
    assert.equal(msg.event.type, 'executionStarted');
    if (msg.event.type !== 'executionStarted') return;
    assert.equal(msg.event.parentInstance?.taskScheduledId, 2);
    assert.equal(msg.event.parentInstance?.workflowInstance?.instanceId, 'caller');
    assert.equal(msg.event.version, undefined, 'the caller version is not copied to a child');
    assert.ok(turn.state.children.has('caller:0002'));
  });

  it('createChildWorkflow on the caller\'s own ID is refused: a workflow is never its own child', () => {
    const turn = turnFor(startedState());
    assert.throws(
      () => applyActions(turn, [{ id: 0, type: 'createChildWorkflow', instanceId: 'caller', name: 'child' }]),
      (error: unknown) => error instanceof InvalidArgumentError && error.field === 'instanceId' && /own child/.test(error.message),
    );
    assert.equal(turn.out.newHistory.length, 0);
    assert.equal(turn.out.messages.length, 0);
  });

  it('a generation started by continue-as-new counts itself, keeps the creation time, and adds its number to default child IDs', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '1' }]);
    const second = turn.out.newHistory[1]!;
    assert.ok(second.type === 'executionStarted');
    assert.deepEqual(second.continuation, { generation: 1, createdAt: now });
    turn.out = emptyTurnResult();
    applyActions(turn, [{ id: 0, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '2' }]);
    const third = turn.out.newHistory[1]!;
    assert.ok(third.type === 'executionStarted');
    assert.deepEqual(third.continuation, { generation: 2, createdAt: now }, 'the first creation time, not the second start');
    turn.out = emptyTurnResult();
    applyActions(turn, [{ id: 2, type: 'createChildWorkflow', instanceId: '', name: 'child' }]);
    assert.equal(turn.out.messages[0]!.targetInstanceId, 'caller:g2:0002');
  });

  it('createDetachedWorkflow records one event with the action id and starts an unlinked instance', () => {
    const turn = turnFor(startedState());
    const startAt = new Date(now.getTime() + 60_000);
    applyActions(turn, [
      { id: 7, type: 'createDetachedWorkflow', instanceId: 'spawned', name: 'audit', input: '"p"', tags: { k: 'v' }, scheduledStartTimestamp: startAt, executionId: 'exec-fixed' },
    ]);
    assert.deepEqual(
      turn.out.newHistory.map((e) => [e.type, e.eventId]),
      [['detachedWorkflowInstanceCreated', 7]],
    );
    assert.equal(turn.out.messages.length, 1);
    const { targetInstanceId, event, visibleAt } = turn.out.messages[0]!;
    assert.equal(targetInstanceId, 'spawned');
    assert.equal(visibleAt, startAt);
    assert.equal(event.type, 'executionStarted');
    if (event.type !== 'executionStarted') return;
    assert.equal(event.parentInstance, undefined);
    assert.equal(event.name, 'audit');
    assert.equal(event.input, '"p"');
    assert.deepEqual(event.tags, { k: 'v' }, 'exactly the action tags, none of the caller');
    assert.equal(event.workflowInstance.executionId, 'exec-fixed');
    assert.equal(event.scheduledStartTimestamp, startAt);
    assert.equal(event.version, undefined, 'the caller version is not carried over');
    assert.equal(turn.state.children.size, 0, 'a detached start is not a child link');
  });

  it('createDetachedWorkflow mints an execution ID when it is absent or empty', () => {
    for (const executionId of [undefined, '']) {
      const turn = turnFor(startedState());
      applyActions(turn, [{ id: 0, type: 'createDetachedWorkflow', instanceId: 'd', name: 'w', executionId }]);
      const event = turn.out.messages[0]!.event;
      assert.ok(event.type === 'executionStarted' && event.workflowInstance.executionId, 'non-empty execution id');
    }
  });

  it('three detached actions give three events and three messages correlated by ID', () => {
    const turn = turnFor(startedState());
    applyActions(
      turn,
      [9, 2, 5].map((id): WorkflowAction => ({ id, type: 'createDetachedWorkflow', instanceId: `d${id}`, name: 'w' })),
    );
    assert.deepEqual(
      turn.out.newHistory.map((e) => [e.eventId, e.type === 'detachedWorkflowInstanceCreated' && e.instanceId]),
      [
        [2, 'd2'],
        [5, 'd5'],
        [9, 'd9'],
      ],
    );
    assert.deepEqual(
      turn.out.messages.map((m) => m.targetInstanceId),
      ['d2', 'd5', 'd9'],
    );
  });

  it('createDetachedWorkflow without an instance ID is refused and records nothing', () => {
    const turn = turnFor(startedState());
    assert.throws(
      () => applyActions(turn, [{ id: 0, type: 'createDetachedWorkflow', instanceId: '', name: 'w' }]),
      (e: unknown) => e instanceof InvalidArgumentError && /instance ID/.test(e.message),
    );
    assert.equal(turn.out.newHistory.length, 0);
    assert.equal(turn.out.messages.length, 0);
  });

  it('sendEvent records EventSent and delivers EventRaised to the target', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 1, type: 'sendEvent', instance: { instanceId: 'other' }, name: 'go', data: '42' }]);
    assert.equal(turn.out.newHistory[0]!.type, 'eventSent');
    assert.equal(turn.out.newHistory[0]!.eventId, 1);
    const msg = turn.out.messages[0]!;
    assert.equal(msg.targetInstanceId, 'other');
    assert.equal(msg.event.type, 'eventRaised');
    assert.equal(msg.event.eventId, -1);
  });

  it('terminateWorkflow only sends ExecutionTerminated to the target', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 1, type: 'terminateWorkflow', instanceId: 'x', reason: '"stop"', recurse: true }]);
    assert.equal(turn.out.newHistory.length, 0);
    assert.equal(turn.out.messages[0]!.event.type, 'executionTerminated');
  });

  it('completeWorkflow: the first completion wins and a child tells its parent', () => {
    const turn = turnFor(startedState('kid', { id: 'mom', taskScheduledId: 4 }));
    applyActions(turn, [
      { id: 1, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '"ok"' },
      { id: 2, type: 'completeWorkflow', workflowStatus: 'FAILED', failureDetails: { errorType: 'E', errorMessage: 'm' } },
    ]);
    assert.equal(turn.out.newHistory.filter((e) => e.type === 'executionCompleted').length, 1);
    assert.equal(runtimeStatus(turn.state), 'COMPLETED');
    assert.equal(turn.out.messages.length, 1);
    const { targetInstanceId, event } = turn.out.messages[0]!;
    assert.equal(targetInstanceId, 'mom');
    assert.ok(event.type === 'childWorkflowInstanceCompleted' && event.taskScheduledId === 4 && event.result === '"ok"');
  });

  it('a terminated child gives its parent failure details, but records none itself (the reason is the output)', () => {
    const turn = turnFor(startedState('kid', { id: 'mom', taskScheduledId: 0 }));
    applyActions(turn, [{ id: -1, type: 'completeWorkflow', workflowStatus: 'TERMINATED', result: '"bye"' }]);
    const completed = turn.out.newHistory.find((e) => e.type === 'executionCompleted');
    assert.ok(completed?.type === 'executionCompleted');
    assert.equal(completed.result, '"bye"');
    assert.equal(completed.failureDetails, undefined);
    const event = turn.out.messages[0]!.event;
    assert.ok(event.type === 'childWorkflowInstanceFailed');
    assert.equal(event.type === 'childWorkflowInstanceFailed' && event.failureDetails?.errorType, 'WorkflowTerminated');
  });

  it('continue-as-new replaces the generation, keeps tags, fire-and-forget messages and activities, drops the rest', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [
      { id: 0, type: 'scheduleTask', name: 'a', taskExecutionId: 't' },
      { id: 4, type: 'scheduleTask', name: 'no-execution-id', taskExecutionId: '' },
      { id: 5, type: 'createTimer', fireAt: new Date(now.getTime() + 1000) },
      { id: 1, type: 'createDetachedWorkflow', instanceId: 'd', name: 'w' },
      { id: 6, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '{"n":2}', carryoverEvents: [newEvent('eventRaised', now, { name: 'e', input: '1' })] },
      { id: 7, type: 'scheduleTask', name: 'ignored', taskExecutionId: 't2' },
    ]);
    assert.equal(turn.out.continuedAsNew, true);
    assert.deepEqual(
      turn.out.newHistory.map((e) => e.type),
      ['workflowStarted', 'executionStarted', 'eventRaised'],
    );
    const start = turn.out.newHistory[1]!;
    assert.ok(start.type === 'executionStarted' && start.input === '{"n":2}' && start.workflowInstance.executionId !== 'exec-1');
    assert.deepEqual(start.type === 'executionStarted' && start.tags, { team: 'a' });
    // The activity called before continue-as-new still runs; its result is told apart by its execution ID.
    assert.deepEqual(turn.out.activityTasks.map((t) => t.name), ['a']);
    assert.equal(turn.out.timers.length, 0);
    assert.deepEqual(
      turn.out.messages.map((m) => m.targetInstanceId),
      ['d'],
    );
    assert.equal(runtimeStatus(turn.state), 'RUNNING');
  });

  it('workflowVersionNotAvailable stalls the instance', () => {
    const turn = turnFor(startedState());
    applyActions(turn, [{ id: 0, type: 'workflowVersionNotAvailable' }]);
    assert.equal(turn.out.newHistory[0]!.type, 'executionStalled');
    assert.equal(runtimeStatus(turn.state), 'STALLED');
  });
  it('refuses an action whose instance ID has a NUL or a lone surrogate, naming the field (every source of actions)', () => {
    const bad = ['with\u0000nul', 'lone\ud800surrogate'];
    const cases: [string, (id: string) => WorkflowAction][] = [
      ['createChildWorkflow.instanceId', (id) => ({ id: 0, type: 'createChildWorkflow', name: 'child', instanceId: id })],
      ['createDetachedWorkflow.instanceId', (id) => ({ id: 0, type: 'createDetachedWorkflow', name: 'other', instanceId: id })],
      ['sendEvent.instanceId', (id) => ({ id: 0, type: 'sendEvent', instance: { instanceId: id }, name: 'ping' })],
      ['terminateWorkflow.instanceId', (id) => ({ id: 0, type: 'terminateWorkflow', instanceId: id, recurse: false })],
    ];
    for (const [field, action] of cases) {
      for (const id of bad) {
        const turn = turnFor(startedState());
        assert.throws(
          () => applyActions(turn, [action(id)]),
          (e: unknown) => e instanceof InvalidArgumentError && e.field === field,
          `${field} with ${JSON.stringify(id)}`,
        );
        assert.equal(turn.out.messages.length, 0, `${field}: nothing is sent`);
      }
    }
  });
});
