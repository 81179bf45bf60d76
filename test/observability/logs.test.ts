// The story a failing workflow tells in the logs: which lines, at which level, with which fields. Nothing in
// normal operation warns, and ctx.log writes each line once however often the code replays.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventually, startHarness, type LogEntry } from '../support/harness.js';

function linesOf(entries: LogEntry[], instanceId: string): [string, string | undefined][] {
  return entries.filter((e) => (e.obj as { instanceId?: string }).instanceId === instanceId && e.level !== 'debug').map((e) => [e.level, e.msg]);
}

describe('observability: logs', () => {
  it('a failing workflow with a retried activity logs its story at info, each line once', async (t) => {
    async function charge(_ctx: ActivityContext, amount: number) {
      throw new RangeError(`card declined for ${amount}`);
    }
    async function payment(ctx: WorkflowContext, amount: number) {
      ctx.log.info({ amount }, 'charging');
      await ctx.callActivity(charge, amount, { retry: { maxAttempts: 2, firstRetryIntervalMs: 10 } });
    }
    const h = await startHarness({ workflows: [payment], activities: [charge], cacheSize: 0 });
    t.after(() => h.stop());
    const state = await h.run(payment, 42, 'pay-1');
    assert.equal(state.runtimeStatus, 'FAILED');
    await eventually(() => linesOf(h.logger.entries, 'pay-1').some(([, msg]) => msg === 'workflow failed'));
    // The activity's lines come from the activity loop, which may run before the turn that scheduled it has
    // logged its commit: the workflow's own lines are in order, the activity's are counted.
    const lines = linesOf(h.logger.entries, 'pay-1');
    assert.deepEqual(lines.filter(([, msg]) => msg !== 'activity failed'), [
      ['info', 'charging'],
      ['info', 'workflow started'],
      ['info', 'activity retrying'],
      ['info', 'workflow failed'],
    ]);
    assert.deepEqual(lines.filter(([, msg]) => msg === 'activity failed'), [['info', 'activity failed'], ['info', 'activity failed']]);
    const mine = h.logger.entries.filter((e) => (e.obj as { instanceId?: string }).instanceId === 'pay-1');
    const executionId = state.executionId;
    assert.ok(executionId, 'the instance has an execution ID');
    for (const e of mine.filter((x) => x.msg !== 'activity failed')) {
      const { instanceId, executionId: lineExecutionId, workflow } = e.obj as Record<string, unknown>;
      assert.deepEqual({ instanceId, executionId: lineExecutionId, workflow }, { instanceId: 'pay-1', executionId, workflow: 'payment' }, `${e.msg} carries the instance`);
    }
    const failures = mine.filter((e) => e.msg === 'activity failed').map((e) => e.obj);
    assert.deepEqual(failures, [
      { instanceId: 'pay-1', activity: 'charge', taskId: 0, deliveryCount: 1, errorType: 'RangeError', errorMessage: 'card declined for 42' },
      { instanceId: 'pay-1', activity: 'charge', taskId: 2, deliveryCount: 1, errorType: 'RangeError', errorMessage: 'card declined for 42' },
    ]);
    const retrying = mine.find((e) => e.msg === 'activity retrying')!.obj;
    assert.deepEqual(retrying, { instanceId: 'pay-1', executionId, workflow: 'payment', activity: 'charge', attempt: 2, delayMs: 10 });
    const failed = mine.find((e) => e.msg === 'workflow failed')!.obj as { errorType: string; errorMessage: string };
    assert.equal(failed.errorType, 'TaskFailedError');
    assert.match(failed.errorMessage, /card declined for 42/);
    assert.deepEqual(mine.find((e) => e.msg === 'charging')!.obj, { instanceId: 'pay-1', executionId, workflow: 'payment', amount: 42 });
  });

  it('an event that arrives before its timeout warns nothing: the stale timer is a debug line', async (t) => {
    async function approval(ctx: WorkflowContext) {
      return ctx.waitForExternalEvent<string>('approve', { timeoutMs: 1000 });
    }
    const h = await startHarness({ workflows: [approval] });
    t.after(() => h.stop());
    const id = await h.client.scheduleNewWorkflow(approval, { instanceId: 'approve-1' });
    await h.client.waitForWorkflowStart(id, { timeoutMs: 5000 });
    await h.client.raiseEvent(id, 'approve', 'yes');
    const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 5000 });
    assert.equal(state.runtimeStatus, 'COMPLETED');
    await eventually(() => h.logger.entries.some((e) => e.msg === 'dropped duplicate or stale events'), 10_000);
    const dropped = h.logger.entries.find((e) => e.msg === 'dropped duplicate or stale events')!;
    assert.equal(dropped.level, 'debug');
    assert.deepEqual((dropped.obj as { dropped: string[] }).dropped, ['timerFired']);
    assert.deepEqual(h.logger.entries.filter((e) => e.level === 'warn' || e.level === 'error'), []);
  });

  it('the worker logs what it serves when it starts and that it stopped', async (t) => {
    async function noop() {}
    const h = await startHarness({ workflows: [noop] });
    t.after(() => h.stop());
    await h.worker.stop();
    const started = h.logger.entries.find((e) => e.msg === 'worker started')!;
    assert.equal(started.level, 'info');
    assert.deepEqual((started.obj as { workflows: string[] }).workflows, ['noop']);
    assert.ok(h.logger.entries.some((e) => e.level === 'info' && e.msg === 'worker stopped'));
  });
});
