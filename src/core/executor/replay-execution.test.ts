// Replay executor tests read as histories: build the past, run the workflow against it, check the new actions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent, type HistoryEvent } from '../../protocol/history.js';
import { Registry } from '../../sdk/registry.js';
import { ReplayWorkflowContext, type WorkflowContext } from '../../sdk/workflow-context.js';
import type { Workflow } from '../../sdk/types.js';
import { decodePayload } from '../payload.js';
import { ReplayExecution } from './replay-execution.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const ID = 'test-id';

function execution(workflow: Workflow): ReplayExecution {
  const registry = new Registry().addWorkflow(workflow, 'wf');
  return new ReplayExecution({
    instanceId: ID,
    maxPayloadBytes: 1 << 20,
    run: async (x, start) => workflow(new ReplayWorkflowContext(x, { registry, maxPayloadBytes: 1 << 20 }), decodePayload(start.input)),
  });
}

const started = (ms = 0): HistoryEvent[] => [
  newEvent('workflowStarted', at(ms), {}),
  newEvent('executionStarted', at(ms), { name: 'wf', input: '"in"', workflowInstance: { instanceId: ID, executionId: 'e1' } }),
];
const ws = (ms: number) => newEvent('workflowStarted', at(ms), {});
const scheduled = (id: number, name: string) => newEvent('taskScheduled', t0, { eventId: id, name, taskExecutionId: `t${id}` });
const completed = (id: number, result: unknown) => newEvent('taskCompleted', t0, { taskScheduledId: id, result: JSON.stringify(result), taskExecutionId: `t${id}` });

describe('replay executor', () => {
  it('first turn: a call takes sequence number 0 and becomes a scheduleTask action', async () => {
    const x = execution(async (ctx: WorkflowContext) => ctx.callActivity('a', 1));
    const { actions } = await x.executeTurn([], started());
    assert.deepEqual(
      actions.map((a) => [a.id, a.type]),
      [[0, 'scheduleTask']],
    );
  });

  it('replays a sequence and completes with the last result', async () => {
    const wf = async (ctx: WorkflowContext) => {
      const a = await ctx.callActivity<number, number>('a', 1);
      const b = await ctx.callActivity<number, number>('b', a);
      return a + b;
    };
    const past = [...started(), scheduled(0, 'a'), ws(1), completed(0, 10), scheduled(1, 'b')];
    const { actions } = await execution(wf).executeTurn(past, [ws(2), completed(1, 5)]);
    assert.deepEqual(actions, [{ id: 2, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '15' }]);
  });

  it('Promise.race resolves with the task whose completion comes first in history', async () => {
    const wf = async (ctx: WorkflowContext) => Promise.race([ctx.callActivity('slow'), ctx.callActivity('fast')]);
    const past = [...started(), scheduled(0, 'slow'), scheduled(1, 'fast')];
    const { actions } = await execution(wf).executeTurn(past, [ws(1), completed(1, 'fast'), completed(0, 'slow')]);
    assert.deepEqual(actions.at(-1), { id: 2, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '"fast"' });
  });

  it('a different activity at a recorded sequence number stalls with both sides named', async () => {
    const wf = async (ctx: WorkflowContext) => ctx.callActivity('renamed');
    const { actions, stall } = await execution(wf).executeTurn([...started(), scheduled(0, 'original')], [ws(1)]);
    assert.deepEqual(actions, [], 'no action: the instance stalls');
    assert.equal(stall?.reason, 'PATCH_MISMATCH');
    const message = stall?.description ?? '';
    assert.match(message, /sequence number 0/);
    assert.match(message, /callActivity\('original'\)/);
    assert.match(message, /callActivity\('renamed'\)/);
  });

  it('code changed to finish earlier than its history is a NonDeterminismError naming the sequence number', async () => {
    // The history was made by code that called 'a' and then 'b'; the code now returns after 'a'.
    const wf = async (ctx: WorkflowContext) => ctx.callActivity<number, number>('a', 1);
    const past = [...started(), scheduled(0, 'a'), ws(1), completed(0, 10), scheduled(1, 'b')];
    const x = execution(wf);
    const { actions, stall } = await x.executeTurn(past, [ws(2), completed(1, 5)]);
    assert.deepEqual(actions, [], 'no ExecutionCompleted over the unmatched TaskScheduled: the instance stalls');
    assert.equal(x.divergence?.name, 'NonDeterminismError');
    assert.match(stall?.description ?? '', /at sequence number 1 the history recorded callActivity\('b'\)/);
    assert.match(stall?.description ?? '', /finished \(complete\(COMPLETED\)\) before calling it/);
  });

  it('code that finishes where its history did, with fire-and-forget calls matched, still completes', async () => {
    const wf = async (ctx: WorkflowContext) => {
      void ctx.callActivity('log');
      return ctx.callActivity<number, number>('a', 1);
    };
    const past = [...started(), scheduled(0, 'log'), scheduled(1, 'a'), ws(1)];
    const { actions } = await execution(wf).executeTurn(past, [completed(1, 7), completed(0, 'x')]);
    assert.deepEqual(actions, [{ id: 2, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '7' }]);
  });

  it('isPatched is true on first execution and recorded in the turn\'s WorkflowVersion', async () => {
    const wf = async (ctx: WorkflowContext) => (ctx.isPatched('fix') ? ctx.callActivity('new') : ctx.callActivity('old'));
    const { actions, version } = await execution(wf).executeTurn([], [ws(0), ...started().slice(1)]);
    assert.deepEqual(version, { patches: ['fix'] });
    assert.ok(actions[0]?.type === 'scheduleTask' && actions[0].name === 'new');
  });

  it('isPatched replays what history recorded: false when the patch was not recorded, true when it was', async () => {
    const wf = async (ctx: WorkflowContext) => (ctx.isPatched('fix') ? ctx.callActivity('new') : ctx.callActivity('old'));
    const old = await execution(wf).executeTurn([...started(), scheduled(0, 'old')], [ws(1), completed(0, 1)]);
    assert.deepEqual(old.actions.map((a) => a.type), ['completeWorkflow'], 'the old path replays without divergence');
    assert.equal(old.version, undefined, 'a false answer is not recorded');
    const patchedStart = newEvent('workflowStarted', t0, { version: { patches: ['fix'] } });
    const patched = await execution(wf).executeTurn([patchedStart, ...started().slice(1), scheduled(0, 'new')], [ws(1), completed(0, 1)]);
    assert.equal(patched.stall, undefined);
    assert.deepEqual(patched.actions.map((a) => a.type), ['completeWorkflow']);
  });

  it('a history with a patch this code never checks stalls as PATCH_MISMATCH naming the patch', async () => {
    const wf = async (ctx: WorkflowContext) => ctx.callActivity('new');
    const patchedStart = newEvent('workflowStarted', t0, { version: { patches: ['fix'] } });
    const { actions, stall } = await execution(wf).executeTurn([patchedStart, ...started().slice(1), scheduled(0, 'new')], [ws(1), completed(0, 1)]);
    assert.deepEqual(actions, []);
    assert.equal(stall?.reason, 'PATCH_MISMATCH');
    assert.match(stall?.description ?? '', /'fix'/);
  });

  it('currentUtcDateTime follows the WorkflowStarted of the turn being replayed', async () => {
    const seen: number[] = [];
    const wf = async (ctx: WorkflowContext) => {
      seen.push(ctx.currentUtcDateTime.getTime());
      await ctx.createTimer(1000);
      seen.push(ctx.currentUtcDateTime.getTime());
    };
    const past = [...started(0), newEvent('timerCreated', t0, { eventId: 0, fireAt: at(1000) })];
    await execution(wf).executeTurn(past, [ws(1500), newEvent('timerFired', at(1500), { timerId: 0, fireAt: at(1000) })]);
    assert.deepEqual(seen, [t0.getTime(), t0.getTime() + 1500]);
  });

  it('buffers events raised before the wait, in order, case-insensitively', async () => {
    const wf = async (ctx: WorkflowContext) => [await ctx.waitForExternalEvent('Go'), await ctx.waitForExternalEvent('go')];
    const raised = (v: number) => newEvent('eventRaised', t0, { name: 'GO', input: String(v) });
    const { actions } = await execution(wf).executeTurn([], [...started(), raised(1), raised(2)]);
    assert.deepEqual(actions.at(-1), { id: 0, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '[1,2]' });
  });

  it('an event-wait timeout rejects with a timeout error; a late event is buffered', async () => {
    const wf = async (ctx: WorkflowContext) => {
      try {
        await ctx.waitForExternalEvent('approve', { timeoutMs: 100 });
        return 'approved';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    };
    const past = [...started(), newEvent('timerCreated', t0, { eventId: 0, fireAt: at(100), origin: { kind: 'externalEvent', name: 'approve' } })];
    const { actions } = await execution(wf).executeTurn(past, [ws(200), newEvent('timerFired', at(200), { timerId: 0, fireAt: at(100) })]);
    const done = actions.at(-1)!;
    assert.ok(done.type === 'completeWorkflow' && done.result?.includes('TimeoutError') && done.result.includes('timed out'));
  });

  it('suspended: events are held and no actions are returned until resume', async () => {
    const wf = async (ctx: WorkflowContext) => {
      await ctx.waitForExternalEvent('x');
      return ctx.callActivity('after');
    };
    const x = execution(wf);
    const first = await x.executeTurn([], [...started(), newEvent('executionSuspended', t0, {}), newEvent('eventRaised', t0, { name: 'x' })]);
    assert.deepEqual(first.actions, []);
    x.markCommitted();
    const second = await x.executeTurn([], [ws(5), newEvent('executionResumed', t0, {})]);
    assert.deepEqual(
      second.actions.map((a) => a.type),
      ['scheduleTask'],
    );
  });

  it('a workflow awaiting a plain timer fails with a clear message instead of hanging', async () => {
    const wf = async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000).unref()); // long enough that a loaded machine never fires it first
    };
    const { actions } = await execution(wf).executeTurn([], started());
    const done = actions.at(-1)!;
    assert.ok(done.type === 'completeWorkflow' && done.workflowStatus === 'FAILED');
    assert.match(done.type === 'completeWorkflow' ? (done.failureDetails?.errorMessage ?? '') : '', /not a durable task/);
  });

  it('a result that arrives before the call is delivered when the call is made, without a new dispatch', async () => {
    const wf = async (ctx: WorkflowContext) => {
      await ctx.waitForExternalEvent('go');
      return ctx.callActivity('a');
    };
    const { actions } = await execution(wf).executeTurn([], [...started(), completed(0, 'early'), newEvent('eventRaised', t0, { name: 'go' })]);
    assert.deepEqual(actions, [{ id: 1, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '"early"' }]);
  });

  it('newGuid is the same on every replay and differs per call', async () => {
    const guids = async () => {
      const out: string[] = [];
      await execution(async (ctx: WorkflowContext) => {
        out.push(ctx.newGuid(), ctx.newGuid());
      }).executeTurn([], started());
      return out;
    };
    const [a, b] = [await guids(), await guids()];
    assert.deepEqual(a, b);
    assert.notEqual(a[0], a[1]);
    assert.match(a[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('replay executor: detached workflows', () => {
  const spawnWith = (options: object) => async (ctx: WorkflowContext) => {
    ctx.scheduleNewWorkflow('child', options);
    await ctx.waitForExternalEvent('never');
  };

  it('emits one createDetachedWorkflow action with the given fields and no task', async () => {
    const startAt = at(60_000);
    const x = execution(spawnWith({ instanceId: 'spawned', input: { hello: 'world' }, startAt }));
    const { actions } = await x.executeTurn([], started());
    assert.deepEqual(actions, [
      { id: 0, type: 'createDetachedWorkflow', instanceId: 'spawned', name: 'child', input: '{"hello":"world"}', scheduledStartTimestamp: startAt, tags: undefined },
    ]);
  });

  it('default IDs count default-ID calls only: test-id-0, custom, test-id-1 after a timer', async () => {
    const ids: string[] = [];
    const wf = async (ctx: WorkflowContext) => {
      ids.push(ctx.scheduleNewWorkflow('c'));
      void ctx.createTimer(10);
      ids.push(ctx.scheduleNewWorkflow('c', { instanceId: 'custom-id' }));
      ids.push(ctx.scheduleNewWorkflow('c'));
    };
    await execution(wf).executeTurn([], started());
    assert.deepEqual(ids, ['test-id-0', 'custom-id', 'test-id-1']);
  });

  it('an explicit empty ID throws at the call, schedules nothing and does not advance the counter', async () => {
    let thrown = '';
    const ids: string[] = [];
    const wf = async (ctx: WorkflowContext) => {
      try {
        ctx.scheduleNewWorkflow('c', { instanceId: '' });
      } catch (error) {
        thrown = (error as Error).message;
      }
      ids.push(ctx.scheduleNewWorkflow('c'));
      await ctx.waitForExternalEvent('never');
    };
    const { actions } = await execution(wf).executeTurn([], started());
    assert.match(thrown, /empty instance ID/);
    assert.deepEqual(ids, ['test-id-0']);
    assert.deepEqual(
      actions.map((a) => a.id),
      [0],
    );
  });

  it('a matching DetachedWorkflowInstanceCreated retires the action: replay never spawns twice', async () => {
    const past = [...started(), newEvent('detachedWorkflowInstanceCreated', t0, { eventId: 0, instanceId: 'spawned' })];
    const { actions } = await execution(spawnWith({ instanceId: 'spawned' })).executeTurn(past, [ws(1), newEvent('eventRaised', t0, { name: 'other' })]);
    assert.deepEqual(actions, []);
  });

  it('a different instance ID at that sequence number stalls naming both IDs', async () => {
    const past = [...started(), newEvent('detachedWorkflowInstanceCreated', t0, { eventId: 0, instanceId: 'recorded' })];
    const { actions, stall } = await execution(spawnWith({ instanceId: 'current' })).executeTurn(past, [ws(1)]);
    assert.deepEqual(actions, []);
    const message = stall?.description ?? '';
    assert.match(message, /'recorded'/);
    assert.match(message, /'current'/);
    assert.match(message, /sequence number 0/);
  });

  it('an event with no staged action names scheduleNewWorkflow, the instance and the number', async () => {
    const wf = async (ctx: WorkflowContext) => ctx.waitForExternalEvent('never');
    const past = [...started(), newEvent('detachedWorkflowInstanceCreated', t0, { eventId: 42, instanceId: 'ghost' })];
    const { stall } = await execution(wf).executeTurn(past, [ws(1)]);
    const message = stall?.description ?? '';
    assert.match(message, /scheduleNewWorkflow/);
    assert.match(message, /ghost/);
    assert.match(message, /42/);
  });
});
