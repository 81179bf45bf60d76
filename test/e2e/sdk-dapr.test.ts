// End to end with the real @dapr/durabletask-js SDK (an older protocol generation: CompleteOrchestratorTask,
// no completion tokens on some paths) against the sidecar on SQLite in memory: the core scenarios.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TaskHubGrpcClient, TaskHubGrpcWorker, type ActivityContext, type OrchestrationContext } from '@dapr/durabletask-js';
import { whenAll } from '@dapr/durabletask-js/task/index.js';
import { OrchestrationStatus } from '@dapr/durabletask-js/orchestration/enum/orchestration-status.enum.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { startTestSidecar, type SidecarHarness } from '../grpc/sidecar-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's orchestrators are untyped generators */
// The SDK races its waits against timers it never clears, so the process lingers this long after the last wait.
const WAIT_S = 4;

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

describe('@dapr/durabletask-js against the sidecar', { timeout: 60_000 }, () => {
  let h: SidecarHarness;
  let client: TaskHubGrpcClient;
  let worker: TaskHubGrpcWorker;
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };

  before(async () => {
    // This SDK logs every step to the console.
    console.log = console.info = console.warn = console.error = () => undefined;
    h = await startTestSidecar({ backend: new SqliteBackend({ path: ':memory:' }) });
    client = new TaskHubGrpcClient(h.sidecar.address);
    worker = new TaskHubGrpcWorker(h.sidecar.address);
    for (const o of [sequence, fanOut, eventWaiter, child, parent, failing, looping]) worker.addOrchestrator(o);
    for (const a of [hello, square, fail]) worker.addActivity(a);
    await worker.start();
  });

  after(async () => {
    await worker.stop();
    await client.stop();
    await h.sidecar.close();
    await h.backend.close();
    Object.assign(console, saved);
  });

  const run = async (o: Orchestrator, input?: unknown) => {
    const id = await client.scheduleNewOrchestration(o, input);
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
  });

  it('purges a finished instance', async () => {
    const state = await run(sequence);
    const result = await client.purgeOrchestration(state.instanceId);
    assert.equal(result?.deletedInstanceCount, 1);
    assert.equal(await client.getOrchestrationState(state.instanceId), undefined);
  });
});
