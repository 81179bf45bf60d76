// Conformance: what completeWorkflowWorkItem commits: history, the instance row, the inbox, warnings.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newEvent } from '../../../src/protocol/history.js';
import type { ActivityWorkItem, WorkflowWorkItem } from '../../../src/backends/backend.js';
import {
  LEASE_MS,
  SHORT_LEASE_MS,
  WORKER,
  generationOf,
  instanceUpdate,
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startEvent,
  startRunning,
  taskScheduled,
  turn,
  types,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

export function completionCases(makeBackend: MakeBackend): void {
  it('turns completed at once each commit exactly their own writes, and a lost lease fails alone', () =>
    withBackend(makeBackend, async (backend) => {
      const ids = ['a', 'b', 'c', 'd'];
      await startRunning(backend, 'target');
      const starts = ids.map((id) => startEvent(id));
      for (const start of starts) await backend.createWorkflowInstance(start);
      const items = new Map<string, WorkflowWorkItem>();
      for (const id of ['a', 'b', 'c']) items.set(id, await lockExpecting(backend, id));
      items.set('d', await lockExpecting(backend, 'd', { leaseMs: SHORT_LEASE_MS }));
      // d's lease lapses and another worker takes it: its late completion must change nothing.
      await sleep(SHORT_LEASE_MS + 30);
      const items2 = new Map(items);
      items2.set('d', await lockExpecting(backend, 'd'));
      const fireAt = new Date(Date.now() + 60_000);
      const timer = newEvent('timerFired', new Date(), { timerId: 1, fireAt });
      const results = {
        a: turn({ newHistory: [...items.get('a')!.newEvents, taskScheduled(0), taskScheduled(1)], instance: instanceUpdate(starts[0]!), activityTasks: [taskScheduled(0), taskScheduled(1)] }),
        b: turn({ newHistory: items.get('b')!.newEvents, instance: instanceUpdate(starts[1]!, { runtimeStatus: 'COMPLETED', output: '"done"', completedAt: new Date() }), messages: [{ targetInstanceId: 'target', event: raised('from-b') }] }),
        c: turn({ newHistory: items.get('c')!.newEvents, timers: [{ event: timer, visibleAt: fireAt }] }),
        d: turn({ newHistory: [...items.get('d')!.newEvents, taskScheduled(9)], instance: instanceUpdate(starts[3]!), activityTasks: [taskScheduled(9)] }),
      };
      const lease = { lockedBy: WORKER, leaseMs: LEASE_MS, max: 1 };
      const outcomes = await Promise.allSettled(ids.map((id) => backend.completeWorkflowWorkItem(items.get(id)!, results[id as keyof typeof results], { leaseActivities: lease })));
      const [a, b, c, d] = outcomes;
      assert.equal(a!.status, 'fulfilled');
      const leased = (a as PromiseFulfilledResult<ActivityWorkItem[]>).value;
      assert.deepEqual(leased.map((task) => [task.instanceId, task.event.eventId]), [['a', 0]]);
      assert.equal(b!.status, 'fulfilled');
      assert.equal(c!.status, 'fulfilled');
      assert.equal(d!.status, 'rejected');
      assert.equal(((d as PromiseRejectedResult).reason as Error).name, 'LeaseLostError');

      assert.deepEqual(types(await backend.getWorkflowHistory('a')), ['executionStarted', 'taskScheduled', 'taskScheduled']);
      assert.equal((await backend.getWorkflowMetadata('a'))?.runtimeStatus, 'RUNNING');
      const bState = await backend.getWorkflowMetadata('b');
      assert.equal(bState?.runtimeStatus, 'COMPLETED');
      assert.equal(bState?.output, '"done"');
      assert.deepEqual(types(await backend.getWorkflowHistory('c')), ['executionStarted']);
      assert.equal((await backend.getWorkflowMetadata('c'))?.runtimeStatus, 'PENDING', 'a turn without an instance update keeps the row');
      assert.deepEqual(await backend.getWorkflowHistory('d'), [], 'the lost lease wrote nothing');
      // The unleased task of a waits in the queue; d's task was never written.
      const queued = await backend.lockActivityWorkItem({ lockedBy: WORKER, leaseMs: LEASE_MS });
      assert.deepEqual([queued?.instanceId, queued?.event.eventId], ['a', 1]);
      assert.equal(await backend.lockActivityWorkItem({ lockedBy: WORKER, leaseMs: LEASE_MS }), undefined);
      // b's message reached target; c's timer waits; d still holds its new lease with its start event.
      assert.deepEqual(types((await lockExpecting(backend, 'target')).newEvents), ['eventRaised']);
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.completeWorkflowWorkItem(items2.get('d')!, turn({ newHistory: items2.get('d')!.newEvents, instance: instanceUpdate(starts[3]!) }));
      assert.deepEqual(types(await backend.getWorkflowHistory('d')), ['executionStarted']);
    }));

  it('completeWorkflowWorkItem appends history; fromIndex returns the tail', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const first = await lockExpecting(backend, 'wf-1');
      const started = newEvent('workflowStarted', new Date(), {});
      const scheduled = newEvent('taskScheduled', new Date(), { eventId: 0, name: 'Charge', taskExecutionId: 't0' });
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: [started, start, scheduled], instance: instanceUpdate(start) }));
      await backend.addWorkflowEvent('wf-1', raised('go', '"x"'));
      const second = await lockExpecting(backend, 'wf-1');
      assert.equal(second.historyLength, 3);
      const completed = newEvent('executionCompleted', new Date(), { workflowStatus: 'COMPLETED', result: '1' });
      await backend.completeWorkflowWorkItem(second, turn({ newHistory: [...second.newEvents, completed] }));
      const history = await backend.getWorkflowHistory('wf-1');
      assert.deepEqual(history, [started, start, scheduled, ...second.newEvents, completed]);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1', 3), [...second.newEvents, completed]);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1', 5), []);
    }));

  it('completeWorkflowWorkItem with continuedAsNew replaces the history', () =>
    withBackend(makeBackend, async (backend) => {
      const start = await startRunning(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('next'));
      const item = await lockExpecting(backend, 'wf-1');
      const restart = startEvent('wf-1', { input: '"round 2"', workflowInstance: { instanceId: 'wf-1', executionId: 'exec-2' } });
      await backend.completeWorkflowWorkItem(
        item,
        turn({ newHistory: [restart], continuedAsNew: true, instance: instanceUpdate(start, { generation: generationOf(restart) }) }),
      );
      assert.deepEqual(await backend.getWorkflowHistory('wf-1'), [restart]);
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.equal(meta?.executionId, 'exec-2');
      assert.equal(meta?.input, '"round 2"');
      assert.equal(meta?.createdAt.getTime(), start.timestamp.getTime(), 'createdAt is the row\'s own');
    }));

  it('a turn that begins no generation keeps the start event\'s fields of the row: input, name, execution, tags, version', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1', { input: '"big input"', tags: { a: 'b' }, version: '2' });
      await backend.createWorkflowInstance(start);
      const first = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents, instance: { runtimeStatus: 'RUNNING', customStatus: '"s"' } }));
      await backend.addWorkflowEvent('wf-1', raised('done'));
      const second = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(second, turn({ newHistory: second.newEvents, instance: { runtimeStatus: 'COMPLETED', output: '"out"', completedAt: new Date() } }));
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.equal(meta?.runtimeStatus, 'COMPLETED');
      assert.equal(meta?.input, '"big input"');
      assert.equal(meta?.name, 'OrderWorkflow');
      assert.equal(meta?.executionId, 'exec-wf-1');
      assert.deepEqual(meta?.tags, { a: 'b' });
      assert.equal(meta?.version, '2');
      assert.equal(meta?.output, '"out"');
      assert.equal(meta?.customStatus, undefined);
    }));

  it('completeWorkflowWorkItem updates the instance row; startedAt is set once', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1', { tags: { a: 'b' }, version: '1' });
      await backend.createWorkflowInstance(start);
      const created = await backend.getWorkflowMetadata('wf-1');
      const first = await lockExpecting(backend, 'wf-1');
      await sleep(5);
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents, instance: instanceUpdate(start, { customStatus: '"step 1"' }) }));
      const running = await backend.getWorkflowMetadata('wf-1');
      assert.equal(running?.runtimeStatus, 'RUNNING');
      assert.equal(running?.customStatus, '"step 1"');
      assert.ok(running?.startedAt instanceof Date);
      assert.ok(running.lastUpdatedAt.getTime() > created!.lastUpdatedAt.getTime());
      assert.deepEqual(running.tags, { a: 'b' });
      assert.equal(running.version, '1');
      assert.equal(running.createdAt.getTime(), start.timestamp.getTime());
      await backend.addWorkflowEvent('wf-1', raised('fail'));
      const second = await lockExpecting(backend, 'wf-1');
      await sleep(5);
      const completedAt = new Date('2030-01-01T00:00:00.000Z');
      const failure = { errorType: 'Error', errorMessage: 'boom', stackTrace: 'at x', isNonRetriable: true };
      await backend.completeWorkflowWorkItem(
        second,
        turn({
          newHistory: second.newEvents,
          instance: instanceUpdate(start, { runtimeStatus: 'FAILED', failureDetails: failure, completedAt, output: '"partial"' }),
        }),
      );
      const failed = await backend.getWorkflowMetadata('wf-1');
      assert.equal(failed?.runtimeStatus, 'FAILED');
      assert.deepEqual(failed?.failureDetails, failure);
      assert.equal(failed?.completedAt?.getTime(), completedAt.getTime());
      assert.equal(failed?.output, '"partial"');
      assert.equal(failed?.customStatus, undefined);
      assert.equal(failed?.executionId, 'exec-wf-1');
      assert.equal(failed?.startedAt?.getTime(), running.startedAt.getTime());
      assert.ok(failed.lastUpdatedAt.getTime() > running.lastUpdatedAt.getTime());
    }));

  it('completeWorkflowWorkItem without an instance update leaves the row as is', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      const before = await backend.getWorkflowMetadata('wf-1');
      await backend.addWorkflowEvent('wf-1', raised('ignored'));
      const item = await lockExpecting(backend, 'wf-1');
      await sleep(5);
      await backend.completeWorkflowWorkItem(item, turn());
      assert.deepEqual(await backend.getWorkflowMetadata('wf-1'), before);
      assert.deepEqual(types(await backend.getWorkflowHistory('wf-1')), ['executionStarted']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('completeWorkflowWorkItem deletes exactly the locked events; later ones stay and are delivered next', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('a'));
      const item = await lockExpecting(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('b'));
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      const next = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(next.newEvents.map((e) => e.type === 'eventRaised' && e.name), ['b']);
      assert.equal(next.historyLength, 2);
      assert.equal(next.retryCount, 0);
    }));

  it('completeWorkflowWorkItem releases the lock', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('a'));
      const next = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(types(next.newEvents), ['eventRaised']);
    }));

  it('completeWorkflowWorkItem records the warnings of its refused starts on the instance, turn after turn', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'busy');
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const refused = (name: string) => ({ targetInstanceId: 'busy', event: startEvent('busy', { name }) });
      const first = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents, instance: instanceUpdate(start), messages: [refused('One')] }));
      await backend.addWorkflowEvent('wf-1', raised('a'));
      const second = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(second, turn({ newHistory: second.newEvents, messages: [refused('Two'), refused('Three')] }));
      const warnings = (await backend.getWorkflowMetadata('wf-1'))?.warnings ?? [];
      assert.deepEqual(warnings.map((w) => /scheduleNewWorkflow\('(\w+)'\)/.exec(w)?.[1]), ['One', 'Two', 'Three']);
      assert.ok(warnings.every((w) => w.includes('RUNNING')));
    }));
}
