// Bad delays are refused at the call, on every backend, so no store ever sees a fire time it cannot hold (the
// memory backend's heap blocked every instance behind an Invalid Date; SQLite and PostgreSQL rejected the row
// and the turn was retried for good). timeoutMs: Infinity waits forever.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness, type BackendKind } from '../support/backend-harness.js';

const BAD_DELAYS = [Infinity, -Infinity, NaN, -1, 1e20];

async function badTimers(ctx: WorkflowContext) {
  const refused: string[] = [];
  const attempts: [string, () => unknown][] = [
    ...BAD_DELAYS.map((d): [string, () => unknown] => [`createTimer(${d})`, () => ctx.createTimer(d)]),
    ['createTimer(Invalid Date)', () => ctx.createTimer(new Date(NaN))],
    ['createTimer(year 20000)', () => ctx.createTimer(new Date(Date.UTC(20000, 0, 1)))],
    ...[NaN, -5, 1e20].map((d): [string, () => unknown] => [`timeoutMs ${d}`, () => ctx.waitForExternalEvent('e', { timeoutMs: d })]),
  ];
  for (const [what, call] of attempts) {
    try {
      call();
    } catch (error) {
      if (error instanceof InvalidArgumentError && (error.field === 'fireAt' || error.field === 'timeoutMs')) refused.push(what);
    }
  }
  await ctx.createTimer(1);
  return refused;
}

async function forever(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent<string>('late', { timeoutMs: Infinity });
}

for (const kind of ['memory', 'sqlite', 'postgres'] as BackendKind[]) {
  describe(`e2e: timer validation on ${kind}`, { timeout: 30_000 }, () => {
    it('createTimer and timeoutMs refuse Infinity, NaN, negative, huge and invalid values at the call; the workflow goes on', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [badTimers] });
      const id = await h.client.scheduleNewWorkflow(badTimers);
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
      assert.equal((state.output as string[]).length, BAD_DELAYS.length + 2 + 3, JSON.stringify(state.output));
    });

    it('timeoutMs: Infinity waits forever: no timer, and the event completes the wait', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [forever] });
      const id = await h.client.scheduleNewWorkflow(forever);
      await h.client.waitForWorkflowStart(id, { timeoutMs: 10_000 });
      await h.client.raiseEvent(id, 'late', 'arrived');
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: Infinity });
      assert.equal(state.output, 'arrived');
      assert.equal((await h.client.getWorkflowHistory(id)).filter((e) => e.type === 'timerCreated').length, 0);
    });
  });
}

describe('client waits validate timeoutMs', () => {
  it('NaN, negative and non-number timeouts are an InvalidArgumentError naming timeoutMs, not a busy poll', async (t) => {
    const h = await startBackendHarness('memory');
    t.after(() => h.stop());
    const id = await h.client.scheduleNewWorkflow(forever);
    for (const timeoutMs of [NaN, -1, '5' as unknown as number]) {
      await assert.rejects(
        h.client.waitForWorkflowCompletion(id, { timeoutMs }),
        (error: unknown) => error instanceof InvalidArgumentError && error.field === 'timeoutMs',
      );
      await assert.rejects(h.client.waitForWorkflowStart(id, { timeoutMs }), InvalidArgumentError);
    }
  });
});
