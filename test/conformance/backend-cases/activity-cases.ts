// Conformance: the activity queue (insert on completion, lock, complete, abandon, renew) and timers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LeaseLostError } from '../../../src/errors.js';
import { newEvent, type TaskCompletedEvent } from '../../../src/protocol/history.js';
import type { ActivityWorkItem, Backend, WorkflowWorkItem } from '../../../src/backends/backend.js';
import {
  LEASE_MS,
  SHORT_LEASE_MS,
  WORKER,
  instanceUpdate,
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startEvent,
  taskScheduled,
  turn,
  types,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

/** Starts 'wf-1' and, in its first turn, schedules `count` activities (ids 0..count-1). */
async function scheduleActivities(backend: Backend, count: number, status: 'RUNNING' | 'COMPLETED' = 'RUNNING') {
  const start = startEvent('wf-1');
  await backend.createWorkflowInstance(start);
  const item = await lockExpecting(backend, 'wf-1');
  const tasks = Array.from({ length: count }, (_, i) => taskScheduled(i));
  await backend.completeWorkflowWorkItem(
    item,
    turn({ newHistory: [...item.newEvents, ...tasks], instance: instanceUpdate(start, { runtimeStatus: status }), activityTasks: tasks }),
  );
  return tasks;
}

function lockActivity(backend: Backend, leaseMs = LEASE_MS) {
  return backend.lockActivityWorkItem({ lockedBy: WORKER, leaseMs });
}

function completion(taskScheduledId: number): TaskCompletedEvent {
  return newEvent('taskCompleted', new Date(), { taskScheduledId, result: `"r${taskScheduledId}"`, taskExecutionId: `task-${taskScheduledId}` });
}

/** Starts `instanceId` and schedules activities with the given ids in its first turn. */
async function withTasks(backend: Backend, instanceId: string, ids: number[]) {
  const start = startEvent(instanceId);
  await backend.createWorkflowInstance(start);
  const item = await lockExpecting(backend, instanceId);
  const tasks = ids.map((i) => taskScheduled(i));
  await backend.completeWorkflowWorkItem(item, turn({ newHistory: [...item.newEvents, ...tasks], instance: instanceUpdate(start), activityTasks: tasks }));
  return start;
}

export function activityCases(makeBackend: MakeBackend): void {
  it('a result that leases its workflow brings the events that were already waiting, in arrival order', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 1);
      const task = (await lockActivity(backend))!;
      await backend.addWorkflowEvent('wf-1', raised('waiting'));
      const leased = await backend.completeActivityWorkItem(task, completion(0), { leaseWorkflow: { lockedBy: WORKER, leaseMs: LEASE_MS } });
      const item = leased ?? (await lockExpecting(backend, 'wf-1'));
      assert.deepEqual(types(item.newEvents), ['eventRaised', 'taskCompleted']);
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      assert.deepEqual(types(await backend.getWorkflowHistory('wf-1')).slice(-2), ['eventRaised', 'taskCompleted']);
      assert.equal(await lockWorkflow(backend), undefined, 'nothing delivered twice');
    }));

  it('completions at once: each result reaches its instance exactly once, no instance is leased twice, a lost lease fails alone', () =>
    withBackend(makeBackend, async (backend) => {
      await withTasks(backend, 'fan', [0, 1]);
      await withTasks(backend, 'one', [2]);
      await withTasks(backend, 'held', [3]);
      await withTasks(backend, 'stale', [4]);
      const tasks = new Map<number, ActivityWorkItem>();
      for (let task = await lockActivity(backend); task; task = await lockActivity(backend)) tasks.set(task.event.eventId, task);
      assert.deepEqual([...tasks.keys()].sort(), [0, 1, 2, 3, 4]);
      // 'held' is leased by a workflow worker; task 4's activity lease lapses and another worker takes it.
      await backend.addWorkflowEvent('held', raised('busy'));
      const holder = await lockExpecting(backend, 'held');
      await backend.abandonActivityWorkItem(tasks.get(4)!, { delayMs: 0 }).catch(() => undefined);
      const retaken = (await lockActivity(backend))!;
      assert.equal(retaken.event.eventId, 4);

      const options = { leaseWorkflow: { lockedBy: WORKER, leaseMs: LEASE_MS } };
      const outcomes = await Promise.allSettled([0, 1, 2, 3, 4].map((id) => backend.completeActivityWorkItem(tasks.get(id)!, completion(id), options)));
      assert.equal(outcomes[4]!.status, 'rejected');
      assert.ok((outcomes[4] as PromiseRejectedResult).reason instanceof LeaseLostError);
      const leased = outcomes.slice(0, 4).map((o) => {
        assert.equal(o.status, 'fulfilled');
        return (o as PromiseFulfilledResult<WorkflowWorkItem | undefined>).value;
      }).filter((w): w is WorkflowWorkItem => w !== undefined);
      const leasedIds = leased.map((w) => w.instanceId);
      assert.equal(new Set(leasedIds).size, leasedIds.length, 'an instance leased twice');
      assert.ok(!leasedIds.includes('held'), 'a held instance was leased');

      // Drain: every result must arrive exactly once, at its own instance.
      const seen = new Map<string, number[]>();
      const consume = async (item: WorkflowWorkItem) => {
        const ids = item.newEvents.filter((e) => e.type === 'taskCompleted').map((e) => (e as TaskCompletedEvent).taskScheduledId);
        seen.set(item.instanceId, [...(seen.get(item.instanceId) ?? []), ...ids]);
        await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      };
      for (const item of leased) await consume(item);
      await consume(holder);
      for (let item = await lockWorkflow(backend); item; item = await lockWorkflow(backend)) await consume(item);
      assert.deepEqual(
        [...seen].map(([id, ids]) => [id, ids.sort()]).sort(),
        [['fan', [0, 1]], ['held', [3]], ['one', [2]]],
      );
    }));


  it('completeWorkflowWorkItem with leaseActivities commits the first tasks already leased to that worker', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      const tasks = [0, 1, 2].map((i) => taskScheduled(i));
      const leased = await backend.completeWorkflowWorkItem(
        item,
        turn({ newHistory: [...item.newEvents, ...tasks], instance: instanceUpdate(start), activityTasks: tasks }),
        { leaseActivities: { lockedBy: WORKER, leaseMs: LEASE_MS, max: 2 } },
      );
      assert.deepEqual(
        leased.map((a) => [a.instanceId, a.event.eventId, a.retryCount]),
        [
          ['wf-1', 0, 0],
          ['wf-1', 1, 0],
        ],
      );
      assert.ok(leased.every((a) => a.lockToken && a.lockedUntil.getTime() > Date.now()));
      const other = await lockActivity(backend);
      assert.equal(other?.event.eventId, 2, 'only the task not leased is lockable');
      assert.equal(await lockActivity(backend), undefined);
      await backend.completeActivityWorkItem(leased[1]!, completion(1));
      await backend.completeActivityWorkItem(leased[0]!, completion(0));
      const next = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(
        next.newEvents.map((e) => e.type === 'taskCompleted' && e.taskScheduledId),
        [1, 0],
      );
    }));

  it('completeActivityWorkItem with leaseWorkflow may lease the free workflow with the result, never a held one', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 2);
      const first = await lockActivity(backend);
      const second = await lockActivity(backend);
      const options = { leaseWorkflow: { lockedBy: WORKER, leaseMs: LEASE_MS } };
      const leased = await backend.completeActivityWorkItem(first!, completion(0), options);
      if (leased) {
        // A backend may decline; one that leases hands over exactly the visible inbox under a live lease.
        assert.equal(leased.instanceId, 'wf-1');
        assert.equal(leased.executionId, 'exec-wf-1', 'a leased work item names its execution like a locked one');
        assert.deepEqual(types(leased.newEvents), ['taskCompleted']);
        assert.equal(await lockWorkflow(backend), undefined, 'the workflow is held by the returned lease');
        assert.equal(await backend.completeActivityWorkItem(second!, completion(1), options), undefined, 'a held workflow is not leased again');
        await backend.completeWorkflowWorkItem(leased, turn({ newHistory: leased.newEvents }));
        const next = await lockExpecting(backend, 'wf-1');
        assert.deepEqual(types(next.newEvents), ['taskCompleted']);
      } else {
        await backend.completeActivityWorkItem(second!, completion(1), options);
        const next = await lockExpecting(backend, 'wf-1');
        assert.deepEqual(types(next.newEvents), ['taskCompleted', 'taskCompleted']);
      }
    }));

  it('completeWorkflowWorkItem without leaseActivities leases nothing', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      const tasks = [taskScheduled(0)];
      const leased = await backend.completeWorkflowWorkItem(item, turn({ newHistory: [...item.newEvents, ...tasks], instance: instanceUpdate(start), activityTasks: tasks }));
      assert.deepEqual(leased ?? [], []);
      assert.equal((await lockActivity(backend))?.event.eventId, 0);
    }));

  it('activity tasks inserted by a completion lock in order, each by one worker at a time', () =>
    withBackend(makeBackend, async (backend) => {
      const tasks = await scheduleActivities(backend, 3);
      const items = [await lockActivity(backend), await lockActivity(backend), await lockActivity(backend)];
      assert.deepEqual(items.map((item) => item?.event), tasks);
      for (const item of items) {
        assert.equal(item?.instanceId, 'wf-1');
        assert.equal(item?.retryCount, 0);
      }
      assert.equal(new Set(items.map((item) => item?.id)).size, 3);
      assert.equal(await lockActivity(backend), undefined);
    }));

  it('completeActivityWorkItem deletes the task and appends the result to the inbox', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 1);
      const task = await lockActivity(backend);
      assert.ok(task);
      assert.equal(await lockWorkflow(backend), undefined);
      const result = completion(0);
      await backend.completeActivityWorkItem(task, result);
      const item = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(item.newEvents, [result]);
      assert.equal(await lockActivity(backend, SHORT_LEASE_MS), undefined);
      await sleep(SHORT_LEASE_MS + 30);
      assert.equal(await lockActivity(backend), undefined);
    }));

  it('completeActivityWorkItem rejects a lost lease and appends nothing', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 1);
      const stale = await lockActivity(backend, SHORT_LEASE_MS);
      assert.ok(stale);
      await sleep(SHORT_LEASE_MS + 30);
      const fresh = await lockActivity(backend);
      assert.ok(fresh);
      assert.equal(fresh.id, stale.id);
      assert.notEqual(fresh.lockToken, stale.lockToken);
      assert.equal(fresh.retryCount, 1);
      await assert.rejects(backend.completeActivityWorkItem(stale, completion(0)), LeaseLostError);
      await assert.rejects(backend.abandonActivityWorkItem(stale), LeaseLostError);
      await assert.rejects(backend.renewActivityWorkItem(stale, 60_000), LeaseLostError);
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.completeActivityWorkItem(fresh, completion(0));
      assert.deepEqual(types((await lockExpecting(backend, 'wf-1')).newEvents), ['taskCompleted']);
    }));

  it('completeActivityWorkItem drops the result of a purged instance', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 1, 'COMPLETED');
      const task = await lockActivity(backend);
      assert.ok(task);
      assert.equal(await backend.purgeWorkflow('wf-1'), true);
      await backend.completeActivityWorkItem(task, completion(0));
      assert.equal(await backend.getWorkflowMetadata('wf-1'), undefined);
      assert.equal(await lockWorkflow(backend), undefined);
      assert.equal(await lockActivity(backend), undefined);
    }));

  it('abandonActivityWorkItem makes the task lockable again after delayMs with retryCount incremented', () =>
    withBackend(makeBackend, async (backend) => {
      const [task] = await scheduleActivities(backend, 1);
      const first = await lockActivity(backend);
      assert.ok(first);
      await backend.abandonActivityWorkItem(first, { delayMs: 100 });
      assert.equal(await lockActivity(backend), undefined);
      await sleep(130);
      const second = await lockActivity(backend);
      assert.equal(second?.id, first.id);
      assert.deepEqual(second?.event, task);
      assert.equal(second?.retryCount, 1);
      await backend.abandonActivityWorkItem(second!);
      assert.equal((await lockActivity(backend))?.retryCount, 2);
    }));

  it('renewActivityWorkItem extends the lease', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleActivities(backend, 1);
      const task = await lockActivity(backend, SHORT_LEASE_MS);
      assert.ok(task);
      await backend.renewActivityWorkItem(task, 5_000);
      await sleep(SHORT_LEASE_MS + 30);
      assert.equal(await lockActivity(backend), undefined);
      await backend.completeActivityWorkItem(task, completion(0));
      assert.deepEqual(types((await lockExpecting(backend, 'wf-1')).newEvents), ['taskCompleted']);
    }));

  it('timers stay invisible until visibleAt, then arrive in the owner inbox', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      const fireAt = new Date(Date.now() + 1000);
      const later = new Date(Date.now() + 60_000);
      const fired = newEvent('timerFired', new Date(), { timerId: 1, fireAt });
      const farFired = newEvent('timerFired', new Date(), { timerId: 2, fireAt: later });
      await backend.completeWorkflowWorkItem(
        item,
        turn({
          newHistory: [...item.newEvents, newEvent('timerCreated', new Date(), { eventId: 1, fireAt })],
          instance: instanceUpdate(start),
          timers: [{ event: farFired, visibleAt: later }, { event: fired, visibleAt: fireAt }],
        }),
      );
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(fireAt.getTime() - Date.now() + 20);
      const due = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(due.newEvents, [fired]);
      assert.ok(due.newEvents[0]!.type === 'timerFired' && due.newEvents[0].fireAt instanceof Date);
    }));
}
