// Conformance: creating instances, adding events, scheduled starts, reading an instance.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../../src/errors.js';
import { newEvent } from '../../../src/protocol/history.js';
import {
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startCompleted,
  startEvent,
  startRunning,
  types,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

export function instanceCases(makeBackend: MakeBackend): void {
  it('createWorkflowInstance stores a PENDING instance with the start event fields', () =>
    withBackend(makeBackend, async (backend) => {
      const createdAt = new Date('2024-01-02T03:04:05.678Z');
      const startAt = new Date(Date.now() + 60_000);
      const start = startEvent('wf-1', {
        timestamp: createdAt,
        name: 'Shipping',
        input: '{"a":1}',
        version: 'v2',
        tags: { team: 'blue', env: 'test' },
        scheduledStartTimestamp: startAt,
        workflowInstance: { instanceId: 'wf-1', executionId: 'exec-7' },
        parentInstance: { taskScheduledId: 4, name: 'Parent', workflowInstance: { instanceId: 'parent-1', executionId: 'p' } },
      });
      const before = Date.now();
      await backend.createWorkflowInstance(start);
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.ok(meta);
      assert.equal(meta.instanceId, 'wf-1');
      assert.equal(meta.name, 'Shipping');
      assert.equal(meta.runtimeStatus, 'PENDING');
      assert.equal(meta.input, '{"a":1}');
      assert.ok(meta.createdAt instanceof Date);
      assert.equal(meta.createdAt.getTime(), createdAt.getTime());
      assert.ok(meta.lastUpdatedAt instanceof Date && meta.lastUpdatedAt.getTime() >= before - 1);
      assert.equal(meta.executionId, 'exec-7');
      assert.deepEqual(meta.tags, { team: 'blue', env: 'test' });
      assert.equal(meta.version, 'v2');
      assert.equal(meta.parentInstanceId, 'parent-1');
      assert.equal(meta.scheduledStartAt?.getTime(), startAt.getTime());
      assert.equal(meta.startedAt, undefined);
      assert.equal(meta.completedAt, undefined);
      assert.equal(meta.output, undefined);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1'), []);
    }));

  it('createWorkflowInstance enqueues the start event as the first work item', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1', { tags: { k: 'v' } });
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(item.newEvents, [start]);
      assert.ok(item.newEvents[0]!.timestamp instanceof Date);
    }));

  it('creates at once: each new ID is created once, a taken or repeated ID fails alone, a scheduled one waits', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('old'));
      const later = new Date(Date.now() + 60_000);
      const starts = [startEvent('a'), startEvent('b'), startEvent('a', { name: 'Other' }), startEvent('old'), startEvent('s', { scheduledStartTimestamp: later })];
      const outcomes = await Promise.allSettled(starts.map((start) => backend.createWorkflowInstance(start)));
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      for (const o of [outcomes[2], outcomes[3]]) assert.equal(((o as PromiseRejectedResult).reason as Error).name, 'WorkflowAlreadyExistsError');
      assert.equal((await backend.getWorkflowMetadata('a'))?.name, starts[0]!.name, 'the first start of an ID wins');
      assert.equal((await backend.getWorkflowMetadata('s'))?.scheduledStartAt?.getTime(), later.getTime());
      const locked = new Map<string, string[]>();
      for (let item = await lockWorkflow(backend); item; item = await lockWorkflow(backend)) locked.set(item.instanceId, types(item.newEvents));
      assert.deepEqual([...locked].sort(), [['a', ['executionStarted']], ['b', ['executionStarted']], ['old', ['executionStarted']]]);
    }));

  it('createWorkflowInstance rejects an existing ID by default, whatever its status', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('pending'));
      await assert.rejects(backend.createWorkflowInstance(startEvent('pending')), WorkflowAlreadyExistsError);
      await assert.rejects(backend.createWorkflowInstance(startEvent('pending'), { reuse: 'error' }), WorkflowAlreadyExistsError);
      await lockExpecting(backend, 'pending'); // take it out of the way
      await startRunning(backend, 'running');
      await assert.rejects(backend.createWorkflowInstance(startEvent('running')), WorkflowAlreadyExistsError);
      await startCompleted(backend, 'done');
      await assert.rejects(backend.createWorkflowInstance(startEvent('done', { name: 'Other' })), WorkflowAlreadyExistsError);
      assert.equal((await backend.getWorkflowMetadata('done'))?.runtimeStatus, 'COMPLETED');
      assert.equal((await backend.getWorkflowHistory('done')).length, 2);
    }));

  it('createWorkflowInstance with replaceTerminal replaces a terminal instance, history and inbox gone', () =>
    withBackend(makeBackend, async (backend) => {
      await startCompleted(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('late'));
      const second = startEvent('wf-1', { name: 'Second', input: '2', workflowInstance: { instanceId: 'wf-1', executionId: 'exec-2' } });
      await backend.createWorkflowInstance(second, { reuse: 'replaceTerminal' });
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.equal(meta?.runtimeStatus, 'PENDING');
      assert.equal(meta?.name, 'Second');
      assert.equal(meta?.executionId, 'exec-2');
      assert.equal(meta?.output, undefined);
      assert.equal(meta?.startedAt, undefined);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1'), []);
      const item = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(item.newEvents, [second]);
      assert.equal(item.historyLength, 0);
    }));

  it('createWorkflowInstance with replaceTerminal rejects a live instance', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      await assert.rejects(backend.createWorkflowInstance(startEvent('wf-1', { name: 'Other' }), { reuse: 'replaceTerminal' }), WorkflowAlreadyExistsError);
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.equal(meta?.runtimeStatus, 'RUNNING');
      assert.equal(meta?.name, 'OrderWorkflow');
      assert.equal((await backend.getWorkflowHistory('wf-1')).length, 1);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('addWorkflowEvent to an unknown instance throws WorkflowNotFoundError', () =>
    withBackend(makeBackend, async (backend) => {
      await assert.rejects(backend.addWorkflowEvent('nobody', raised('x')), WorkflowNotFoundError);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a scheduled start keeps the instance and its events invisible until the start time', () =>
    withBackend(makeBackend, async (backend) => {
      const startAt = new Date(Date.now() + 1000);
      const start = startEvent('later', { scheduledStartTimestamp: startAt });
      await backend.createWorkflowInstance(start);
      await backend.addWorkflowEvent('later', raised('early', '1'));
      await backend.addWorkflowEvent('later', newEvent('executionSuspended', new Date(), { input: '"hold"' }));
      assert.equal(await lockWorkflow(backend), undefined);
      assert.equal((await backend.getWorkflowMetadata('later'))?.runtimeStatus, 'PENDING');
      await sleep(startAt.getTime() - Date.now() + 20);
      const item = await lockExpecting(backend, 'later');
      assert.deepEqual(types(item.newEvents), ['executionStarted', 'eventRaised', 'executionSuspended']);
      assert.deepEqual(item.newEvents[0], start);
    }));

  it('a termination does not wait for the scheduled start: the whole inbox becomes visible at once', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('doomed', { scheduledStartTimestamp: new Date(Date.now() + 60_000) });
      await backend.createWorkflowInstance(start);
      await backend.addWorkflowEvent('doomed', raised('early', '1'));
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.addWorkflowEvent('doomed', newEvent('executionTerminated', new Date(), { input: '"stop"', recurse: false }));
      const item = await lockExpecting(backend, 'doomed');
      assert.deepEqual(types(item.newEvents), ['executionStarted', 'eventRaised', 'executionTerminated']);
      assert.deepEqual(item.newEvents[0], start);
    }));

  it('getWorkflowMetadata is undefined and getWorkflowHistory empty for an unknown instance', () =>
    withBackend(makeBackend, async (backend) => {
      assert.equal(await backend.getWorkflowMetadata('nobody'), undefined);
      assert.deepEqual(await backend.getWorkflowHistory('nobody'), []);
      assert.deepEqual(await backend.getWorkflowHistory('nobody', 3), []);
    }));

  it('stored events do not alias the caller objects', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1', { tags: { k: 'v' } });
      await backend.createWorkflowInstance(start);
      start.name = 'Mutated';
      start.tags!['k'] = 'changed';
      const item = await lockExpecting(backend, 'wf-1');
      assert.equal(item.newEvents[0]!.type === 'executionStarted' && item.newEvents[0].name, 'OrderWorkflow');
      assert.deepEqual((await backend.getWorkflowMetadata('wf-1'))?.tags, { k: 'v' });
      const history = [...item.newEvents];
      await backend.completeWorkflowWorkItem(item, {
        newHistory: history, continuedAsNew: false, activityTasks: [], timers: [], messages: [],
      });
      history.push(raised('extra'));
      (item.newEvents[0] as { name: string }).name = 'Mutated';
      const stored = await backend.getWorkflowHistory('wf-1');
      assert.equal(stored.length, 1);
      (stored[0] as { name: string }).name = 'Mutated again';
      const again = await backend.getWorkflowHistory('wf-1');
      assert.equal(again[0]!.type === 'executionStarted' && again[0].name, 'OrderWorkflow');
    }));
}
