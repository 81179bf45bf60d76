// checkReplay (what `durabletask check-replay` runs): open instances only, and an instance pinned to a version
// the build module ships is checked against that version's code.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { newEvent } from '../../src/protocol/history.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { checkReplay } from '../../src/testing/index.js';
import { NonDeterminismError } from '../../src/errors.js';

async function v1(ctx: WorkflowContext) {
  await ctx.callActivity('a');
  return ctx.waitForExternalEvent('go');
}
async function v2(ctx: WorkflowContext) {
  await ctx.callActivity('b');
  return ctx.waitForExternalEvent('go');
}

async function hubWithInstances(): Promise<MemoryBackend> {
  const backend = new MemoryBackend();
  await backend.init();
  const worker = new Worker({ backend, workflows: { flow: v1 }, activities: { a: () => 'a' }, minPollMs: 1, maxPollMs: 5 });
  await worker.start();
  const start = (instanceId: string, version?: string) =>
    backend.createWorkflowInstance(newEvent('executionStarted', new Date(), { name: 'flow', version, workflowInstance: { instanceId, executionId: 'e' } }));
  await start('pinned', '1.0');
  await start('unpinned');
  await start('finished');
  const client = new Client({ backend });
  await client.waitForWorkflowStart('finished');
  for (let i = 0; i < 500 && (await backend.getWorkflowHistory('finished')).length < 5; i++) await new Promise((r) => setTimeout(r, 5));
  await client.raiseEvent('finished', 'go');
  await client.waitForWorkflowCompletion('finished', { timeoutMs: 5000 });
  for (const id of ['pinned', 'unpinned']) {
    for (let i = 0; i < 500 && (await backend.getWorkflowHistory(id)).length < 5; i++) await new Promise((r) => setTimeout(r, 5));
  }
  await worker.stop();
  return backend;
}

describe('checkReplay', () => {
  it('checks open instances only; a pinned one against its version, the rest against the build', async () => {
    const backend = await hubWithInstances();
    const report = await checkReplay(backend, { workflows: { flow: v2 }, versions: { '1.0': { workflows: { flow: v1 } } } });
    assert.equal(report.matched, 2);
    const byId = Object.fromEntries(report.checks.map((c) => [c.instanceId, c]));
    assert.deepEqual(Object.keys(byId).sort(), ['pinned', 'unpinned']);
    assert.equal(byId.pinned!.outcome, 'ok');
    assert.equal(byId.pinned!.checkedAgainst, 'pinned');
    assert.equal(byId.pinned!.version, '1.0');
    assert.equal(byId.unpinned!.outcome, 'diverged');
    assert.equal(byId.unpinned!.checkedAgainst, 'current');
    assert.ok(byId.unpinned!.error instanceof NonDeterminismError);
    assert.deepEqual(report.problems.map((p) => p.instanceId), ['unpinned']);
  });

  it('without that version in the module, a pinned instance is checked against the build', async () => {
    const backend = await hubWithInstances();
    const report = await checkReplay(backend, { workflows: { flow: v2 } });
    assert.deepEqual(report.problems.map((p) => [p.instanceId, p.checkedAgainst]).sort(), [['pinned', 'current'], ['unpinned', 'current']]);
  });

  it('sample takes that many distinct instances', async () => {
    const backend = await hubWithInstances();
    const report = await checkReplay(backend, { workflows: { flow: v1 } }, { sample: 1, random: () => 0.99 });
    assert.equal(report.matched, 2);
    assert.deepEqual(report.checks.map((c) => c.instanceId), ['unpinned']);
  });
});
