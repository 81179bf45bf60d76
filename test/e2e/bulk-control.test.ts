// Bulk terminate, suspend and resume by filter through the Client: only the statuses each can act on are
// touched, the filter's name narrows them, and an unknown status is refused naming the field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { eventually, startHarness } from '../support/harness.js';

async function waits(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}
async function other(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}
async function done(_ctx: WorkflowContext) {
  return 'done';
}

describe('e2e: bulk operations by filter', () => {
  it('suspends, resumes and terminates the matching live instances only', async (t) => {
    const h = await startHarness({ workflows: [waits, other, done] });
    t.after(() => h.stop());
    for (let i = 0; i < 3; i++) await h.client.scheduleNewWorkflow(waits, { instanceId: `w${i}` });
    await h.client.scheduleNewWorkflow(other, { instanceId: 'other' });
    await h.run(done, undefined, 'finished');
    for (const id of ['w0', 'w1', 'w2', 'other']) await h.client.waitForWorkflowStart(id, { timeoutMs: 5000 });
    const statusOf = async (id: string) => (await h.client.getWorkflowState(id))?.runtimeStatus;
    const all = (status: string, ids: string[]) => eventually(async () => (await Promise.all(ids.map(statusOf))).every((s) => s === status), 5000);
    const ws = ['w0', 'w1', 'w2'];

    const suspended = await h.client.suspendWorkflows({ name: 'waits' }, 'maintenance');
    assert.deepEqual(suspended.instanceIds.sort(), ws);
    assert.deepEqual(suspended.skipped, []);
    await all('SUSPENDED', ws);
    assert.equal(await statusOf('other'), 'RUNNING', 'another name is left alone');

    assert.deepEqual((await h.client.suspendWorkflows({ statuses: ['COMPLETED'] })).instanceIds, [], 'finished statuses match nothing');
    const resumed = await h.client.resumeWorkflows({});
    assert.deepEqual(resumed.instanceIds.sort(), ws, 'only SUSPENDED ones are resumed');
    await all('RUNNING', ws);

    const terminated = await h.client.terminateWorkflows({ statuses: ['RUNNING', 'COMPLETED'] }, { output: 'bulk' });
    assert.deepEqual(terminated.instanceIds.sort(), ['other', ...ws]);
    await all('TERMINATED', [...ws, 'other']);
    assert.equal(await statusOf('finished'), 'COMPLETED');
  });

  it('rejects an unknown status in a filter, naming it', async (t) => {
    const h = await startHarness({ workflows: [waits] });
    t.after(() => h.stop());
    for (const call of [
      () => h.client.terminateWorkflows({ statuses: ['RUNNING', 'DONE' as never] }),
      () => h.client.suspendWorkflows({ statuses: ['DONE' as never] }),
      () => h.client.resumeWorkflows({ statuses: ['DONE' as never] }),
    ]) {
      await assert.rejects(call(), (e: unknown) => e instanceof InvalidArgumentError && /statuses\[\d\]/.test(e.field) && /'DONE' is not a runtime status/.test(e.message));
    }
  });
});
