// Filter purges: an empty result of a filter never widens it, and one instance that cannot be purged yet
// (a finished parent whose child still runs) is reported and skipped, never blocking the rest.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FailedPreconditionError, InvalidArgumentError } from '../../../src/errors.js';
import type { RuntimeStatus } from '../../../src/protocol/status.js';
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import type { Client } from '../../../src/runtime/client.js';
import { completion, reachStatus, withEngine, type MakeBackend } from './fixtures.js';

async function echo(_ctx: WorkflowContext, input: unknown) {
  return input;
}

async function waiter(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent<string>('go');
}

async function parentOfWaiter(ctx: WorkflowContext) {
  return ctx.callChildWorkflow(waiter, undefined, { instanceId: 'running-child' });
}

async function instanceIds(client: Client): Promise<string[]> {
  return (await client.listWorkflows({ pageSize: 100 })).instances.map((s) => s.instanceId).sort();
}

export function purgeFilterCases(makeBackend: MakeBackend): void {
  it('a filter of only live statuses purges nothing, and an unknown status is rejected', async () => {
    await withEngine(makeBackend, { workflows: [echo] }, async ({ client }) => {
      for (const id of ['done-1', 'done-2', 'done-3']) {
        await client.scheduleNewWorkflow(echo, { instanceId: id, input: id });
        await completion(client, id);
      }
      assert.deepEqual(await client.purgeWorkflows({ statuses: ['RUNNING'] }), { deletedInstanceCount: 0, skipped: [] });
      assert.deepEqual(await client.purgeWorkflows({ statuses: ['PENDING', 'SUSPENDED'] }), { deletedInstanceCount: 0, skipped: [] });
      await assert.rejects(client.purgeWorkflows({ statuses: ['DONE' as RuntimeStatus] }), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError);
        assert.equal(error.field, 'statuses[0]');
        return true;
      });
      assert.deepEqual(await instanceIds(client), ['done-1', 'done-2', 'done-3']);
    });
  });

  it('a finished parent with a running child is skipped and reported; every other match is purged, on every retry', async () => {
    await withEngine(makeBackend, { workflows: [echo, waiter, parentOfWaiter] }, async ({ client }) => {
      await client.scheduleNewWorkflow(parentOfWaiter, { instanceId: 'parent' });
      await reachStatus(client, 'running-child', 'RUNNING');
      await client.terminateWorkflow('parent', { recursive: false });
      await completion(client, 'parent');
      for (const id of ['done-1', 'done-2']) {
        await client.scheduleNewWorkflow(echo, { instanceId: id });
        await completion(client, id);
      }
      await assert.rejects(client.purgeWorkflow('parent'), (error: unknown) => {
        assert.ok(error instanceof FailedPreconditionError);
        assert.match(error.message, /child workflow 'running-child' is RUNNING/);
        return true;
      });

      const first = await client.purgeWorkflows({});
      assert.equal(first.deletedInstanceCount, 2);
      assert.equal(first.skipped.length, 1);
      assert.equal(first.skipped[0]!.instanceId, 'parent');
      assert.match(first.skipped[0]!.reason, /child workflow 'running-child' is RUNNING/);
      assert.deepEqual(await instanceIds(client), ['parent', 'running-child'], 'nothing of the parent was deleted');
      assert.deepEqual(await client.purgeWorkflows({}), { deletedInstanceCount: 0, skipped: first.skipped }, 'a retry reports the same');

      await client.raiseEvent('running-child', 'go');
      await completion(client, 'running-child');
      assert.deepEqual(await client.purgeWorkflows({ statuses: ['TERMINATED', 'COMPLETED'] }), { deletedInstanceCount: 2, skipped: [] });
      assert.deepEqual(await instanceIds(client), []);
    });
  });
}
