import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent, type HistoryEvent } from '../protocol/history.js';
import type { WorkflowAction } from '../protocol/actions.js';
import { newRuntimeState, stateFromHistory } from './runtime-state.js';
import { runTurn, type TurnExecutor, type TurnRequest } from './turn.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const ctx = { now: t0, newId: () => 'new-exec' };

const start = (instanceId = 'i') => newEvent('executionStarted', t0, { name: 'wf', workflowInstance: { instanceId, executionId: 'e1' } });

function replying(...turns: WorkflowAction[][]): { execute: TurnExecutor; requests: TurnRequest[] } {
  const requests: TurnRequest[] = [];
  return {
    requests,
    execute: async (request) => {
      requests.push({ ...request, newEvents: [...request.newEvents] });
      return { actions: turns[requests.length - 1] ?? [] };
    },
  };
}

describe('runTurn', () => {
  it('prepends WorkflowStarted, executes, and commits the new events and action events', async () => {
    const { execute, requests } = replying([{ id: 0, type: 'scheduleTask', name: 'a', taskExecutionId: 't' }]);
    const outcome = await runTurn(newRuntimeState('i'), [start()], ctx, execute);
    assert.deepEqual(
      requests[0]!.newEvents.map((e) => e.type),
      ['workflowStarted', 'executionStarted'],
    );
    assert.deepEqual(
      outcome.result.newHistory.map((e) => e.type),
      ['workflowStarted', 'executionStarted', 'taskScheduled'],
    );
    assert.equal(outcome.result.instance?.runtimeStatus, 'RUNNING');
    assert.equal(outcome.state.historyLength, 3);
  });

  it('drops duplicate resolutions and skips execution when nothing new is left', async () => {
    const history: HistoryEvent[] = [
      newEvent('workflowStarted', t0, {}),
      start(),
      newEvent('taskScheduled', t0, { eventId: 0, name: 'a', taskExecutionId: 't' }),
      newEvent('workflowStarted', t0, {}),
      newEvent('taskCompleted', t0, { taskScheduledId: 0, result: '1', taskExecutionId: 't' }),
    ];
    const { execute, requests } = replying();
    const duplicate = newEvent('taskFailed', t0, { taskScheduledId: 0, taskExecutionId: 't' });
    const outcome = await runTurn(stateFromHistory('i', history), [duplicate], ctx, execute);
    assert.equal(requests.length, 0);
    assert.equal(outcome.executed, false);
    assert.deepEqual(outcome.duplicates, [duplicate]);
    assert.equal(outcome.result.newHistory.length, 0);
  });

  it('consumes events for a finished instance without running code', async () => {
    const history: HistoryEvent[] = [start(), newEvent('executionCompleted', t0, { workflowStatus: 'COMPLETED' })];
    const { execute, requests } = replying();
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('eventRaised', t0, { name: 'x' })], ctx, execute);
    assert.equal(requests.length, 0);
    assert.equal(outcome.result.instance, undefined);
  });

  it('a recursive terminate passes through a finished instance to its children only', async () => {
    const history: HistoryEvent[] = [
      start(),
      newEvent('childWorkflowInstanceCreated', t0, { eventId: 0, instanceId: 'kid', name: 'c' }),
      newEvent('detachedWorkflowInstanceCreated', t0, { eventId: 1, instanceId: 'free' }),
      newEvent('executionCompleted', t0, { workflowStatus: 'COMPLETED' }),
    ];
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('executionTerminated', t0, { recurse: true })], ctx, replying().execute);
    assert.deepEqual(
      outcome.result.messages.map((m) => [m.targetInstanceId, m.event.type]),
      [['kid', 'executionTerminated']],
    );
  });

  it('a cascaded termination acts only on a child of the sending execution; any other instance ignores it', async () => {
    const cascade = { parent: { instanceId: 'p', executionId: 'pe' }, path: ['p'] };
    const terminate = newEvent('executionTerminated', t0, { recurse: true, cascade });
    const unrelated: HistoryEvent[] = [newEvent('workflowStarted', t0, {}), start('x')];
    const { execute, requests } = replying();
    const ignored = await runTurn(stateFromHistory('x', unrelated), [terminate], ctx, execute);
    assert.equal(requests.length, 0);
    assert.equal(ignored.result.instance, undefined, 'the instance row is untouched');
    assert.deepEqual(ignored.duplicates, [terminate]);

    const childStart = (executionId: string) =>
      newEvent('executionStarted', t0, { name: 'c', workflowInstance: { instanceId: 'kid', executionId: 'k1' }, parentInstance: { taskScheduledId: 0, workflowInstance: { instanceId: 'p', executionId } } });
    const ofEarlierParent = await runTurn(stateFromHistory('kid', [newEvent('workflowStarted', t0, {}), childStart('older')]), [terminate], ctx, replying().execute);
    assert.equal(ofEarlierParent.result.instance, undefined, 'a child of an earlier execution of the parent ID is not this parent\'s');
    const child = await runTurn(stateFromHistory('kid', [newEvent('workflowStarted', t0, {}), childStart('pe')]), [terminate], ctx, replying().execute);
    assert.equal(child.result.instance?.runtimeStatus, 'TERMINATED');
  });

  it('a recursive terminate names this execution and the visited path, and never goes back along it', async () => {
    const history: HistoryEvent[] = [
      newEvent('executionStarted', t0, { name: 'wf', workflowInstance: { instanceId: 'i', executionId: 'e1' }, parentInstance: { taskScheduledId: 0, workflowInstance: { instanceId: 'root' } } }),
      newEvent('childWorkflowInstanceCreated', t0, { eventId: 0, instanceId: 'i', name: 'self (recorded before self-links were refused)' }),
      newEvent('childWorkflowInstanceCreated', t0, { eventId: 1, instanceId: 'root', name: 'refused' }),
      newEvent('childWorkflowInstanceCreated', t0, { eventId: 2, instanceId: 'kid', name: 'c' }),
      newEvent('executionCompleted', t0, { workflowStatus: 'COMPLETED' }),
    ];
    const incoming = newEvent('executionTerminated', t0, { recurse: true, cascade: { parent: { instanceId: 'root' }, path: ['root'] } });
    const outcome = await runTurn(stateFromHistory('i', history), [incoming], ctx, replying().execute);
    assert.deepEqual(
      outcome.result.messages.map((m) => [m.targetInstanceId, m.event.type === 'executionTerminated' && m.event.cascade]),
      [['kid', { parent: { instanceId: 'i', executionId: 'e1' }, path: ['root', 'i'] }]],
    );
    const again = newEvent('executionTerminated', t0, { recurse: true, cascade: { parent: { instanceId: 'i', executionId: 'e1' }, path: ['root', 'i'] } });
    const looped = await runTurn(stateFromHistory('i', history), [again], ctx, replying().execute);
    assert.deepEqual(looped.result.messages, [], 'a cascade that comes back to an instance on its path stops');
  });

  it('forces termination when the executor ignores the terminate, dropping its outbound work', async () => {
    const history: HistoryEvent[] = [newEvent('workflowStarted', t0, {}), start()];
    const { execute } = replying([{ id: 0, type: 'scheduleTask', name: 'a', taskExecutionId: 't' }]);
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('executionTerminated', t0, { input: '"why"', recurse: false })], ctx, execute);
    assert.equal(outcome.result.instance?.runtimeStatus, 'TERMINATED');
    assert.equal(outcome.result.instance?.output, '"why"');
    assert.equal(outcome.result.activityTasks.length, 0);
    assert.equal(outcome.result.newHistory.at(-1)!.type, 'executionCompleted');
  });

  it('terminate beats continue-as-new', async () => {
    const history: HistoryEvent[] = [newEvent('workflowStarted', t0, {}), start()];
    const { execute } = replying([{ id: 0, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '1' }]);
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('executionTerminated', t0, { recurse: false })], ctx, execute);
    assert.equal(outcome.result.continuedAsNew, false);
    assert.equal(outcome.result.instance?.runtimeStatus, 'TERMINATED');
  });

  it('continue-as-new runs the new generation at once and replaces the history', async () => {
    const history: HistoryEvent[] = [newEvent('workflowStarted', t0, {}), start()];
    const { execute, requests } = replying(
      [{ id: 0, type: 'completeWorkflow', workflowStatus: 'CONTINUED_AS_NEW', result: '2' }],
      [{ id: 0, type: 'createTimer', fireAt: t0 }],
    );
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('eventRaised', t0, { name: 'x' })], ctx, execute);
    assert.equal(requests.length, 2);
    assert.equal(requests[1]!.freshGeneration, true);
    assert.equal(outcome.result.continuedAsNew, true);
    assert.deepEqual(
      outcome.result.newHistory.map((e) => e.type),
      ['workflowStarted', 'executionStarted', 'timerCreated'],
    );
    assert.equal(outcome.state.historyLength, 3);
    assert.equal(outcome.result.instance?.generation?.executionId, 'new-exec');
    assert.equal(outcome.result.timers.length, 1);
  });

  it('an action no engine can apply fails the workflow instead of looping', async () => {
    const history: HistoryEvent[] = [newEvent('workflowStarted', t0, {}), start()];
    const { execute } = replying([{ id: 0, type: 'createDetachedWorkflow', instanceId: '', name: 'w' }]);
    const outcome = await runTurn(stateFromHistory('i', history), [newEvent('eventRaised', t0, { name: 'x' })], ctx, execute);
    assert.equal(outcome.result.instance?.runtimeStatus, 'FAILED');
    assert.match(outcome.result.instance?.failureDetails?.errorMessage ?? '', /instance ID/);
    assert.equal(outcome.result.messages.length, 0);
  });

  it('drops results of an earlier generation that reuse this generation\'s sequence numbers', async () => {
    const history: HistoryEvent[] = [
      newEvent('workflowStarted', t0, {}),
      start(),
      newEvent('timerCreated', t0, { eventId: 0, fireAt: new Date(t0.getTime() + 1000) }),
      newEvent('taskScheduled', t0, { eventId: 1, name: 'a', taskExecutionId: 'new-gen' }),
    ];
    const staleTimer = newEvent('timerFired', t0, { timerId: 0, fireAt: new Date(t0.getTime() + 50) });
    const staleTask = newEvent('taskCompleted', t0, { taskScheduledId: 1, taskExecutionId: 'old-gen', result: '1' });
    const unknown = newEvent('taskCompleted', t0, { taskScheduledId: 7, taskExecutionId: '', result: '1' });
    const { execute, requests } = replying();
    const outcome = await runTurn(stateFromHistory('i', history), [staleTimer, staleTask, unknown], ctx, execute);
    assert.equal(requests.length, 0);
    assert.deepEqual(outcome.duplicates, [staleTimer, staleTask, unknown]);
    const fresh = newEvent('taskCompleted', t0, { taskScheduledId: 1, taskExecutionId: 'new-gen', result: '2' });
    const second = await runTurn(outcome.state, [fresh], ctx, execute);
    assert.equal(second.executed, true);
  });

  it('a workflow terminated before it ever ran ends TERMINATED without running its code', async () => {
    const { execute, requests } = replying([{ id: 0, type: 'scheduleTask', name: 'a', taskExecutionId: 't' }]);
    const outcome = await runTurn(newRuntimeState('i'), [start(), newEvent('executionTerminated', t0, { input: '"early"', recurse: true })], ctx, execute);
    assert.equal(requests.length, 0);
    assert.equal(outcome.result.instance?.runtimeStatus, 'TERMINATED');
    assert.deepEqual(
      outcome.result.newHistory.map((e) => e.type),
      ['workflowStarted', 'executionStarted', 'executionTerminated', 'executionCompleted'],
    );
  });
});
