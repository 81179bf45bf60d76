// Instance IDs are validated at every boundary, on the backends where a bad one used to do damage: a lone
// surrogate on SQLite became an unlockable PENDING row at the head of the queue; NUL on PostgreSQL was a raw
// driver error (and, from a detached spawn, a turn retried forever).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startBackendHarness, type BackendKind } from '../support/backend-harness.js';

const LONE = 'bad-\ud800';
const NUL = 'bad-\u0000-id';

async function hello(_ctx: WorkflowContext, name: string) {
  return `hello ${name}`;
}

function isInvalidInstanceId(reason: RegExp) {
  return (error: unknown) => error instanceof InvalidArgumentError && error.field === 'instanceId' && reason.test(error.reason);
}

for (const [kind, bad, reason] of [
  ['sqlite', LONE, /lone UTF-16 surrogate/],
  ['postgres', NUL, /NUL character/],
] as [BackendKind, string, RegExp][]) {
  describe(`e2e: instance IDs on ${kind}`, () => {
    it('the client refuses a malformed ID and the task hub keeps running new instances', async (t) => {
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [hello] });
      await assert.rejects(h.client.scheduleNewWorkflow(hello, { instanceId: bad, input: 'x' }), isInvalidInstanceId(reason));
      await assert.rejects(h.client.raiseEvent(bad, 'e'), isInvalidInstanceId(reason));
      await assert.rejects(h.client.terminateWorkflow(bad), isInvalidInstanceId(reason));
      const id = await h.client.scheduleNewWorkflow(hello, { input: 'world' });
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      assert.equal(state.output, 'hello world');
    });

    it('ctx.scheduleNewWorkflow, callChildWorkflow and sendEvent throw at the call, so the workflow can catch it', async (t) => {
      async function caller(ctx: WorkflowContext) {
        const errors: string[] = [];
        const attempts: [string, () => unknown][] = [
          ['scheduleNewWorkflow', () => ctx.scheduleNewWorkflow(hello, { instanceId: bad })],
          ['callChildWorkflow', () => ctx.callChildWorkflow(hello, 'c', { instanceId: bad })],
          ['sendEvent', () => ctx.sendEvent(bad, 'e')],
        ];
        for (const [what, call] of attempts) {
          try {
            call();
          } catch (error) {
            if (error instanceof InvalidArgumentError && error.field === 'instanceId') errors.push(what);
          }
        }
        return { errors, child: await ctx.callChildWorkflow(hello, 'child') };
      }
      const h = await startBackendHarness(kind);
      t.after(() => h.stop());
      await h.startWorker({ workflows: [caller, hello] });
      const id = await h.client.scheduleNewWorkflow(caller);
      const state = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
      assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
      assert.deepEqual(state.output, { errors: ['scheduleNewWorkflow', 'callChildWorkflow', 'sendEvent'], child: 'hello child' });
    });
  });
}
