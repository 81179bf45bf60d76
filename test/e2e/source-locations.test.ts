// End-to-end: with recordSourceLocations, each scheduled event names the file and line of the call that made
// it, taken when the call is first scheduled (a replay from another line does not change it); without, none.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startHarness } from '../support/harness.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const lineOf = (marker: string) => readFileSync(THIS_FILE, 'utf8').split('\n').findIndex((l) => l.includes(marker) && !l.includes('lineOf(')) + 1;

async function hello(_ctx: ActivityContext, name: string) {
  return `hello ${name}`;
}

async function target(_ctx: WorkflowContext) {
  return 'ok';
}

async function everyCall(ctx: WorkflowContext) {
  await ctx.callActivity(hello, 'a'); // call:activity
  await ctx.createTimer(1); // call:timer
  await ctx.waitForExternalEvent('never', { timeoutMs: 1 }).catch(() => undefined); // call:wait
  await ctx.callChildWorkflow(target); // call:child
  ctx.scheduleNewWorkflow(target, { instanceId: `${ctx.instanceId}-spawn` }); // call:detached
  ctx.sendEvent('nobody', 'ping'); // call:send
  return 'done';
}

let runs = 0;
/** Calls from one line the first time and from another on every replay. */
async function movingCall(ctx: WorkflowContext) {
  const first = runs++ === 0;
  if (first) await ctx.callActivity(hello, 'x'); // call:first-run
  else await ctx.callActivity(hello, 'x'); // call:replay
  await ctx.createTimer(1);
  return 'done';
}

describe('e2e: source locations of durable calls', () => {
  it('records file and line of every kind of call on its scheduled event', async (t) => {
    const h = await startHarness({ workflows: [everyCall, target], activities: [hello], recordSourceLocations: true });
    t.after(() => h.stop());
    await h.run(everyCall, undefined, 'src-1');
    const history = await h.client.getWorkflowHistory('src-1');
    const sources = history.flatMap((e) => ('source' in e && e.source ? [[e.type, e.source.file, e.source.line]] : []));
    assert.deepEqual(sources, [
      ['taskScheduled', THIS_FILE, lineOf('// call:activity')],
      ['timerCreated', THIS_FILE, lineOf('// call:timer')],
      ['timerCreated', THIS_FILE, lineOf('// call:wait')],
      ['childWorkflowInstanceCreated', THIS_FILE, lineOf('// call:child')],
      ['detachedWorkflowInstanceCreated', THIS_FILE, lineOf('// call:detached')],
      ['eventSent', THIS_FILE, lineOf('// call:send')],
    ]);
  });

  it('takes the location when the call is first scheduled, never from a replay', async (t) => {
    runs = 0;
    const h = await startHarness({ workflows: [movingCall], activities: [hello], recordSourceLocations: true, cacheSize: 0 });
    t.after(() => h.stop());
    await h.run(movingCall, undefined, 'src-2');
    assert.ok(runs >= 3, 'every turn replayed from the start');
    const scheduled = (await h.client.getWorkflowHistory('src-2')).filter((e) => e.type === 'taskScheduled');
    assert.equal(scheduled.length, 1);
    assert.equal(scheduled[0]!.type === 'taskScheduled' && scheduled[0]!.source?.line, lineOf('// call:first-run'));
  });

  it('records nothing unless the worker asks for it', async (t) => {
    const h = await startHarness({ workflows: [everyCall, target], activities: [hello] });
    t.after(() => h.stop());
    await h.run(everyCall, undefined, 'src-3');
    assert.equal((await h.client.getWorkflowHistory('src-3')).filter((e) => 'source' in e).length, 0);
  });
});
