import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendConformanceSuite } from '../../../test/conformance/backend-suite.js';
import { newEvent, type ExecutionStartedEvent, type TaskScheduledEvent } from '../../protocol/history.js';
import type { BackendSignal, TurnResult } from '../backend.js';
import { MemoryBackend } from './memory-backend.js';

backendConformanceSuite('MemoryBackend', async () => {
  const backend = new MemoryBackend();
  await backend.init();
  return backend;
});

const LOCK = { lockedBy: 'memory-test,1,x', leaseMs: 30_000 };

function start(instanceId: string, fields: Partial<ExecutionStartedEvent> = {}): ExecutionStartedEvent {
  return newEvent('executionStarted', new Date(), { name: 'Wf', workflowInstance: { instanceId, executionId: 'e' }, ...fields });
}

function turn(fields: Partial<TurnResult> = {}): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [], ...fields };
}

const running = { runtimeStatus: 'RUNNING' as const, name: 'Wf', executionId: 'e', createdAt: new Date() };

describe('MemoryBackend specifics', () => {
  it('lockWorkflowWorkItem takes at most 1000 events by default', async () => {
    const backend = new MemoryBackend();
    await backend.createWorkflowInstance(start('wf'));
    for (let i = 0; i < 1004; i++) await backend.addWorkflowEvent('wf', newEvent('eventRaised', new Date(), { name: `e${i}` }));
    const first = await backend.lockWorkflowWorkItem(LOCK);
    assert.equal(first?.newEvents.length, 1000);
    await backend.completeWorkflowWorkItem(first!, turn({ newHistory: first!.newEvents }));
    assert.equal((await backend.lockWorkflowWorkItem(LOCK))?.newEvents.length, 5);
  });

  it('drains a fan-out of 10,000 activities in linear time', async () => {
    const backend = new MemoryBackend();
    await backend.createWorkflowInstance(start('fan'));
    const item = (await backend.lockWorkflowWorkItem(LOCK))!;
    const tasks: TaskScheduledEvent[] = Array.from({ length: 10_000 }, (_, i) =>
      newEvent('taskScheduled', new Date(), { eventId: i, name: 'act', taskExecutionId: `t${i}` }),
    );
    const began = performance.now();
    await backend.completeWorkflowWorkItem(item, turn({ newHistory: [...item.newEvents, ...tasks], instance: running, activityTasks: tasks }));
    // Keep many leases outstanding at once, as a worker with high concurrency would.
    for (let batch = 0; batch < 10; batch++) {
      const locked = [];
      for (let i = 0; i < 1000; i++) locked.push((await backend.lockActivityWorkItem(LOCK))!);
      for (const task of locked) {
        const { eventId, taskExecutionId } = task.event;
        await backend.completeActivityWorkItem(task, newEvent('taskCompleted', new Date(), { taskScheduledId: eventId, taskExecutionId }));
      }
    }
    assert.equal(await backend.lockActivityWorkItem(LOCK), undefined);
    let results = 0;
    for (let next = await backend.lockWorkflowWorkItem(LOCK); next; next = await backend.lockWorkflowWorkItem(LOCK)) {
      results += next.newEvents.length;
      await backend.completeWorkflowWorkItem(next, turn({ newHistory: next.newEvents }));
    }
    assert.equal(results, 10_000);
    assert.equal((await backend.getWorkflowHistory('fan')).length, 20_001);
    assert.ok(performance.now() - began < 6000, `took ${Math.round(performance.now() - began)} ms`);
  });

  it('locks 10,000 ready instances in creation order', async () => {
    const backend = new MemoryBackend();
    for (let i = 0; i < 10_000; i++) await backend.createWorkflowInstance(start(`wf-${i}`));
    const began = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const item = await backend.lockWorkflowWorkItem(LOCK);
      assert.equal(item?.instanceId, `wf-${i}`);
    }
    assert.equal(await backend.lockWorkflowWorkItem(LOCK), undefined);
    assert.ok(performance.now() - began < 5000);
  });

  it('wakes subscribers when a timer becomes due, without being polled', async () => {
    const backend = new MemoryBackend();
    await backend.createWorkflowInstance(start('wf'));
    const item = (await backend.lockWorkflowWorkItem(LOCK))!;
    const fireAt = new Date(Date.now() + 80);
    const fired = newEvent('timerFired', new Date(), { timerId: 0, fireAt });
    const signals: BackendSignal[] = [];
    const woke = new Promise<number>((resolve) => {
      backend.subscribe((signal) => {
        signals.push(signal);
        if (signal.kind === 'workflowWork' && Date.now() >= fireAt.getTime()) resolve(Date.now());
      });
    });
    await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: running, timers: [{ event: fired, visibleAt: fireAt }] }));
    // The wake timer is unref'd (it must not keep a process alive); this test holds the loop open itself.
    const keepAlive = setTimeout(() => {}, 2000);
    await woke; // resolves only on a wake-up at or after fireAt: nothing polls this backend
    clearTimeout(keepAlive);
    assert.deepEqual((await backend.lockWorkflowWorkItem(LOCK))?.newEvents, [fired]);
    await backend.close();
  });

  it('returned metadata and work items are copies', async () => {
    const backend = new MemoryBackend();
    await backend.createWorkflowInstance(start('wf', { tags: { a: '1' } }));
    const meta = (await backend.getWorkflowMetadata('wf'))!;
    meta.tags!['a'] = '2';
    meta.runtimeStatus = 'FAILED';
    const listed = (await backend.listWorkflows({ includePayloads: true })).instances[0]!;
    listed.name = 'changed';
    const again = (await backend.getWorkflowMetadata('wf'))!;
    assert.deepEqual([again.tags, again.runtimeStatus, again.name], [{ a: '1' }, 'PENDING', 'Wf']);
  });

  it('rejects a malformed continuation token naming the field', async () => {
    const backend = new MemoryBackend();
    await assert.rejects(backend.listWorkflows({ continuationToken: 'garbage!' }), { name: 'InvalidArgumentError', field: 'continuationToken' });
    await assert.rejects(backend.listWorkflows({ pageSize: 0 }), { name: 'InvalidArgumentError', field: 'pageSize' });
  });
});
