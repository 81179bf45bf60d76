// Conformance: listWorkflows (filters, paging, payloads), purgeWorkflow and subscribe.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BackendSignal } from '../../../src/backends/backend.js';
import { FailedPreconditionError } from '../../../src/errors.js';
import type { WorkflowMetadata } from '../../../src/protocol/metadata.js';
import {
  WORKER,
  instanceUpdate,
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startCompleted,
  startEvent,
  startRunning,
  taskScheduled,
  turn,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

const BASE = Date.parse('2025-06-01T00:00:00.000Z');
const at = (minutes: number) => new Date(BASE + minutes * 60_000);
const ids = (instances: WorkflowMetadata[]) => instances.map((meta) => meta.instanceId);

export function queryCases(makeBackend: MakeBackend): void {
  it('listWorkflows filters by status, name, instance ID prefix and creation time', () =>
    withBackend(makeBackend, async (backend) => {
      await startCompleted(backend, 'order-1', { timestamp: at(1) });
      await startRunning(backend, 'order-2', { timestamp: at(2) });
      await startRunning(backend, 'ship-1', { timestamp: at(3), name: 'Shipping' });
      await backend.createWorkflowInstance(startEvent('order-3', { timestamp: at(4) }));
      const list = async (query: Parameters<typeof backend.listWorkflows>[0]) => ids((await backend.listWorkflows(query)).instances);
      assert.deepEqual(await list({}), ['order-1', 'order-2', 'ship-1', 'order-3']);
      assert.deepEqual(await list({ statuses: ['RUNNING'] }), ['order-2', 'ship-1']);
      assert.deepEqual(await list({ statuses: ['COMPLETED', 'PENDING'] }), ['order-1', 'order-3']);
      assert.deepEqual(await list({ name: 'Shipping' }), ['ship-1']);
      assert.deepEqual(await list({ instanceIdPrefix: 'order-' }), ['order-1', 'order-2', 'order-3']);
      assert.deepEqual(await list({ createdFrom: at(2), createdTo: at(3) }), ['order-2', 'ship-1']);
      assert.deepEqual(await list({ createdFrom: at(3) }), ['ship-1', 'order-3']);
      assert.deepEqual(await list({ createdTo: at(1) }), ['order-1']);
      assert.deepEqual(await list({ statuses: ['RUNNING'], instanceIdPrefix: 'order' }), ['order-2']);
      assert.deepEqual(await list({ name: 'Nothing' }), []);
    }));

  it('listWorkflows pages through every instance exactly once, ordered by createdAt then instanceId', () =>
    withBackend(makeBackend, async (backend) => {
      const expected: string[] = [];
      for (let i = 0; i < 7; i++) {
        // Pairs share a creation time so that the instance ID breaks ties.
        for (const id of [`b-${i}`, `a-${i}`]) await backend.createWorkflowInstance(startEvent(id, { timestamp: at(10 - i) }));
      }
      for (let i = 6; i >= 0; i--) expected.push(`a-${i}`, `b-${i}`);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await backend.listWorkflows({ pageSize: 4, continuationToken: token });
        assert.ok(page.instances.length <= 4);
        seen.push(...ids(page.instances));
        token = page.continuationToken;
        pages++;
        assert.ok(pages <= 5, 'paging did not end');
      } while (token !== undefined);
      assert.deepEqual(seen, expected);
      const first = await backend.listWorkflows({ pageSize: 4 });
      assert.equal(typeof first.continuationToken, 'string');
    }));

  it('listWorkflows newestFirst pages through every instance exactly once, newest first, instance ID descending on ties', () =>
    withBackend(makeBackend, async (backend) => {
      for (let i = 0; i < 7; i++) {
        for (const id of [`a-${i}`, `b-${i}`]) await backend.createWorkflowInstance(startEvent(id, { timestamp: at(i) }));
      }
      await backend.createWorkflowInstance(startEvent('c-9', { timestamp: at(9), name: 'Other' }));
      const expected = ['c-9'];
      for (let i = 6; i >= 0; i--) expected.push(`b-${i}`, `a-${i}`);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await backend.listWorkflows({ pageSize: 4, continuationToken: token, newestFirst: true });
        seen.push(...ids(page.instances));
        token = page.continuationToken;
        assert.ok(++pages <= 5, 'paging did not end');
      } while (token !== undefined);
      assert.deepEqual(seen, expected);
      // Filters apply in either order.
      assert.deepEqual(ids((await backend.listWorkflows({ newestFirst: true, name: 'OrderWorkflow', instanceIdPrefix: 'a-', createdFrom: at(4) })).instances), ['a-6', 'a-5', 'a-4']);
    }));

  it('countWorkflows counts matching instances per status with the listWorkflows filters', () =>
    withBackend(makeBackend, async (backend) => {
      await startCompleted(backend, 'order-1', { timestamp: at(1) });
      await startRunning(backend, 'order-2', { timestamp: at(2) });
      await startRunning(backend, 'ship-1', { timestamp: at(3), name: 'Shipping' });
      await backend.createWorkflowInstance(startEvent('order-3', { timestamp: at(4) }));
      assert.deepEqual(await backend.countWorkflows({}), { COMPLETED: 1, RUNNING: 2, PENDING: 1 });
      assert.deepEqual(await backend.countWorkflows({ instanceIdPrefix: 'order-' }), { COMPLETED: 1, RUNNING: 1, PENDING: 1 });
      assert.deepEqual(await backend.countWorkflows({ name: 'Shipping' }), { RUNNING: 1 });
      assert.deepEqual(await backend.countWorkflows({ createdFrom: at(2), createdTo: at(3) }), { RUNNING: 2 });
      assert.deepEqual(await backend.countWorkflows({ statuses: ['RUNNING', 'FAILED'] }), { RUNNING: 2 });
      assert.deepEqual(await backend.countWorkflows({ name: 'Nothing' }), {});
    }));

  it('listWorkflows omits input, output and custom status unless includePayloads', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1', { input: '"in"' });
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(
        item,
        turn({ newHistory: item.newEvents, instance: instanceUpdate(start, { runtimeStatus: 'COMPLETED', output: '"out"', customStatus: '"cs"', completedAt: new Date() }) }),
      );
      const [lean] = (await backend.listWorkflows({})).instances;
      assert.equal(lean?.instanceId, 'wf-1');
      assert.equal(lean?.runtimeStatus, 'COMPLETED');
      assert.equal(lean?.input, undefined);
      assert.equal(lean?.output, undefined);
      assert.equal(lean?.customStatus, undefined);
      const [full] = (await backend.listWorkflows({ includePayloads: true })).instances;
      assert.equal(full?.input, '"in"');
      assert.equal(full?.output, '"out"');
      assert.equal(full?.customStatus, '"cs"');
      const meta = await backend.getWorkflowMetadata('wf-1');
      assert.equal(meta?.output, '"out"');
    }));

  it('purgeWorkflow returns false for an unknown instance', () =>
    withBackend(makeBackend, async (backend) => {
      assert.equal(await backend.purgeWorkflow('nobody'), false);
    }));

  it('purgeWorkflow refuses an instance that is not terminal', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('pending'));
      await assert.rejects(backend.purgeWorkflow('pending'), FailedPreconditionError);
      await lockExpecting(backend, 'pending');
      await startRunning(backend, 'running');
      await assert.rejects(backend.purgeWorkflow('running'), FailedPreconditionError);
      assert.equal((await backend.getWorkflowMetadata('running'))?.runtimeStatus, 'RUNNING');
      assert.equal((await backend.getWorkflowHistory('running')).length, 1);
    }));

  it('purgeWorkflow deletes a terminal instance with its history, inbox and tasks', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'wf-1');
      await backend.completeWorkflowWorkItem(
        item,
        turn({ newHistory: item.newEvents, instance: instanceUpdate(start, { runtimeStatus: 'TERMINATED' }), activityTasks: [taskScheduled(0)] }),
      );
      await backend.addWorkflowEvent('wf-1', raised('late'));
      assert.equal(await backend.purgeWorkflow('wf-1'), true);
      assert.equal(await backend.getWorkflowMetadata('wf-1'), undefined);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1'), []);
      assert.equal(await lockWorkflow(backend), undefined);
      assert.equal(await backend.lockActivityWorkItem({ lockedBy: WORKER, leaseMs: 1000 }), undefined);
      assert.deepEqual((await backend.listWorkflows({})).instances, []);
      assert.equal(await backend.purgeWorkflow('wf-1'), false);
      // The ID is free again, with nothing left over from before.
      const again = startEvent('wf-1');
      await backend.createWorkflowInstance(again);
      assert.deepEqual((await lockExpecting(backend, 'wf-1')).newEvents, [again]);
    }));

  it('subscribe signals new workflow work, activity work and status changes until unsubscribed', () =>
    withBackend(makeBackend, async (backend) => {
      // Signals may arrive asynchronously (PostgreSQL NOTIFY), so each expectation waits for its signal.
      const recorder = new SignalRecorder();
      const unsubscribe = backend.subscribe((signal) => recorder.record(signal));
      // A failing listener must not break delivery to the others or the operation itself.
      const unsubscribeThrowing = backend.subscribe(() => {
        throw new Error('listener failure');
      });
      const start = startEvent('wf-1');
      await backend.createWorkflowInstance(start);
      await recorder.waitFor((s) => s.kind === 'workflowWork', 'workflowWork after createWorkflowInstance');
      const item = await lockExpecting(backend, 'wf-1');
      recorder.clear();
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate(start), activityTasks: [taskScheduled(0)] }));
      await recorder.waitFor((s) => s.kind === 'activityWork', 'activityWork after a completion with tasks');
      // A signal that names the status must name the new one.
      await recorder.waitFor(
        (s) => s.kind === 'statusChanged' && s.instanceId === 'wf-1' && (s.runtimeStatus ?? 'RUNNING') === 'RUNNING',
        'statusChanged after PENDING -> RUNNING',
      );
      recorder.clear();
      await backend.addWorkflowEvent('wf-1', raised('x'));
      await recorder.waitFor((s) => s.kind === 'workflowWork', 'workflowWork after addWorkflowEvent');
      unsubscribe();
      unsubscribeThrowing();
      recorder.clear();
      await backend.addWorkflowEvent('wf-1', raised('y'));
      await sleep(150);
      assert.deepEqual(recorder.signals, []);
    }));
}

class SignalRecorder {
  readonly signals: BackendSignal[] = [];
  private waiter: (() => void) | undefined;

  record(signal: BackendSignal): void {
    this.signals.push(signal);
    this.waiter?.();
  }

  clear(): void {
    this.signals.length = 0;
  }

  async waitFor(predicate: (signal: BackendSignal) => boolean, what: string, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.signals.some(predicate)) {
      const left = deadline - Date.now();
      assert.ok(left > 0, `no signal: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}
