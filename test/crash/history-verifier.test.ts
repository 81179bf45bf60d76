// The crash tests are only as good as their verifier: it must flag every kind of malformed history.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent, type HistoryEvent } from '../../src/protocol/history.js';
import { historyProblems } from './history-verifier.js';

const at = new Date(0);
const started = newEvent('executionStarted', at, { name: 'wf', workflowInstance: { instanceId: 'i', executionId: 'e' } });
const scheduled = (id: number) => newEvent('taskScheduled', at, { eventId: id, name: 'a', taskExecutionId: `t${id}` });
const completed = (id: number) => newEvent('taskCompleted', at, { taskScheduledId: id, taskExecutionId: `t${id}` });
const timer = (id: number) => newEvent('timerCreated', at, { eventId: id, fireAt: at });
const fired = (id: number) => newEvent('timerFired', at, { timerId: id, fireAt: at });
const child = (id: number) => newEvent('childWorkflowInstanceCreated', at, { eventId: id, instanceId: 'c', name: 'wf' });
const childDone = (id: number) => newEvent('childWorkflowInstanceCompleted', at, { taskScheduledId: id });
const done = (id: number) => newEvent('executionCompleted', at, { eventId: id, workflowStatus: 'COMPLETED' });
const problemsOf = (...events: HistoryEvent[]) => historyProblems('i', events);

describe('crash test history verifier', () => {
  it('accepts an exact history', () => {
    assert.deepEqual(problemsOf(started, scheduled(0), timer(1), child(2), completed(0), fired(1), childDone(2), done(3)), []);
  });

  it('flags duplicate completions, timer firings and action ids', () => {
    assert.match(problemsOf(started, scheduled(0), completed(0), completed(0), done(1)).join(), /task 0 completed 2 times/);
    assert.match(problemsOf(started, timer(0), fired(0), fired(0), done(1)).join(), /timer 0 completed 2 times/);
    assert.match(problemsOf(started, scheduled(0), scheduled(0), completed(0), done(1)).join(), /2 action events with eventId 0/);
    assert.match(problemsOf(started, started, done(0)).join(), /2 ExecutionStarted/);
  });

  it('flags lost completions, firings, child results and a missing or misplaced end', () => {
    assert.match(problemsOf(started, scheduled(0), done(1)).join(), /task 0 has no completion/);
    assert.match(problemsOf(started, timer(0), done(1)).join(), /timer 0 has no completion/);
    assert.match(problemsOf(started, child(0), done(1)).join(), /child 0 has no completion/);
    assert.match(problemsOf(started, completed(4), done(1)).join(), /task 4 completed but never scheduled/);
    assert.match(problemsOf(started, completed(0), scheduled(0), done(1)).join(), /completed before it was scheduled/);
    assert.match(problemsOf(started, scheduled(0), completed(0)).join(), /0 ExecutionCompleted/);
    assert.match(problemsOf(started, done(1), scheduled(0), completed(0)).join(), /not the last event/);
  });
});
