// End to end with the real @dapr/durabletask-js SDK (an older protocol generation: CompleteOrchestratorTask,
// no completion tokens on some paths) against the sidecar on SQLite in memory: the core scenarios plus timers,
// event timeouts, hand-written retries (the SDK has no retry policy), custom status, purge by filter and load.
// The SDK's client has no query or list call, so instance queries are not covered here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TaskHubGrpcClient, TaskHubGrpcWorker, type ActivityContext, type OrchestrationContext } from '@dapr/durabletask-js';
import { whenAll, whenAny } from '@dapr/durabletask-js/task/index.js';
import { OrchestrationStatus } from '@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js';
import { PurgeInstanceCriteria } from '@dapr/durabletask-js/orchestration/orchestration-purge-criteria.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { eventually, startTestSidecar, type SidecarHarness } from '../grpc/sidecar-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's orchestrators are untyped generators */
// The SDK races its waits against timers it never clears, so the process lingers this long after the last wait.
// Generous: the machine running the suite may be loaded; a wait returns as soon as the instance finishes.
const WAIT_S = 30;

type Orchestrator = (ctx: OrchestrationContext, input: any) => AsyncGenerator<any, any, any>;

const hello = (_ctx: ActivityContext, name: string) => `Hello ${name}!`;
const square = (_ctx: ActivityContext, n: number) => n * n;
const fail = (_ctx: ActivityContext) => {
  throw new Error('dapr-boom');
};

const sequence: Orchestrator = async function* (ctx) {
  const a = yield ctx.callActivity(hello, 'Tokyo');
  const b = yield ctx.callActivity(hello, 'London');
  return [a, b];
};
const fanOut: Orchestrator = async function* (ctx, n: number) {
  const results: number[] = yield whenAll(Array.from({ length: n }, (_, i) => ctx.callActivity(square, i + 1)));
  return results.reduce((x, y) => x + y, 0);
};
const eventWaiter: Orchestrator = async function* (ctx) {
  const data = yield ctx.waitForExternalEvent('go');
  return `got ${data}`;
};
const child: Orchestrator = async function* (ctx, n: number) {
  return yield ctx.callActivity(square, n);
};
const parent: Orchestrator = async function* (ctx) {
  return (yield ctx.callSubOrchestrator(child, 7)) + 1;
};
const failing: Orchestrator = async function* (ctx) {
  return yield ctx.callActivity(fail);
};
const looping: Orchestrator = async function* (ctx, n: number) {
  if (n < 2) {
    ctx.continueAsNew(n + 1, false);
    return undefined;
  }
  return n;
};
const napper: Orchestrator = async function* (ctx, ms: number) {
  const start = ctx.currentUtcDateTime.getTime();
  yield ctx.createTimer(new Date(start + ms));
  return ctx.currentUtcDateTime.getTime() - start;
};
// The SDK has no waitForExternalEvent timeout: race the event against a durable timer.
const approval: Orchestrator = async function* (ctx, timeoutMs: number) {
  const event = ctx.waitForExternalEvent('approve');
  const deadline = ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + timeoutMs));
  const winner = yield whenAny([event, deadline]);
  return winner === event ? `approved by ${event.getResult().by}` : 'timed out';
};
// The SDK has no retry policy: retry by catching the failed task and backing off on a durable timer.
const retrying: Orchestrator = async function* (ctx, input: { key: string; okAt: number; maxAttempts: number }) {
  const errors: string[] = [];
  for (let attempt = 1; attempt <= input.maxAttempts; attempt++) {
    try {
      const result = yield ctx.callActivity('flaky', input);
      return { result, errors };
    } catch (e) {
      errors.push((e as Error).message);
      yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + 50));
    }
  }
  throw new Error(`gave up after ${input.maxAttempts} attempts: ${errors.at(-1)}`);
};
const rawStatus: Orchestrator = async function* (ctx) {
  ctx.setCustomStatus('foobaz');
  return yield ctx.callActivity(hello, 'raw');
};
const statusful: Orchestrator = async function* (ctx) {
  ctx.setCustomStatus(JSON.stringify({ stage: 'waiting' }));
  const data = yield ctx.waitForExternalEvent('go');
  ctx.setCustomStatus(JSON.stringify({ stage: 'done', data }));
  return data;
};

describe('@dapr/durabletask-js against the sidecar', { timeout: 60_000 }, () => {
  let h: SidecarHarness;
  let client: TaskHubGrpcClient;
  let worker: TaskHubGrpcWorker;
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const attempts = new Map<string, number>();
  const flaky = (_ctx: ActivityContext, input: { key: string; okAt: number }) => {
    const n = (attempts.get(input.key) ?? 0) + 1;
    attempts.set(input.key, n);
    if (n < input.okAt) throw new Error(`attempt ${n} failed`);
    return `ok after ${n}`;
  };

  before(async () => {
    // This SDK logs every step to the console.
    console.log = console.info = console.warn = console.error = () => undefined;
    h = await startTestSidecar({ backend: new SqliteBackend({ path: ':memory:' }) });
    client = new TaskHubGrpcClient(h.sidecar.address);
    worker = new TaskHubGrpcWorker(h.sidecar.address);
    for (const o of [sequence, fanOut, eventWaiter, child, parent, failing, looping, napper, approval, retrying, statusful, rawStatus]) {
      worker.addOrchestrator(o);
    }
    for (const a of [hello, square, fail, flaky]) worker.addActivity(a);
    await worker.start();
  });

  after(async () => {
    await worker.stop();
    await client.stop();
    await h.sidecar.close();
    await h.backend.close();
    Object.assign(console, saved);
  });

  const run = async (o: Orchestrator, input?: unknown, instanceId?: string) => {
    const id = await client.scheduleNewOrchestration(o, input, instanceId);
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_S);
    assert.ok(state);
    return state;
  };

  it('runs an activity sequence', async () => {
    const state = await run(sequence);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(JSON.parse(state.serializedOutput!), ['Hello Tokyo!', 'Hello London!']);
  });

  it('fans out and in', async () => {
    const state = await run(fanOut, 20);
    assert.equal(JSON.parse(state.serializedOutput!), 2870);
  });

  it('delivers an external event', async () => {
    const id = await client.scheduleNewOrchestration(eventWaiter);
    await client.waitForOrchestrationStart(id, false, WAIT_S);
    await client.raiseOrchestrationEvent(id, 'go', 5);
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_S);
    assert.equal(JSON.parse(state!.serializedOutput!), 'got 5');
  });

  it('runs a sub-orchestration', async () => {
    assert.equal(JSON.parse((await run(parent)).serializedOutput!), 50);
  });

  it('reports a failed activity as a failed orchestration', async () => {
    const state = await run(failing);
    assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
    assert.match(state.failureDetails?.message ?? '', /dapr-boom/);
  });

  it('continues as new', async () => {
    assert.equal(JSON.parse((await run(looping, 0)).serializedOutput!), 2);
  });

  it('suspends, resumes and terminates', async () => {
    const id = await client.scheduleNewOrchestration(eventWaiter);
    await client.waitForOrchestrationStart(id, false, WAIT_S);
    await client.suspendOrchestration(id);
    await client.resumeOrchestration(id);
    await client.terminateOrchestration(id, 'bye');
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_S);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.TERMINATED);
    // As in the reference engine: the reason is the output, and a termination carries no failure details.
    assert.equal(JSON.parse(state!.serializedOutput!), 'bye');
    assert.equal(state?.failureDetails, undefined);
  });

  it('starts with no scheduled start time (the SDK sends an empty timestamp)', async () => {
    const state = await run(sequence);
    const stored = await h.backend.getWorkflowMetadata(state.instanceId);
    assert.equal(stored?.scheduledStartAt, undefined);
  });

  it('keeps a custom status that is raw text, not JSON, as opaque text', async () => {
    const state = await run(rawStatus);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(state.serializedCustomStatus, 'foobaz');
  });

  it('purges a finished instance', async () => {
    const state = await run(sequence);
    const result = await client.purgeOrchestration(state.instanceId);
    assert.equal(result?.deletedInstanceCount, 1);
    assert.equal(await client.getOrchestrationState(state.instanceId), undefined);
  });

  it('waits for a durable timer', async () => {
    const began = Date.now();
    const state = await run(napper, 300);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.ok(JSON.parse(state.serializedOutput!) >= 300, `orchestration clock moved ${state.serializedOutput} ms`);
    assert.ok(Date.now() - began >= 300, 'the timer did not fire early');
  });

  it('takes an external event that beats its timeout', async () => {
    const id = await client.scheduleNewOrchestration(approval, 10_000);
    await client.waitForOrchestrationStart(id, false, WAIT_S);
    await client.raiseOrchestrationEvent(id, 'approve', { by: 'ann' });
    const state = await client.waitForOrchestrationCompletion(id, true, WAIT_S);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state!.serializedOutput!), 'approved by ann');
  });

  it('times out waiting for an external event that never comes', async () => {
    const began = Date.now();
    const state = await run(approval, 200);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state.serializedOutput!), 'timed out');
    assert.ok(Date.now() - began >= 200);
  });

  it('retries an activity that fails twice, then succeeds', async () => {
    const state = await run(retrying, { key: 'twice', okAt: 3, maxAttempts: 4 });
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    const out = JSON.parse(state.serializedOutput!);
    assert.equal(out.result, 'ok after 3');
    assert.equal(out.errors.length, 2);
    assert.match(out.errors[0], /attempt 1 failed/);
    assert.match(out.errors[1], /attempt 2 failed/);
    assert.equal(attempts.get('twice'), 3);
  });

  it('fails the orchestration once its retries run out', async () => {
    const state = await run(retrying, { key: 'never', okAt: 99, maxAttempts: 3 });
    assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
    assert.match(state.failureDetails?.message ?? '', /gave up after 3 attempts: .*attempt 3 failed/);
    assert.equal(attempts.get('never'), 3);
  });

  it('shows the custom status while running and after completion', async () => {
    const id = await client.scheduleNewOrchestration(statusful);
    const waiting = await eventually(async () => {
      const s = await client.getOrchestrationState(id, true);
      return s?.serializedCustomStatus ? s : undefined;
    }, 5_000, 'a custom status');
    assert.equal(waiting.runtimeStatus, OrchestrationStatus.RUNNING);
    assert.deepEqual(JSON.parse(waiting.serializedCustomStatus!), { stage: 'waiting' });
    await client.raiseOrchestrationEvent(id, 'go', 42);
    const done = await client.waitForOrchestrationCompletion(id, true, WAIT_S);
    assert.equal(done?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(JSON.parse(done!.serializedCustomStatus!), { stage: 'done', data: 42 });
    assert.equal(JSON.parse(done!.serializedOutput!), 42);
  });

  it('runs 30 instances at once', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `dapr-many-${i}`);
    await Promise.all(ids.map((id, i) => client.scheduleNewOrchestration(fanOut, i % 5 + 1, id)));
    const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, WAIT_S)));
    const sums = [1, 5, 14, 30, 55];
    states.forEach((s, i) => {
      assert.equal(s?.instanceId, ids[i]);
      assert.equal(s?.runtimeStatus, OrchestrationStatus.COMPLETED, `${ids[i]} completed`);
      assert.equal(JSON.parse(s!.serializedOutput!), sums[i % 5]);
    });
  });

  it('purges by filter: completed instances created since a time, not a running one', async () => {
    const since = new Date();
    const done = await Promise.all([run(sequence), run(sequence)]);
    const running = await client.scheduleNewOrchestration(eventWaiter);
    await client.waitForOrchestrationStart(running, false, WAIT_S);
    const criteria = new PurgeInstanceCriteria();
    criteria.setCreatedTimeFrom(since);
    criteria.setRuntimeStatusList([OrchestrationStatus.COMPLETED]);
    criteria.setTimeout(WAIT_S * 1000); // the SDK leaves this timer running too
    const result = await client.purgeOrchestration(criteria);
    assert.equal(result?.deletedInstanceCount, 2);
    for (const s of done) assert.equal(await client.getOrchestrationState(s.instanceId), undefined);
    assert.equal((await client.getOrchestrationState(running))?.runtimeStatus, OrchestrationStatus.RUNNING);
    await client.terminateOrchestration(running, 'cleanup');
    const ended = await client.waitForOrchestrationCompletion(running, true, WAIT_S);
    assert.equal(ended?.runtimeStatus, OrchestrationStatus.TERMINATED);
  });
});
