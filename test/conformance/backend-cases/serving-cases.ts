// Conformance: a worker locks only what it serves (the names it registered), work nobody serves waits, and
// workers announce themselves with heartbeats.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newEvent } from '../../../src/protocol/history.js';
import type { Backend } from '../../../src/backends/backend.js';
import {
  LEASE_MS,
  WORKER,
  instanceUpdate,
  lockExpecting,
  sleep,
  startEvent,
  startRunning,
  taskScheduled,
  turn,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

const OTHER = 'conformance,2,other';

function lockNamed(backend: Backend, names: string[], lockedBy = WORKER) {
  return backend.lockWorkflowWorkItem({ lockedBy, leaseMs: LEASE_MS, names });
}

function lockActivityNamed(backend: Backend, names: string[], lockedBy = WORKER) {
  return backend.lockActivityWorkItem({ lockedBy, leaseMs: LEASE_MS, names });
}

/** 'wf-1' runs one turn that schedules an activity of each of `names` (ids 0..). */
async function scheduleNamed(backend: Backend, names: string[], lease?: { names: string[]; max: number }) {
  const start = await startRunning(backend, 'wf-1');
  await backend.addWorkflowEvent('wf-1', newEvent('eventRaised', new Date(), { name: 'go' }));
  const item = await lockExpecting(backend, 'wf-1');
  const tasks = names.map((name, i) => taskScheduled(i, name));
  return backend.completeWorkflowWorkItem(
    item,
    turn({ newHistory: [...item.newEvents, ...tasks], instance: instanceUpdate(start), activityTasks: tasks }),
    lease ? { leaseActivities: { lockedBy: WORKER, leaseMs: LEASE_MS, ...lease } } : undefined,
  );
}

export function servingCases(makeBackend: MakeBackend): void {
  it('lockWorkflowWorkItem with names locks only instances of those workflows, oldest due first', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('new-1', { name: 'NewWorkflow' }));
      await sleep(2);
      await backend.createWorkflowInstance(startEvent('old-1', { name: 'OldWorkflow' }));
      await sleep(2);
      await backend.createWorkflowInstance(startEvent('old-2', { name: 'OldWorkflow' }));
      assert.equal(await lockNamed(backend, ['Unknown']), undefined);
      assert.equal((await lockNamed(backend, ['OldWorkflow', 'Unknown']))?.instanceId, 'old-1');
      assert.equal((await lockNamed(backend, ['OldWorkflow']))?.instanceId, 'old-2');
      assert.equal(await lockNamed(backend, ['OldWorkflow']), undefined);
      // The instance of the name nobody served has waited, and a worker that serves it gets it.
      assert.equal((await lockNamed(backend, ['NewWorkflow'], OTHER))?.instanceId, 'new-1');
    }));

  it('lockWorkflowWorkItem with names serves started instances of those names before new ones', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'running-other', { name: 'Other' });
      await startRunning(backend, 'running-mine', { name: 'Mine' });
      await backend.createWorkflowInstance(startEvent('fresh-mine', { name: 'Mine' }));
      await backend.addWorkflowEvent('running-other', newEvent('eventRaised', new Date(), { name: 'x' }));
      await sleep(2);
      await backend.addWorkflowEvent('running-mine', newEvent('eventRaised', new Date(), { name: 'x' }));
      assert.equal((await lockNamed(backend, ['Mine']))?.instanceId, 'running-mine');
      assert.equal((await lockNamed(backend, ['Mine']))?.instanceId, 'fresh-mine');
      assert.equal(await lockNamed(backend, ['Mine']), undefined);
      assert.equal((await lockNamed(backend, ['Other']))?.instanceId, 'running-other');
    }));

  it('lockWorkflowWorkItem with no names locks nothing (an activity-only worker)', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      assert.equal(await lockNamed(backend, []), undefined);
      assert.equal((await lockExpecting(backend, 'wf-1')).instanceId, 'wf-1');
    }));

  it('lockActivityWorkItem with names locks only tasks of those activities; the others wait', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleNamed(backend, ['NewActivity', 'Charge', 'Ship']);
      assert.equal(await lockActivityNamed(backend, ['Unknown']), undefined);
      assert.equal((await lockActivityNamed(backend, ['Ship', 'Charge']))?.event.name, 'Charge');
      assert.equal((await lockActivityNamed(backend, ['Ship', 'Charge']))?.event.name, 'Ship');
      assert.equal(await lockActivityNamed(backend, ['Ship', 'Charge']), undefined);
      assert.equal((await lockActivityNamed(backend, ['NewActivity'], OTHER))?.event.name, 'NewActivity');
    }));

  it('a turn leases to its worker only the activities that worker serves', () =>
    withBackend(makeBackend, async (backend) => {
      const leased = await scheduleNamed(backend, ['NewActivity', 'Charge', 'Charge'], { names: ['Charge'], max: 10 });
      assert.deepEqual(
        leased.map((t) => [t.event.name, t.event.eventId]),
        [
          ['Charge', 1],
          ['Charge', 2],
        ],
      );
      assert.equal((await lockActivityNamed(backend, ['NewActivity'], OTHER))?.event.eventId, 0);
    }));

  it('an activity completion leases the workflow only to a worker that serves it', () =>
    withBackend(makeBackend, async (backend) => {
      await scheduleNamed(backend, ['Charge', 'Charge']);
      const results = [];
      for (const names of [['OtherWorkflow'], ['OrderWorkflow']]) {
        const task = await lockActivityNamed(backend, ['Charge']);
        assert.ok(task);
        const done = newEvent('taskCompleted', new Date(), { taskScheduledId: task.event.eventId, taskExecutionId: task.event.taskExecutionId, result: '1' });
        results.push(await backend.completeActivityWorkItem(task, done, { leaseWorkflow: { lockedBy: WORKER, leaseMs: LEASE_MS, names } }));
      }
      assert.equal(results[0], undefined);
      // The second completion may be leased with both results, or declined (PostgreSQL declines); never lost.
      const item = results[1] ?? (await lockNamed(backend, ['OrderWorkflow']));
      assert.equal(item?.instanceId, 'wf-1');
      assert.deepEqual(
        item.newEvents.map((e) => e.type),
        ['taskCompleted', 'taskCompleted'],
      );
    }));

  it('heartbeatWorker announces a worker, refreshes it, and listWorkers returns those seen since a time', () =>
    withBackend(makeBackend, async (backend) => {
      const startedAt = new Date(Date.now() - 1000);
      const base = { name: 'api', host: 'h1', pid: 42, workflows: ['A'], activities: ['x', 'y'], startedAt };
      await backend.heartbeatWorker({ ...base, workerId: 'w1' });
      const [first] = await backend.listWorkers();
      assert.deepEqual({ ...first, heartbeatAt: undefined }, { ...base, workerId: 'w1', heartbeatAt: undefined });
      await sleep(5);
      const between = new Date();
      await sleep(5);
      await backend.heartbeatWorker({ ...base, workerId: 'w2', workflows: ['A', 'B'] });
      assert.deepEqual(
        (await backend.listWorkers({ since: between })).map((w) => [w.workerId, w.workflows]),
        [['w2', ['A', 'B']]],
      );
      await backend.heartbeatWorker({ ...base, workerId: 'w1', workflows: ['C'] });
      const all = await backend.listWorkers({ since: between });
      assert.deepEqual(all.map((w) => [w.workerId, w.workflows]).sort(), [
        ['w1', ['C']],
        ['w2', ['A', 'B']],
      ]);
      assert.ok(all.every((w) => w.heartbeatAt >= between));
      await backend.removeWorker('w1');
      assert.deepEqual((await backend.listWorkers()).map((w) => w.workerId), ['w2']);
    }));
}
