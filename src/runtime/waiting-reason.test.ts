import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkerInfo } from '../backends/backend.js';
import { newEvent } from '../protocol/history.js';
import { pendingActivityNames, waitingReason } from './waiting-reason.js';

const t = new Date(0);
const worker = (workflows: string[], activities: string[]): WorkerInfo => ({
  workerId: 'w',
  name: 'w',
  host: 'h',
  pid: 1,
  workflows,
  activities,
  startedAt: t,
  heartbeatAt: t,
});

describe('waitingReason', () => {
  it('names the workflow no live worker registered, for PENDING and RUNNING instances only', () => {
    const workers = [worker(['order'], ['charge'])];
    assert.equal(waitingReason({ name: 'refund', runtimeStatus: 'PENDING' }, workers), "no worker has registered workflow 'refund' in the last 60 s");
    assert.equal(waitingReason({ name: 'refund', runtimeStatus: 'RUNNING' }, []), "no worker has registered workflow 'refund' in the last 60 s");
    assert.equal(waitingReason({ name: 'refund', runtimeStatus: 'COMPLETED' }, workers), undefined);
    assert.equal(waitingReason({ name: 'refund', runtimeStatus: 'SUSPENDED' }, workers), undefined);
    assert.equal(waitingReason({ name: 'order', runtimeStatus: 'RUNNING' }, workers), undefined);
  });

  it('names a pending activity no live worker registered', () => {
    const workers = [worker(['order'], []), worker([], ['charge'])];
    assert.equal(waitingReason({ name: 'order', runtimeStatus: 'RUNNING' }, workers, ['charge']), undefined);
    assert.equal(
      waitingReason({ name: 'order', runtimeStatus: 'RUNNING' }, workers, ['charge', 'notify']),
      "no worker has registered activity 'notify' in the last 60 s",
    );
  });

  it('pendingActivityNames lists the current generation scheduled tasks without a result', () => {
    const start = newEvent('executionStarted', t, { name: 'order', workflowInstance: { instanceId: 'i' } });
    const history = [
      start,
      newEvent('taskScheduled', t, { eventId: 0, name: 'old', taskExecutionId: 'a' }),
      start,
      newEvent('taskScheduled', t, { eventId: 0, name: 'charge', taskExecutionId: 'b' }),
      newEvent('taskScheduled', t, { eventId: 1, name: 'notify', taskExecutionId: 'c' }),
      newEvent('taskScheduled', t, { eventId: 2, name: 'notify', taskExecutionId: 'd' }),
      newEvent('taskCompleted', t, { taskScheduledId: 0, taskExecutionId: 'b' }),
    ];
    assert.deepEqual(pendingActivityNames(history), ['notify']);
  });
});
