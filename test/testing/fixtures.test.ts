// Recorded histories (test/fixtures/histories/*.jsonl, written by `durabletask export`) replay against the
// current workflows on every run: a change that breaks live instances of these workflows fails here first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readHistories, replayHistories, replayHistory } from '../../src/testing/index.js';
import { NonDeterminismError } from '../../src/errors.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { activities, workflows } from '../fixtures/histories/workflows.js';

// The .jsonl files stay in the source tree (tsc does not copy them to dist).
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/histories/${name}`, import.meta.url));

describe('recorded histories', () => {
  it('every recorded history replays against the current workflows', async () => {
    const histories = [...(await readHistories(fixture('completed.jsonl'))), ...(await readHistories(fixture('open.jsonl')))];
    assert.deepEqual(histories.map((h) => `${h.name}:${h.runtimeStatus}`).sort(), ['order:COMPLETED', 'restock:RUNNING', 'ship:COMPLETED']);
    const results = await replayHistories({ workflows, activities }, histories);
    for (const result of results) assert.equal(result.outcome, 'ok', `${result.instanceId}: ${result.error?.message}`);
  });

  it('the recorded order history catches a workflow that skips the approval', async () => {
    const [order] = (await readHistories(fixture('completed.jsonl'))).filter((h) => h.name === 'order');
    const hasty = async (ctx: WorkflowContext, item: string) => {
      await ctx.callActivity('reserve', item);
      await ctx.callActivity('charge', item, { retry: { maxAttempts: 3, firstRetryIntervalMs: 1000 } });
      return ctx.callChildWorkflow('ship', item, { instanceId: `${ctx.instanceId}-ship` });
    };
    await assert.rejects(replayHistory(hasty, order!), (error: unknown) => {
      assert.ok(error instanceof NonDeterminismError);
      assert.match(error.expected, /waitForExternalEvent\('approve'\) timeout timer/);
      assert.match(error.actual, /callChildWorkflow\('ship'/);
      return true;
    });
  });
});
