// Backend-interface behaviour of SqliteBackend on an in-memory database (the conformance suite covers
// the same contract for every backend; these pin the SQLite storage paths: leases, inbox, messages).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteBackend } from './sqlite-backend.js';
import { LOCK, instanceUpdate, sleep, startEvent, turn } from '../../../test/support/sqlite-events.js';
import { newEvent, type TaskScheduledEvent } from '../../protocol/history.js';
import type { BackendSignal } from '../backend.js';

describe('SqliteBackend interface', () => {
  let b: SqliteBackend;
  beforeEach(async () => {
    b = new SqliteBackend({ path: ':memory:' });
    await b.init();
  });
  afterEach(() => b.close());

  it('createWorkflowInstance stores a PENDING instance and refuses a duplicate id', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const m = await b.getWorkflowMetadata('a');
    assert.equal(m?.runtimeStatus, 'PENDING');
    assert.equal(m?.executionId, 'exec-a');
    assert.equal(m?.input, '"in"');
    await assert.rejects(b.createWorkflowInstance(startEvent('a')), { name: 'WorkflowAlreadyExistsError' });
    await assert.rejects(b.createWorkflowInstance(startEvent('a'), { reuse: 'replaceTerminal' }), {
      name: 'WorkflowAlreadyExistsError',
    });
  });

  it('locks one instance at a time and completes a turn with history, tasks and timers', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const item = await b.lockWorkflowWorkItem(LOCK);
    assert.ok(item);
    assert.deepEqual(item.newEvents.map((e) => e.type), ['executionStarted']);
    assert.equal(item.historyLength, 0);
    assert.equal(item.retryCount, 0);
    assert.equal(await b.lockWorkflowWorkItem(LOCK), undefined);
    const task = newEvent('taskScheduled', new Date(), { eventId: 0, name: 'act', taskExecutionId: 't0' });
    const timer = newEvent('timerFired', new Date(), { fireAt: new Date(Date.now() + 60_000), timerId: 1 });
    await b.completeWorkflowWorkItem(
      item,
      turn({
        newHistory: [...item.newEvents, task],
        instance: instanceUpdate('a', 'RUNNING'),
        activityTasks: [task],
        timers: [{ event: timer, visibleAt: timer.fireAt }],
      }),
    );
    assert.deepEqual((await b.getWorkflowHistory('a')).map((e) => e.type), ['executionStarted', 'taskScheduled']);
    assert.deepEqual((await b.getWorkflowHistory('a', 1)).map((e) => e.type), ['taskScheduled']);
    const meta = await b.getWorkflowMetadata('a');
    assert.equal(meta?.runtimeStatus, 'RUNNING');
    assert.ok(meta?.startedAt);
    assert.equal(await b.lockWorkflowWorkItem(LOCK), undefined, 'the timer is not visible yet');

    const act = await b.lockActivityWorkItem(LOCK);
    assert.equal(act?.event.name, 'act');
    assert.equal(await b.lockActivityWorkItem(LOCK), undefined);
    await b.completeActivityWorkItem(act!, completed(act!.event));
    const next = await b.lockWorkflowWorkItem(LOCK);
    assert.equal(next?.historyLength, 2);
    assert.deepEqual(next?.newEvents.map((e) => e.type), ['taskCompleted']);
  });

  it('completeWorkflowWorkItem rejects a lost lease and changes nothing', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const first = (await b.lockWorkflowWorkItem({ ...LOCK, leaseMs: 1 }))!;
    await sleep(5);
    const second = (await b.lockWorkflowWorkItem(LOCK))!;
    assert.equal(second.retryCount, 1);
    assert.notEqual(second.lockToken, first.lockToken);
    await assert.rejects(b.completeWorkflowWorkItem(first, turn({ newHistory: first.newEvents })), { name: 'LeaseLostError' });
    await assert.rejects(b.abandonWorkflowWorkItem(first), { name: 'LeaseLostError' });
    await assert.rejects(b.renewWorkflowWorkItem(first, 1000), { name: 'LeaseLostError' });
    assert.deepEqual(await b.getWorkflowHistory('a'), []);
    await b.completeWorkflowWorkItem(second, turn({ newHistory: second.newEvents, instance: instanceUpdate('a', 'RUNNING') }));
    await assert.rejects(b.completeWorkflowWorkItem(second, turn()), { name: 'LeaseLostError' });
    assert.equal((await b.getWorkflowHistory('a')).length, 1);
  });

  it('keeps events that arrive during a turn for the next work item', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    await b.addWorkflowEvent('a', newEvent('eventRaised', new Date(), { name: 'go' }));
    assert.equal(await b.lockWorkflowWorkItem(LOCK), undefined, 'the instance is locked');
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate('a', 'RUNNING') }));
    const next = await b.lockWorkflowWorkItem(LOCK);
    assert.deepEqual(next?.newEvents.map((e) => e.type), ['eventRaised']);
  });

  it('abandon makes the batch visible again after the delay; renew extends the lease', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const item = (await b.lockWorkflowWorkItem({ ...LOCK, leaseMs: 50 }))!;
    const before = item.lockedUntil.getTime();
    await b.renewWorkflowWorkItem(item, 60_000);
    assert.ok(item.lockedUntil.getTime() > before + 50_000);
    await b.abandonWorkflowWorkItem(item, { delayMs: 40 });
    assert.equal(await b.lockWorkflowWorkItem(LOCK), undefined);
    await sleep(50);
    const again = await b.lockWorkflowWorkItem(LOCK);
    assert.equal(again?.retryCount, 1);
  });

  it('honours maxEvents and FIFO order', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    for (let i = 0; i < 5; i++) await b.addWorkflowEvent('a', newEvent('eventRaised', new Date(), { name: `e${i}` }));
    const item = (await b.lockWorkflowWorkItem({ ...LOCK, maxEvents: 3 }))!;
    assert.deepEqual(item.newEvents.map((e) => (e.type === 'eventRaised' ? e.name : e.type)), ['executionStarted', 'e0', 'e1']);
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents }));
    const rest = (await b.lockWorkflowWorkItem(LOCK))!;
    assert.deepEqual(rest.newEvents.map((e) => (e.type === 'eventRaised' ? e.name : e.type)), ['e2', 'e3', 'e4']);
    assert.equal(rest.historyLength, 3);
  });

  it('addWorkflowEvent to a missing instance throws WorkflowNotFoundError', async () => {
    await assert.rejects(b.addWorkflowEvent('nope', newEvent('eventRaised', new Date(), { name: 'x' })), {
      name: 'WorkflowNotFoundError',
    });
  });

  it('keeps events to an instance waiting for its scheduled start invisible until the start', async () => {
    await b.createWorkflowInstance(startEvent('a', { startAt: new Date(Date.now() + 60) }));
    await b.addWorkflowEvent('a', newEvent('eventRaised', new Date(), { name: 'early' }));
    assert.equal(await b.lockWorkflowWorkItem(LOCK), undefined);
    await sleep(70);
    const item = await b.lockWorkflowWorkItem(LOCK);
    assert.deepEqual(item?.newEvents.map((e) => e.type), ['executionStarted', 'eventRaised']);
  });

  it('delivers child starts, rejects a start on a live id with a parent notice or a warning', async () => {
    await b.createWorkflowInstance(startEvent('p'));
    await b.createWorkflowInstance(startEvent('busy'));
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    const child = (id: string, parent: boolean) => ({
      targetInstanceId: id,
      event: newEvent('executionStarted', new Date(), {
        name: 'child',
        workflowInstance: { instanceId: id },
        parentInstance: parent ? { taskScheduledId: 7, workflowInstance: { instanceId: 'p' } } : undefined,
      }),
    });
    const lockedBusy = (await b.lockWorkflowWorkItem(LOCK))!;
    const [p, other] = item.instanceId === 'p' ? [item, lockedBusy] : [lockedBusy, item];
    await b.completeWorkflowWorkItem(other, turn({ newHistory: other.newEvents, instance: instanceUpdate('busy', 'RUNNING') }));
    await b.completeWorkflowWorkItem(
      p,
      turn({
        newHistory: p.newEvents,
        instance: instanceUpdate('p', 'RUNNING'),
        messages: [child('c1', true), child('busy', true), child('busy', false)],
      }),
    );
    assert.equal((await b.getWorkflowMetadata('c1'))?.parentInstanceId, 'p');
    assert.match((await b.getWorkflowMetadata('p'))?.warnings?.[0] ?? '', /busy/);
    const seen: string[] = [];
    for (let w = await b.lockWorkflowWorkItem(LOCK); w; w = await b.lockWorkflowWorkItem(LOCK)) {
      seen.push(`${w.instanceId}:${w.newEvents.map((e) => e.type).join(',')}`);
    }
    assert.deepEqual(seen.sort(), ['c1:executionStarted', 'p:childWorkflowInstanceFailed']);
  });

  it('continue-as-new replaces the history', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate('a', 'RUNNING') }));
    await b.addWorkflowEvent('a', newEvent('eventRaised', new Date(), { name: 'x' }));
    const next = (await b.lockWorkflowWorkItem(LOCK))!;
    const fresh = startEvent('a');
    await b.completeWorkflowWorkItem(next, turn({ newHistory: [fresh], continuedAsNew: true, instance: instanceUpdate('a', 'RUNNING') }));
    assert.deepEqual((await b.getWorkflowHistory('a')).map((e) => e.type), ['executionStarted']);
  });

  it('activity leases: a re-locked task refuses the old token; abandon releases it', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    const task = newEvent('taskScheduled', new Date(), { eventId: 0, name: 'act', taskExecutionId: 't0' });
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate('a', 'RUNNING'), activityTasks: [task] }));
    const stale = (await b.lockActivityWorkItem({ ...LOCK, leaseMs: 1 }))!;
    await sleep(5);
    const again = (await b.lockActivityWorkItem(LOCK))!;
    assert.equal(again.id, stale.id);
    assert.equal(again.retryCount, 1);
    await assert.rejects(b.completeActivityWorkItem(stale, completed(stale.event)), { name: 'LeaseLostError' });
    await assert.rejects(b.abandonActivityWorkItem(stale), { name: 'LeaseLostError' });
    await b.renewActivityWorkItem(again, 60_000);
    await b.abandonActivityWorkItem(again, { delayMs: 30 });
    await assert.rejects(b.renewActivityWorkItem(again, 10), { name: 'LeaseLostError' });
    assert.equal(await b.lockActivityWorkItem(LOCK), undefined, 'invisible during the abandon delay');
    await sleep(40);
    const third = (await b.lockActivityWorkItem(LOCK))!;
    assert.equal(third.retryCount, 2);
    await b.completeActivityWorkItem(third, completed(third.event));
    assert.deepEqual((await b.lockWorkflowWorkItem(LOCK))?.newEvents.map((e) => e.type), ['taskCompleted']);
  });

  it('purgeWorkflow refuses a live instance and deletes a finished one', async () => {
    await b.createWorkflowInstance(startEvent('a'));
    await assert.rejects(b.purgeWorkflow('a'), { name: 'FailedPreconditionError' });
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    await b.completeWorkflowWorkItem(
      item,
      turn({ newHistory: item.newEvents, instance: instanceUpdate('a', 'COMPLETED', { output: '1', completedAt: new Date() }) }),
    );
    assert.equal((await b.getWorkflowMetadata('a'))?.output, '1');
    assert.equal(await b.purgeWorkflow('a'), true);
    assert.equal(await b.purgeWorkflow('a'), false);
    assert.equal(await b.getWorkflowMetadata('a'), undefined);
    assert.deepEqual(await b.getWorkflowHistory('a'), []);
  });

  it('listWorkflows filters and pages by (createdAt, instanceId)', async () => {
    for (let i = 0; i < 7; i++) await b.createWorkflowInstance(startEvent(`job-${i}`, { at: new Date(1000 + (i % 3)), name: i % 2 ? 'odd' : 'even' }));
    await b.createWorkflowInstance(startEvent('other', { at: new Date(1000) }));
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await b.listWorkflows({ instanceIdPrefix: 'job-', pageSize: 3, continuationToken: token });
      ids.push(...page.instances.map((m) => m.instanceId));
      assert.equal(page.instances[0]?.input, undefined, 'no payloads unless asked');
      token = page.continuationToken;
    } while (token);
    assert.deepEqual(ids, ['job-0', 'job-3', 'job-6', 'job-1', 'job-4', 'job-2', 'job-5']);
    const odd = await b.listWorkflows({ name: 'odd', createdFrom: new Date(1001), createdTo: new Date(1001), includePayloads: true });
    assert.deepEqual(odd.instances.map((m) => [m.instanceId, m.input]), [['job-1', '"in"']]);
    assert.equal((await b.listWorkflows({ statuses: ['RUNNING'] })).instances.length, 0);
    await assert.rejects(b.listWorkflows({ continuationToken: 'garbage' }), { name: 'InvalidArgumentError' });
  });

  it('subscribe signals new work and status changes after commit', async () => {
    const signals: BackendSignal[] = [];
    const off = b.subscribe((s) => signals.push(s));
    await b.createWorkflowInstance(startEvent('a'));
    assert.deepEqual(signals, [{ kind: 'workflowWork' }, { kind: 'statusChanged', instanceId: 'a', runtimeStatus: 'PENDING' }]);
    signals.length = 0;
    const item = (await b.lockWorkflowWorkItem(LOCK))!;
    const task = newEvent('taskScheduled', new Date(), { eventId: 0, name: 'act', taskExecutionId: 't0' });
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate('a', 'RUNNING'), activityTasks: [task] }));
    assert.deepEqual(signals, [{ kind: 'statusChanged', instanceId: 'a', runtimeStatus: 'RUNNING' }, { kind: 'activityWork' }]);
    off();
    await b.addWorkflowEvent('a', newEvent('eventRaised', new Date(), { name: 'x' }));
    assert.equal(signals.length, 2);
  });
});

function completed(task: TaskScheduledEvent) {
  return newEvent('taskCompleted', new Date(), { taskScheduledId: task.eventId, taskExecutionId: task.taskExecutionId, result: '1' });
}
