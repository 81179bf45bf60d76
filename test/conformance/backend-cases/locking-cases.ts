// Conformance: locking workflow work items, leases, lost leases, abandon and renew.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LeaseLostError } from '../../../src/errors.js';
import {
  SHORT_LEASE_MS,
  generationOf,
  instanceUpdate,
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startEvent,
  startRunning,
  turn,
  types,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

export function lockingCases(makeBackend: MakeBackend): void {
  it('lockWorkflowWorkItem returns undefined when nothing is visible', () =>
    withBackend(makeBackend, async (backend) => {
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.createWorkflowInstance(startEvent('later', { scheduledStartTimestamp: new Date(Date.now() + 60_000) }));
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('lockWorkflowWorkItem returns inbox events in arrival order with historyLength, retryCount 0 and a fresh token', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      const events = [raised('a', '1'), raised('b', '2'), raised('c', '3')];
      for (const event of events) await backend.addWorkflowEvent('wf-1', event);
      const before = Date.now();
      const item = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(item.newEvents, events);
      assert.equal(item.historyLength, 1);
      assert.equal(item.retryCount, 0);
      assert.equal(typeof item.lockToken, 'string');
      assert.ok(item.lockToken.length > 0);
      assert.ok(item.lockedUntil.getTime() >= before + 29_000);
    }));

  it('a work item names the execution of the committed history: the start\'s, then the new one after continue-as-new', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const first = await lockExpecting(backend, 'wf-1');
      assert.equal(first.executionId, 'exec-wf-1');
      const next = startEvent('wf-1', { workflowInstance: { instanceId: 'wf-1', executionId: 'exec-2' } });
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: [next], continuedAsNew: true, instance: instanceUpdate(next, { generation: generationOf(next) }) }));
      await backend.addWorkflowEvent('wf-1', raised('go'));
      const second = await lockExpecting(backend, 'wf-1');
      assert.equal(second.executionId, 'exec-2');
      assert.equal(second.historyLength, 1);
    }));

  it('lockWorkflowWorkItem returns at most maxEvents events; the rest come with the next lock', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      for (let i = 0; i < 5; i++) await backend.addWorkflowEvent('wf-1', raised(`e${i}`));
      const first = await lockExpecting(backend, 'wf-1', { maxEvents: 2 });
      assert.deepEqual(first.newEvents.map((e) => e.type === 'eventRaised' && e.name), ['e0', 'e1']);
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents }));
      const second = await lockExpecting(backend, 'wf-1', { maxEvents: 2 });
      assert.deepEqual(second.newEvents.map((e) => e.type === 'eventRaised' && e.name), ['e2', 'e3']);
      assert.equal(second.historyLength, 3);
    }));

  it('a locked instance cannot be locked again while its lease holds', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      await lockExpecting(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('meanwhile'));
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('lockWorkflowWorkItem takes the instance with the oldest visible event first', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('a'));
      await sleep(3);
      await backend.createWorkflowInstance(startEvent('b'));
      await sleep(3);
      await backend.createWorkflowInstance(startEvent('c'));
      await backend.addWorkflowEvent('a', raised('x'));
      assert.equal((await lockWorkflow(backend))?.instanceId, 'a');
      assert.equal((await lockWorkflow(backend))?.instanceId, 'b');
      assert.equal((await lockWorkflow(backend))?.instanceId, 'c');
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('an expired lease lets another worker lock with a new token; the old token is rejected and changes nothing', () =>
    withBackend(makeBackend, async (backend) => {
      const start = await startRunning(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('x', '1'));
      const stale = await lockExpecting(backend, 'wf-1', { leaseMs: SHORT_LEASE_MS });
      const metaBefore = await backend.getWorkflowMetadata('wf-1');
      await sleep(SHORT_LEASE_MS + 30);
      const fresh = await lockExpecting(backend, 'wf-1');
      assert.notEqual(fresh.lockToken, stale.lockToken);
      assert.deepEqual(fresh.newEvents, stale.newEvents);
      const bogus = turn({ newHistory: [raised('bogus')], instance: instanceUpdate(start, { runtimeStatus: 'FAILED' }) });
      await assert.rejects(backend.completeWorkflowWorkItem(stale, bogus), LeaseLostError);
      await assert.rejects(backend.abandonWorkflowWorkItem(stale), LeaseLostError);
      await assert.rejects(backend.renewWorkflowWorkItem(stale, 60_000), LeaseLostError);
      assert.deepEqual(await backend.getWorkflowMetadata('wf-1'), metaBefore);
      assert.deepEqual(types(await backend.getWorkflowHistory('wf-1')), ['executionStarted']);
      // The new holder still owns the batch: completing it consumes the event.
      await backend.completeWorkflowWorkItem(fresh, turn({ newHistory: fresh.newEvents }));
      assert.deepEqual(types(await backend.getWorkflowHistory('wf-1')), ['executionStarted', 'eventRaised']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('completeWorkflowWorkItem accepts a lapsed lease that no other worker took', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const item = await lockExpecting(backend, 'wf-1', { leaseMs: SHORT_LEASE_MS });
      await sleep(SHORT_LEASE_MS + 30);
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      assert.deepEqual(types(await backend.getWorkflowHistory('wf-1')), ['executionStarted']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('renewWorkflowWorkItem extends the lease', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const item = await lockExpecting(backend, 'wf-1', { leaseMs: SHORT_LEASE_MS });
      await backend.renewWorkflowWorkItem(item, 5_000);
      await sleep(SHORT_LEASE_MS + 30);
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      assert.equal((await backend.getWorkflowHistory('wf-1')).length, 1);
    }));

  it('locks requested at once lease distinct instances, each with exactly its own visible events', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'running');
      for (const id of ['n1', 'n2', 'n3']) await backend.createWorkflowInstance(startEvent(id));
      await backend.addWorkflowEvent('running', raised('x'));
      await backend.addWorkflowEvent('running', raised('y'));
      await backend.addWorkflowEvent('n2', raised('early'));
      const items = (await Promise.all(Array.from({ length: 6 }, () => lockWorkflow(backend)))).filter((item) => item !== undefined);
      const byId = new Map(items.map((item) => [item.instanceId, item]));
      assert.equal(byId.size, items.length, 'an instance was leased twice');
      assert.deepEqual([...byId.keys()].sort(), ['n1', 'n2', 'n3', 'running']);
      assert.deepEqual(types(byId.get('running')!.newEvents), ['eventRaised', 'eventRaised']);
      assert.deepEqual(types(byId.get('n2')!.newEvents), ['executionStarted', 'eventRaised']);
      assert.deepEqual(types(byId.get('n1')!.newEvents), ['executionStarted']);
      assert.equal(new Set(items.map((item) => item.lockToken)).size, 4);
      assert.equal(await lockWorkflow(backend), undefined);
      for (const item of items) await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
      assert.equal(await lockWorkflow(backend), undefined);
      assert.deepEqual(types(await backend.getWorkflowHistory('n2')), ['executionStarted', 'eventRaised']);
    }));

  it('serves started instances before older new ones, each kind oldest first', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'running-1');
      await startRunning(backend, 'running-2');
      await backend.createWorkflowInstance(startEvent('new-1'));
      await backend.createWorkflowInstance(startEvent('new-2'));
      await sleep(5);
      await backend.addWorkflowEvent('running-2', raised('first'));
      await sleep(5);
      await backend.addWorkflowEvent('running-1', raised('second'));
      const order: string[] = [];
      for (let item = await lockWorkflow(backend); item; item = await lockWorkflow(backend)) order.push(item.instanceId);
      assert.deepEqual(order, ['running-2', 'running-1', 'new-1', 'new-2']);
    }));

  it('a renewed lease that then expires releases the batch and the events that arrived under it', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const item = await lockExpecting(backend, 'wf-1', { leaseMs: SHORT_LEASE_MS });
      await backend.addWorkflowEvent('wf-1', raised('during'));
      await backend.renewWorkflowWorkItem(item, SHORT_LEASE_MS * 2);
      await sleep(SHORT_LEASE_MS + 10);
      assert.equal(await lockWorkflow(backend), undefined, 'still leased after the first expiry');
      await sleep(SHORT_LEASE_MS + 30);
      const again = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(types(again.newEvents), ['executionStarted', 'eventRaised']);
      assert.equal(again.retryCount, 1);
    }));

  it('abandonWorkflowWorkItem makes the batch visible again after delayMs with a higher retryCount', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const first = await lockExpecting(backend, 'wf-1');
      await backend.abandonWorkflowWorkItem(first, { delayMs: 100 });
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(130);
      const second = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(second.newEvents, first.newEvents);
      assert.equal(second.retryCount, 1);
      assert.notEqual(second.lockToken, first.lockToken);
      await backend.abandonWorkflowWorkItem(second);
      const third = await lockExpecting(backend, 'wf-1');
      assert.equal(third.retryCount, 2);
      assert.deepEqual(await backend.getWorkflowHistory('wf-1'), []);
    }));

  it('an event for an instance whose first turn backs off is locked together with its start', () =>
    withBackend(makeBackend, async (backend) => {
      await backend.createWorkflowInstance(startEvent('wf-1'));
      const first = await lockExpecting(backend, 'wf-1');
      await backend.abandonWorkflowWorkItem(first, { delayMs: 60_000 });
      assert.equal(await lockWorkflow(backend), undefined);
      await backend.addWorkflowEvent('wf-1', raised('go'));
      const second = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(types(second.newEvents), ['executionStarted', 'eventRaised']);
      assert.equal(second.historyLength, 0);
    }));

  it('a started instance does not take a held-back event along with a visible one', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'wf-1');
      await backend.addWorkflowEvent('wf-1', raised('a'));
      const first = await lockExpecting(backend, 'wf-1');
      await backend.abandonWorkflowWorkItem(first, { delayMs: 60_000 });
      await backend.addWorkflowEvent('wf-1', raised('b'));
      const second = await lockExpecting(backend, 'wf-1');
      assert.deepEqual(second.newEvents.map((e) => (e.type === 'eventRaised' ? e.name : e.type)), ['b']);
    }));
}
