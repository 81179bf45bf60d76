import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent, type HistoryEvent } from '../protocol/history.js';
import { rewindOf } from './rewind.js';
import { stateFromHistory } from './runtime-state.js';

const t = new Date(0);
const failure = { errorType: 'Error', errorMessage: 'boom' };

function failedHistory(): HistoryEvent[] {
  return [
    newEvent('workflowStarted', t, {}),
    newEvent('executionStarted', t, { name: 'wf', workflowInstance: { instanceId: 'i', executionId: 'e' } }),
    newEvent('taskScheduled', t, { eventId: 0, name: 'ok', taskExecutionId: 'a' }),
    newEvent('taskScheduled', t, { eventId: 1, name: 'bad', taskExecutionId: 'b' }),
    newEvent('childWorkflowInstanceCreated', t, { eventId: 2, instanceId: 'i-child', name: 'c' }),
    newEvent('childWorkflowInstanceCreated', t, { eventId: 3, instanceId: 'i-good', name: 'c' }),
    newEvent('workflowStarted', t, {}),
    newEvent('taskCompleted', t, { taskScheduledId: 0, taskExecutionId: 'a', result: '1' }),
    newEvent('taskFailed', t, { taskScheduledId: 1, taskExecutionId: 'b', failureDetails: failure }),
    newEvent('childWorkflowInstanceFailed', t, { taskScheduledId: 2, failureDetails: failure }),
    newEvent('childWorkflowInstanceCompleted', t, { taskScheduledId: 3, result: '2' }),
    newEvent('executionCompleted', t, { eventId: 4, workflowStatus: 'FAILED', failureDetails: failure }),
  ];
}

describe('rewindOf', () => {
  it('drops the failed tasks with their schedules, the failed children results and the failure; keeps the rest', () => {
    const history = failedHistory();
    const rewound = newEvent('executionRewound', t, { reason: '"fixed"' });
    const rewind = rewindOf(stateFromHistory('i', history), history, [rewound]);
    assert.ok(rewind);
    assert.deepEqual(rewind.history, [history[0], history[1], history[2], history[4], history[5], history[6], history[7], history[10]]);
    assert.deepEqual(rewind.failedChildren, ['i-child']);
    assert.equal(rewind.event, rewound);
  });

  it('is undefined without a rewind event or for an instance that is not FAILED', () => {
    const history = failedHistory();
    assert.equal(rewindOf(stateFromHistory('i', history), history, [newEvent('eventRaised', t, { name: 'x' })]), undefined);
    const running = history.slice(0, -1);
    assert.equal(rewindOf(stateFromHistory('i', running), running, [newEvent('executionRewound', t, {})]), undefined);
  });
});
