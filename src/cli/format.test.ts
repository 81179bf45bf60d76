import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent } from '../protocol/history.js';
import { eventFacts, formatFailure, formatOffset, formatPayload, formatTable, formatTimeline } from './format.js';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

describe('cli format', () => {
  it('formatOffset reads as seconds, minutes or hours', () => {
    assert.equal(formatOffset(0), '+0.000s');
    assert.equal(formatOffset(12_345), '+12.345s');
    assert.equal(formatOffset(184_500), '+3m04.5s');
    assert.equal(formatOffset(7_500_000), '+2h05m');
  });

  it('formatTable pads every column but the last', () => {
    assert.deepEqual(formatTable(['A', 'BB', 'C'], [['xxx', 'y', 'z'], ['', '', '']]), ['A    BB  C', 'xxx  y   z', '']);
  });

  it('formatPayload flattens and cuts long JSON', () => {
    assert.equal(formatPayload(undefined), '');
    assert.equal(formatPayload('{\n  "a": 1\n}'), '{ "a": 1 }');
    const long = formatPayload(JSON.stringify('x'.repeat(200)), 20);
    assert.equal(long.length, 20);
    assert.ok(long.endsWith('…'));
  });

  it('formatFailure indents each inner failure', () => {
    const lines = formatFailure({ errorType: 'A', errorMessage: 'outer', innerFailure: { errorType: 'B', errorMessage: 'inner', isNonRetriable: true } });
    assert.deepEqual(lines, ['A: outer', '  caused by B: inner (non-retriable)']);
  });

  it('eventFacts gives the key facts of timers, messages, termination, stalls and continue-as-new', () => {
    assert.equal(eventFacts(newEvent('timerCreated', t0, { eventId: 4, fireAt: at(60_000) })), 'timer (task 4) fires at 2025-01-01T00:01:00.000Z');
    assert.equal(eventFacts(newEvent('timerFired', t0, { timerId: 4, fireAt: at(60_000) })), 'timer 4 fired (due 2025-01-01T00:01:00.000Z)');
    assert.equal(eventFacts(newEvent('eventSent', t0, { eventId: 5, instanceId: 'other', name: 'ping', input: '1' })), 'event ping to other data 1');
    assert.equal(eventFacts(newEvent('executionTerminated', t0, { input: '"bye"', recurse: false })), 'not recursive output "bye"');
    assert.equal(eventFacts(newEvent('executionStalled', t0, { reason: 'PATCH_MISMATCH', description: 'patch p1' })), 'PATCH_MISMATCH patch p1');
    assert.equal(eventFacts(newEvent('continueAsNew', t0, { input: '{"n":2}' })), 'input {"n":2}');
    assert.equal(eventFacts(newEvent('detachedWorkflowInstanceCreated', t0, { eventId: 7, instanceId: 'd-1' })), 'detached d-1 (task 7)');
    const failed = newEvent('childWorkflowInstanceFailed', t0, { taskScheduledId: 2, failureDetails: { errorType: 'Error', errorMessage: 'no\nway' } });
    assert.equal(eventFacts(failed), 'child task 2 failed Error: no way');
  });

  it('formatTimeline never goes backwards: an event from the inbox shows the start of the turn that recorded it', () => {
    const lines = formatTimeline([
      newEvent('workflowStarted', at(50), {}),
      newEvent('executionStarted', at(0), { name: 'wf', workflowInstance: { instanceId: 'i' } }),
      newEvent('taskScheduled', at(60), { eventId: 0, name: 'a', taskExecutionId: 'x' }),
      newEvent('workflowStarted', at(2000), {}),
      newEvent('taskCompleted', at(1800), { taskScheduledId: 0, result: '3', taskExecutionId: 'x' }),
      newEvent('executionCompleted', at(2010), { eventId: 1, workflowStatus: 'COMPLETED', result: '3' }),
    ]);
    assert.match(lines[1]!, /^0\s+\+0\.000s\s+WorkflowStarted$/);
    assert.match(lines[2]!, /^1\s+\+0\.000s\s+ExecutionStarted\s+wf$/);
    assert.match(lines[3]!, /^2\s+\+0\.010s\s+TaskScheduled/);
    assert.match(lines[5]!, /^4\s+\+1\.950s\s+TaskCompleted/);
    assert.match(lines[6]!, /^5\s+\+1\.960s\s+ExecutionCompleted\s+COMPLETED result 3$/);
    const offsets = lines.slice(1).map((l) => Number(/\+(\d+\.\d+)s/.exec(l)![1]));
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
    assert.deepEqual(formatTimeline([]), ['(no history)']);
  });
});
