// Conformance: a turn's messages to other instances, including start messages under core/delivery rules.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Backend, OutboundMessage } from '../../../src/backends/backend.js';
import { newEvent } from '../../../src/protocol/history.js';
import {
  instanceUpdate,
  lockExpecting,
  lockWorkflow,
  raised,
  sleep,
  startCompleted,
  startEvent,
  startRunning,
  turn,
  types,
  withBackend,
  type MakeBackend,
} from './fixtures.js';

/** Runs one turn of the running instance 'sender' that sends `messages`. */
async function send(backend: Backend, messages: OutboundMessage[]): Promise<void> {
  await backend.addWorkflowEvent('sender', raised('go'));
  const item = await lockExpecting(backend, 'sender');
  await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, messages }));
}

export function deliveryCases(makeBackend: MakeBackend): void {
  it('a message lands in the target inbox, visible at its visibleAt', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await startRunning(backend, 'target');
      const now = raised('now', '1');
      const later = raised('later', '2');
      const visibleAt = new Date(Date.now() + 1000);
      await send(backend, [
        { targetInstanceId: 'target', event: later, visibleAt },
        { targetInstanceId: 'target', event: now },
      ]);
      const first = await lockExpecting(backend, 'target');
      assert.deepEqual(first.newEvents, [now]);
      await backend.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents }));
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(visibleAt.getTime() - Date.now() + 20);
      assert.deepEqual((await lockExpecting(backend, 'target')).newEvents, [later]);
    }));

  it('a message to an instance waiting for its scheduled start waits for the start too', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      const startAt = new Date(Date.now() + 1000);
      await backend.createWorkflowInstance(startEvent('waiting', { scheduledStartTimestamp: startAt }));
      await send(backend, [{ targetInstanceId: 'waiting', event: raised('early') }]);
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(startAt.getTime() - Date.now() + 20);
      assert.deepEqual(types((await lockExpecting(backend, 'waiting')).newEvents), ['executionStarted', 'eventRaised']);
    }));

  it('a termination message to an instance waiting for its scheduled start does not wait for it', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await backend.createWorkflowInstance(startEvent('waiting', { scheduledStartTimestamp: new Date(Date.now() + 60_000) }));
      await send(backend, [{ targetInstanceId: 'waiting', event: raised('early') }]);
      const terminate = newEvent('executionTerminated', new Date(), { input: '"stop"', recurse: false });
      await send(backend, [{ targetInstanceId: 'waiting', event: terminate }]);
      assert.deepEqual(types((await lockExpecting(backend, 'waiting')).newEvents), ['executionStarted', 'eventRaised', 'executionTerminated']);
    }));

  it('a message to an instance that does not exist is dropped, not kept for a later instance', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await send(backend, [{ targetInstanceId: 'ghost', event: raised('lost') }]);
      assert.equal(await backend.getWorkflowMetadata('ghost'), undefined);
      assert.equal(await lockWorkflow(backend), undefined);
      const start = startEvent('ghost');
      await backend.createWorkflowInstance(start);
      assert.deepEqual((await lockExpecting(backend, 'ghost')).newEvents, [start]);
    }));

  it('a start message creates the target instance, PENDING, with its start event in its inbox', () =>
    withBackend(makeBackend, async (backend) => {
      const parent = await startRunning(backend, 'sender');
      const child = startEvent('child', {
        name: 'Child',
        parentInstance: { taskScheduledId: 2, name: parent.name, workflowInstance: parent.workflowInstance },
      });
      await send(backend, [{ targetInstanceId: 'child', event: child }]);
      const meta = await backend.getWorkflowMetadata('child');
      assert.equal(meta?.runtimeStatus, 'PENDING');
      assert.equal(meta?.name, 'Child');
      assert.equal(meta?.parentInstanceId, 'sender');
      assert.equal(meta?.createdAt.getTime(), child.timestamp.getTime());
      assert.deepEqual((await lockExpecting(backend, 'child')).newEvents, [child]);
    }));

  it('a start message with a scheduled start is invisible until then', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      const startAt = new Date(Date.now() + 1000);
      const detached = startEvent('detached', { scheduledStartTimestamp: startAt });
      await send(backend, [{ targetInstanceId: 'detached', event: detached }]);
      assert.equal((await backend.getWorkflowMetadata('detached'))?.scheduledStartAt?.getTime(), startAt.getTime());
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(startAt.getTime() - Date.now() + 20);
      assert.deepEqual((await lockExpecting(backend, 'detached')).newEvents, [detached]);
    }));

  it('a start message replaces a terminal target and its history', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await startCompleted(backend, 'target');
      const again = startEvent('target', { name: 'Again', workflowInstance: { instanceId: 'target', executionId: 'exec-new' } });
      await send(backend, [{ targetInstanceId: 'target', event: again }]);
      const meta = await backend.getWorkflowMetadata('target');
      assert.equal(meta?.runtimeStatus, 'PENDING');
      assert.equal(meta?.name, 'Again');
      assert.equal(meta?.executionId, 'exec-new');
      assert.deepEqual(await backend.getWorkflowHistory('target'), []);
      const item = await lockExpecting(backend, 'target');
      assert.deepEqual(item.newEvents, [again]);
      assert.equal(item.historyLength, 0);
    }));

  it('a child start on a live ID tells the parent with childWorkflowInstanceFailed and leaves the target untouched', () =>
    withBackend(makeBackend, async (backend) => {
      const parent = await startRunning(backend, 'sender');
      await startRunning(backend, 'busy');
      const before = await backend.getWorkflowMetadata('busy');
      const child = startEvent('busy', {
        name: 'Child',
        parentInstance: { taskScheduledId: 7, workflowInstance: parent.workflowInstance },
      });
      await send(backend, [{ targetInstanceId: 'busy', event: child }]);
      const item = await lockExpecting(backend, 'sender');
      assert.equal(item.newEvents.length, 1);
      const failed = item.newEvents[0]!;
      assert.equal(failed.type, 'childWorkflowInstanceFailed');
      assert.ok(failed.type === 'childWorkflowInstanceFailed' && failed.taskScheduledId === 7);
      assert.equal(failed.failureDetails?.errorType, 'WorkflowAlreadyExists');
      assert.deepEqual(await backend.getWorkflowMetadata('busy'), before);
      assert.deepEqual(types(await backend.getWorkflowHistory('busy')), ['executionStarted']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a detached start on a live ID records a warning on the sender and leaves the target untouched', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await startRunning(backend, 'busy');
      const before = await backend.getWorkflowMetadata('busy');
      await send(backend, [{ targetInstanceId: 'busy', event: startEvent('busy', { name: 'Detached' }) }]);
      const warnings = (await backend.getWorkflowMetadata('sender'))?.warnings ?? [];
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /busy/);
      assert.deepEqual(await backend.getWorkflowMetadata('busy'), before);
      assert.deepEqual(types(await backend.getWorkflowHistory('busy')), ['executionStarted']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a start message to a scheduled-start target that is still pending is rejected, not merged', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      await backend.createWorkflowInstance(startEvent('waiting', { scheduledStartTimestamp: new Date(Date.now() + 60_000) }));
      await send(backend, [{ targetInstanceId: 'waiting', event: startEvent('waiting', { name: 'Other' }) }]);
      assert.equal((await backend.getWorkflowMetadata('waiting'))?.name, 'OrderWorkflow');
      assert.equal((await backend.getWorkflowMetadata('sender'))?.warnings?.length, 1);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a terminate message reaches a target in the same commit as the sender history', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      const target = await startRunning(backend, 'target');
      const terminate = newEvent('executionTerminated', new Date(), { input: '"bye"', recurse: true });
      await send(backend, [{ targetInstanceId: 'target', event: terminate }]);
      assert.deepEqual(types(await backend.getWorkflowHistory('sender')), ['executionStarted', 'eventRaised']);
      const item = await lockExpecting(backend, 'target');
      assert.deepEqual(item.newEvents, [terminate]);
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate(target, { runtimeStatus: 'TERMINATED' }) }));
      assert.equal((await backend.getWorkflowMetadata('target'))?.runtimeStatus, 'TERMINATED');
    }));

  it('a detached start of the sender itself in the turn that completes it is refused, the warning naming COMPLETED', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('self');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'self');
      const done = newEvent('executionCompleted', new Date(), { workflowStatus: 'COMPLETED', result: '"done"' });
      const spawned = newEvent('detachedWorkflowInstanceCreated', new Date(), { eventId: 0, instanceId: 'self' });
      const again = startEvent('self', { name: 'Again', workflowInstance: { instanceId: 'self', executionId: 'exec-again' } });
      await backend.completeWorkflowWorkItem(
        item,
        turn({
          newHistory: [...item.newEvents, spawned, done],
          instance: instanceUpdate(start, { runtimeStatus: 'COMPLETED', output: '"done"', completedAt: new Date() }),
          messages: [{ targetInstanceId: 'self', event: again }],
        }),
      );
      const meta = await backend.getWorkflowMetadata('self');
      assert.equal(meta?.runtimeStatus, 'COMPLETED');
      assert.equal(meta?.name, 'OrderWorkflow');
      assert.equal(meta?.executionId, 'exec-self');
      assert.equal(meta?.output, '"done"');
      assert.equal(meta?.warnings?.length, 1);
      assert.match(meta!.warnings![0]!, /'self'.*COMPLETED/);
      assert.doesNotMatch(meta!.warnings![0]!, /PENDING/);
      assert.deepEqual(types(await backend.getWorkflowHistory('self')), ['executionStarted', 'detachedWorkflowInstanceCreated', 'executionCompleted']);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a detached start of the sender itself in its first turn is refused, the warning naming the status after the turn', () =>
    withBackend(makeBackend, async (backend) => {
      const start = startEvent('self');
      await backend.createWorkflowInstance(start);
      const item = await lockExpecting(backend, 'self');
      await backend.completeWorkflowWorkItem(
        item,
        turn({ newHistory: item.newEvents, instance: instanceUpdate(start), messages: [{ targetInstanceId: 'self', event: startEvent('self', { name: 'Again' }) }] }),
      );
      const meta = await backend.getWorkflowMetadata('self');
      assert.equal(meta?.name, 'OrderWorkflow');
      assert.equal(meta?.runtimeStatus, 'RUNNING');
      assert.match(meta?.warnings?.[0] ?? '', /RUNNING/);
      assert.doesNotMatch(meta?.warnings?.[0] ?? '', /PENDING/);
      assert.equal(await lockWorkflow(backend), undefined);
    }));

  it('a child start of the sender itself is refused: the sender is told with childWorkflowInstanceFailed', () =>
    withBackend(makeBackend, async (backend) => {
      const parent = await startRunning(backend, 'sender');
      const child = startEvent('sender', { name: 'Child', parentInstance: { taskScheduledId: 3, workflowInstance: parent.workflowInstance } });
      await send(backend, [{ targetInstanceId: 'sender', event: child }]);
      assert.equal((await backend.getWorkflowMetadata('sender'))?.name, 'OrderWorkflow');
      const item = await lockExpecting(backend, 'sender');
      const failed = item.newEvents[0]!;
      assert.ok(failed.type === 'childWorkflowInstanceFailed' && failed.taskScheduledId === 3);
      assert.match(failed.failureDetails?.errorMessage ?? '', /RUNNING/);
      assert.deepEqual(types(await backend.getWorkflowHistory('sender')), ['executionStarted', 'eventRaised']);
    }));

  it('a message asked visible before the target\'s pending scheduled start still waits for the start', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      const startAt = new Date(Date.now() + 400);
      await backend.createWorkflowInstance(startEvent('waiting', { scheduledStartTimestamp: startAt }));
      await send(backend, [{ targetInstanceId: 'waiting', event: raised('early'), visibleAt: new Date(Date.now() + 10) }]);
      await sleep(40);
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(startAt.getTime() - Date.now() + 20);
      assert.deepEqual(types((await lockExpecting(backend, 'waiting')).newEvents), ['executionStarted', 'eventRaised']);
    }));

  it('an event sent after a scheduled start message in the same turn waits for that start', () =>
    withBackend(makeBackend, async (backend) => {
      await startRunning(backend, 'sender');
      const startAt = new Date(Date.now() + 400);
      const detached = startEvent('later', { scheduledStartTimestamp: startAt });
      await send(backend, [
        { targetInstanceId: 'later', event: detached, visibleAt: startAt },
        { targetInstanceId: 'later', event: raised('hello') },
      ]);
      assert.equal(await lockWorkflow(backend), undefined);
      await sleep(startAt.getTime() - Date.now() + 20);
      assert.deepEqual(types((await lockExpecting(backend, 'later')).newEvents), ['executionStarted', 'eventRaised']);
    }));

  for (const [label, alsoStarts] of [['plain', false], ['that also starts an instance', true]] as const) {
    it(`a turn's due timers reach its inbox before its messages to itself (a turn ${label})`, () =>
      withBackend(makeBackend, async (backend) => {
        const start = await startRunning(backend, 'self');
        await backend.addWorkflowEvent('self', raised('go'));
        const item = await lockExpecting(backend, 'self');
        const fireAt = new Date(Date.now() - 1);
        const fired = newEvent('timerFired', new Date(), { timerId: 1, fireAt });
        const messages: OutboundMessage[] = [{ targetInstanceId: 'self', event: raised('to-self') }];
        if (alsoStarts) messages.push({ targetInstanceId: 'other', event: startEvent('other') });
        await backend.completeWorkflowWorkItem(
          item,
          turn({ newHistory: item.newEvents, instance: instanceUpdate(start), timers: [{ event: fired, visibleAt: fireAt }], messages }),
        );
        assert.deepEqual(types((await lockExpecting(backend, 'self')).newEvents), ['timerFired', 'eventRaised']);
      }));
  }
}
