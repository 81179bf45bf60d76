// Delivery of a turn's messages under core/delivery's plan, seen from a workflow: a start message never
// replaces the instance whose turn sends it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import { completion, withEngine, type MakeBackend } from './fixtures.js';

async function other(_ctx: WorkflowContext, input: unknown) {
  return { replacedBy: input };
}

async function selfSpawner(ctx: WorkflowContext) {
  ctx.scheduleNewWorkflow(other, { input: 'again', instanceId: ctx.instanceId });
  return 'first';
}

export function deliveryCases(makeBackend: MakeBackend): void {
  it('a workflow that spawns its own ID and completes in that turn stays completed, warned with its real status', async () => {
    await withEngine(makeBackend, { workflows: [selfSpawner, other] }, async ({ client }) => {
      await client.scheduleNewWorkflow(selfSpawner, { instanceId: 'self' });
      const done = await completion(client, 'self');
      assert.equal(done.runtimeStatus, 'COMPLETED');
      assert.equal(done.output, 'first');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await client.getWorkflowState('self');
      assert.equal(after?.name, 'selfSpawner');
      assert.equal(after?.output, 'first');
      assert.equal(after?.warnings?.length, 1);
      assert.match(after!.warnings![0]!, /'self'.*COMPLETED/);
      assert.deepEqual(
        (await client.getWorkflowHistory('self')).map((e) => e.type),
        ['workflowStarted', 'executionStarted', 'detachedWorkflowInstanceCreated', 'executionCompleted'],
      );
    });
  });
}
