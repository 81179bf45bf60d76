// End-to-end: durable timers and external events (buffering, timeouts, late events) on the memory backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeoutError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventTypes, eventually, sleep, startHarness } from '../support/harness.js';

describe('e2e: timers', () => {
  it('createTimer with a delay and with a Date fires at the recorded time', async (t) => {
    async function timers(ctx: WorkflowContext) {
      const start = ctx.currentUtcDateTime.getTime();
      await ctx.createTimer(30);
      const afterDelay = ctx.currentUtcDateTime.getTime();
      await ctx.createTimer(new Date(afterDelay + 20));
      return { first: afterDelay - start, second: ctx.currentUtcDateTime.getTime() - afterDelay };
    }
    const h = await startHarness({ workflows: [timers] });
    t.after(() => h.stop());
    const began = Date.now();
    const state = await h.run(timers, undefined, 'timers');
    assert.equal(state.runtimeStatus, 'COMPLETED');
    const out = state.output as { first: number; second: number };
    assert.ok(out.first >= 30, `first timer fired after ${out.first} ms`);
    assert.ok(out.second >= 20, `second timer fired after ${out.second} ms`);
    assert.ok(Date.now() - began >= 50);
    const history = await h.client.getWorkflowHistory('timers');
    assert.deepEqual(eventTypes(history), [
      'workflowStarted',
      'executionStarted',
      'timerCreated',
      'workflowStarted',
      'timerFired',
      'timerCreated',
      'workflowStarted',
      'timerFired',
      'executionCompleted',
    ]);
    const [created0, fired0] = [history[2]!, history[4]!];
    assert.ok(created0.type === 'timerCreated' && fired0.type === 'timerFired');
    assert.equal(created0.eventId, 0);
    assert.equal(fired0.timerId, 0);
    assert.equal(fired0.fireAt.getTime(), created0.fireAt.getTime());
    assert.equal(created0.fireAt.getTime(), history[0]!.timestamp.getTime() + 30);
    assert.deepEqual(created0.origin, { kind: 'createTimer' });
    // The TimerFired event is not processed before its fireAt.
    assert.ok(history[3]!.timestamp.getTime() >= created0.fireAt.getTime());
  });
});

describe('e2e: external events', () => {
  it('events raised before the wait are buffered and consumed in arrival order', async (t) => {
    async function collect(ctx: WorkflowContext) {
      await ctx.createTimer(40);
      const a = await ctx.waitForExternalEvent<number>('item');
      const b = await ctx.waitForExternalEvent<number>('ITEM'); // names are case-insensitive
      const c = await ctx.waitForExternalEvent<number>('item');
      return [a, b, c];
    }
    const h = await startHarness({ workflows: [collect] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(collect, { instanceId: 'buffered' });
    await h.client.waitForWorkflowStart('buffered', { timeoutMs: 2000 });
    for (const n of [1, 2, 3]) await h.client.raiseEvent('buffered', 'item', n);
    const state = await h.client.waitForWorkflowCompletion('buffered', { timeoutMs: 3000 });
    assert.deepEqual(state.output, [1, 2, 3]);
    const raised = (await h.client.getWorkflowHistory('buffered')).filter((e) => e.type === 'eventRaised');
    assert.deepEqual(
      raised.map((e) => e.type === 'eventRaised' && e.input),
      ['1', '2', '3'],
    );
  });

  it('a wait with a timeout rejects with TimeoutError; the late event is buffered for a later wait', async (t) => {
    async function approval(ctx: WorkflowContext) {
      let first: string;
      try {
        await ctx.waitForExternalEvent('approve', { timeoutMs: 30 });
        first = 'approved';
      } catch (error) {
        first = `${(error as Error).name}|${error instanceof TimeoutError}|${(error as Error).message}`;
      }
      const second = await ctx.waitForExternalEvent<string>('approve');
      return { first, second };
    }
    const h = await startHarness({ workflows: [approval] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(approval, { instanceId: 'approval' });
    // Raise only after the timeout fired.
    await eventually(async () => (await h.client.getWorkflowHistory('approval')).some((e) => e.type === 'timerFired'));
    await h.client.raiseEvent('approval', 'approve', 'late');
    const state = await h.client.waitForWorkflowCompletion('approval', { timeoutMs: 3000 });
    const out = state.output as { first: string; second: string };
    assert.equal(out.second, 'late');
    const [name, isTimeout, message] = out.first.split('|');
    assert.equal(name, 'TimeoutError');
    assert.equal(isTimeout, 'true');
    assert.match(message!, /timed out/);
    assert.match(message!, /approve/);
    const history = await h.client.getWorkflowHistory('approval');
    const timer = history.find((e) => e.type === 'timerCreated');
    assert.ok(timer?.type === 'timerCreated');
    assert.deepEqual(timer.origin, { kind: 'externalEvent', name: 'approve' });
    assert.equal(timer.name, 'approve');
  });

  it('an event that arrives before the timeout wins; the later timer firing changes nothing', async (t) => {
    async function quick(ctx: WorkflowContext) {
      const value = await ctx.waitForExternalEvent<string>('go', { timeoutMs: 60 });
      await ctx.createTimer(100); // outlive the timeout timer
      return value;
    }
    const h = await startHarness({ workflows: [quick], cacheSize: 0 });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(quick, { instanceId: 'quick' });
    await h.client.waitForWorkflowStart('quick', { timeoutMs: 2000 });
    await h.client.raiseEvent('quick', 'go', 'in time');
    const state = await h.client.waitForWorkflowCompletion('quick', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'in time');
    const fired = (await h.client.getWorkflowHistory('quick')).filter((e) => e.type === 'timerFired');
    assert.equal(fired.length, 2);
  });

  it('timeoutMs 0 rejects at once without a timer when nothing is buffered', async (t) => {
    async function now(ctx: WorkflowContext) {
      try {
        await ctx.waitForExternalEvent('x', { timeoutMs: 0 });
        return 'got';
      } catch (error) {
        return (error as Error).name;
      }
    }
    const h = await startHarness({ workflows: [now] });
    t.after(() => h.stop());
    const state = await h.run(now, undefined, 'zero');
    assert.equal(state.output, 'TimeoutError');
    const history = await h.client.getWorkflowHistory('zero');
    assert.deepEqual(eventTypes(history), ['workflowStarted', 'executionStarted', 'executionCompleted']);
    assert.equal(history[2]!.eventId, 0);
  });

  it('sendEvent from one workflow raises EventRaised on the other; the sender records EventSent', async (t) => {
    async function receiver(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent<string>('ping');
    }
    async function sender(ctx: WorkflowContext, target: string) {
      ctx.sendEvent(target, 'ping', 'from sender');
      return 'sent';
    }
    const h = await startHarness({ workflows: [receiver, sender] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(receiver, { instanceId: 'receiver' });
    await h.client.waitForWorkflowStart('receiver', { timeoutMs: 2000 });
    await sleep(10);
    await h.run(sender, 'receiver', 'sender');
    const state = await h.client.waitForWorkflowCompletion('receiver', { timeoutMs: 3000 });
    assert.equal(state.output, 'from sender');
    const sent = (await h.client.getWorkflowHistory('sender')).find((e) => e.type === 'eventSent');
    assert.ok(sent?.type === 'eventSent');
    assert.equal(sent.eventId, 0);
    assert.equal(sent.instanceId, 'receiver');
    const raised = (await h.client.getWorkflowHistory('receiver')).find((e) => e.type === 'eventRaised');
    assert.ok(raised?.type === 'eventRaised');
    assert.equal(raised.eventId, -1);
    assert.equal(raised.name, 'ping');
  });
});
