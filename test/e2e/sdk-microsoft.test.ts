// End to end with the real @microsoft/durabletask-js SDK (TaskHubGrpcClient + TaskHubGrpcWorker) against the
// sidecar on a MemoryBackend: every scenario the SDK offers that the engine serves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OrchestrationStatus,
  RetryPolicy,
  TaskHubGrpcClient,
  TaskHubGrpcWorker,
  whenAll,
  whenAny,
  type ActivityContext,
  type OrchestrationContext,
} from '@microsoft/durabletask-js';
import { startTestSidecar, silentSdkLogger, type SidecarHarness } from '../grpc/sidecar-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's orchestrators are untyped generators */
type Orchestrator = (ctx: OrchestrationContext, input: any) => AsyncGenerator<any, any, any>;

const attempts = new Map<string, number>();

const hello = (_ctx: ActivityContext, name: string) => `Hello ${name}!`;
const double = (_ctx: ActivityContext, n: number) => n * 2;
const flaky = (_ctx: ActivityContext, key: string) => {
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  if (n < 3) throw new Error(`attempt ${n} failed`);
  return `ok after ${n}`;
};
const boom = (_ctx: ActivityContext) => {
  throw new Error('kaboom');
};

const sequence: Orchestrator = async function* (ctx) {
  const out = [];
  for (const city of ['Tokyo', 'Seattle', 'London']) out.push(yield ctx.callActivity(hello, city));
  return out;
};
const fanOut: Orchestrator = async function* (ctx, n: number) {
  const results: number[] = yield whenAll(Array.from({ length: n }, (_, i) => ctx.callActivity(double, i)));
  return results.reduce((a, b) => a + b, 0);
};
const timer: Orchestrator = async function* (ctx) {
  const start = ctx.currentUtcDateTime.getTime();
  yield ctx.createTimer(new Date(start + 300));
  return ctx.currentUtcDateTime.getTime() - start;
};
const approval: Orchestrator = async function* (ctx, timeoutMs: number) {
  const event = ctx.waitForExternalEvent('approve');
  const deadline = ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + timeoutMs));
  const winner = yield whenAny([event, deadline]);
  return winner === event ? `approved by ${event.getResult().by}` : 'timed out';
};
const child: Orchestrator = async function* (ctx, n: number) {
  return (yield ctx.callActivity(double, n)) + 1;
};
const parent: Orchestrator = async function* (ctx) {
  const a = yield ctx.callSubOrchestrator(child, 10);
  const b = yield ctx.callSubOrchestrator(child, 20, { instanceId: `${ctx.instanceId}-child` });
  return [a, b];
};
const failing: Orchestrator = async function* (ctx) {
  yield ctx.callActivity(boom);
  return 'unreachable';
};
const retrying: Orchestrator = async function* (ctx, key: string) {
  const retry = new RetryPolicy({ maxNumberOfAttempts: 4, firstRetryIntervalInMilliseconds: 50 });
  return yield ctx.callActivity(flaky, key, { retry });
};
const counter: Orchestrator = async function* (ctx, n: number) {
  yield ctx.callActivity(double, n);
  if (n < 3) {
    ctx.continueAsNew(n + 1, false);
    return undefined;
  }
  return n;
};
const statusful: Orchestrator = async function* (ctx) {
  ctx.setCustomStatus({ stage: 'waiting' });
  const data = yield ctx.waitForExternalEvent('go');
  ctx.setCustomStatus({ stage: 'done' });
  return data;
};
const waiter: Orchestrator = async function* (ctx) {
  return yield ctx.waitForExternalEvent('never');
};

describe('@microsoft/durabletask-js against the sidecar', { timeout: 60_000 }, () => {
  let h: SidecarHarness;
  let client: TaskHubGrpcClient;
  let worker: TaskHubGrpcWorker;

  before(async () => {
    h = await startTestSidecar();
    const hostAddress = h.sidecar.address;
    client = new TaskHubGrpcClient({ hostAddress, logger: silentSdkLogger });
    worker = new TaskHubGrpcWorker({ hostAddress, logger: silentSdkLogger, shutdownTimeoutMs: 1000 });
    for (const o of [sequence, fanOut, timer, approval, child, parent, failing, retrying, counter, statusful, waiter]) worker.addOrchestrator(o);
    for (const a of [hello, double, flaky, boom]) worker.addActivity(a);
    await worker.start();
  });

  after(async () => {
    await worker.stop();
    await client.stop();
    await h.sidecar.close();
  });

  const run = async (o: Orchestrator, input?: unknown, instanceId?: string) => {
    const id = await client.scheduleNewOrchestration(o, input, instanceId);
    const state = await client.waitForOrchestrationCompletion(id, true, 20);
    assert.ok(state, `instance ${id} exists`);
    return state;
  };

  it('runs an activity sequence', async () => {
    const state = await run(sequence);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(JSON.parse(state.serializedOutput!), ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('fans out to 100 activities and fans in', async () => {
    const state = await run(fanOut, 100);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state.serializedOutput!), 9900);
  });

  it('waits for a durable timer', async () => {
    const state = await run(timer);
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.ok(JSON.parse(state.serializedOutput!) >= 300);
  });

  it('receives an external event before its timeout, and times out without one', async () => {
    const id = await client.scheduleNewOrchestration(approval, 10_000);
    await client.waitForOrchestrationStart(id, false, 10);
    await client.raiseOrchestrationEvent(id, 'approve', { by: 'ann' });
    const approved = await client.waitForOrchestrationCompletion(id, true, 10);
    assert.equal(JSON.parse(approved!.serializedOutput!), 'approved by ann');
    const timedOut = await run(approval, 200);
    assert.equal(JSON.parse(timedOut.serializedOutput!), 'timed out');
  });

  it('mints execution IDs as 32 lowercase hex digits, and default child IDs from them', async () => {
    const state = await run(parent, undefined, 'parent-hex');
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    const history = await h.backend.getWorkflowHistory('parent-hex');
    const started = history.find((e) => e.type === 'executionStarted');
    const executionId = started?.type === 'executionStarted' ? (started.workflowInstance.executionId ?? '') : '';
    assert.match(executionId, /^[0-9a-f]{32}$/);
    const children = history.flatMap((e) => (e.type === 'childWorkflowInstanceCreated' ? [e.instanceId] : []));
    assert.ok(children.some((id) => id.startsWith(`${executionId}:`)), `a default child ID derives from it: ${children.join(', ')}`);
    assert.ok(children.every((id) => id.length <= 100));
  });

  it('raises an event on a finished instance: accepted and discarded, the history unchanged', async () => {
    const state = await run(sequence, undefined, 'finished-raise');
    const before = (await client.getOrchestrationHistory('finished-raise')).length;
    await client.raiseOrchestrationEvent('finished-raise', 'late', 1);
    const after = await client.getOrchestrationState('finished-raise', true);
    assert.equal(after?.runtimeStatus, state.runtimeStatus);
    assert.equal((await client.getOrchestrationHistory('finished-raise')).length, before);
  });

  it('runs sub-orchestrations with generated and explicit IDs', async () => {
    const state = await run(parent, undefined, 'parent-1');
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(JSON.parse(state.serializedOutput!), [21, 41]);
    const explicit = await client.getOrchestrationState('parent-1-child');
    assert.equal(explicit?.runtimeStatus, OrchestrationStatus.COMPLETED);
  });

  it('fails an orchestration whose activity throws, with the failure details', async () => {
    const state = await run(failing);
    assert.equal(state.runtimeStatus, OrchestrationStatus.FAILED);
    assert.match(state.failureDetails?.message ?? '', /kaboom/);
  });

  it('retries a failing activity under a retry policy', async () => {
    const state = await run(retrying, 'retry-key');
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state.serializedOutput!), 'ok after 3');
    assert.equal(attempts.get('retry-key'), 3);
  });

  it('continues as new until done, keeping the instance ID', async () => {
    const state = await run(counter, 0, 'counter-1');
    assert.equal(state.instanceId, 'counter-1');
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state.serializedOutput!), 3);
  });

  it('shows the custom status while running and after completion', async () => {
    const id = await client.scheduleNewOrchestration(statusful);
    const waiting = await eventuallyState(client, id, (s) => s.serializedCustomStatus !== undefined);
    assert.deepEqual(JSON.parse(waiting.serializedCustomStatus!), { stage: 'waiting' });
    await client.raiseOrchestrationEvent(id, 'go', 42);
    const done = await client.waitForOrchestrationCompletion(id, true, 10);
    assert.deepEqual(JSON.parse(done!.serializedCustomStatus!), { stage: 'done' });
    assert.equal(JSON.parse(done!.serializedOutput!), 42);
  });

  it('suspends, buffers a raised event, and resumes', async () => {
    const id = await client.scheduleNewOrchestration(statusful);
    await client.waitForOrchestrationStart(id, false, 10);
    await client.suspendOrchestration(id);
    await eventuallyState(client, id, (s) => s.runtimeStatus === OrchestrationStatus.SUSPENDED);
    await client.raiseOrchestrationEvent(id, 'go', 'later');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await client.getOrchestrationState(id))?.runtimeStatus, OrchestrationStatus.SUSPENDED);
    await client.resumeOrchestration(id);
    const done = await client.waitForOrchestrationCompletion(id, true, 10);
    assert.equal(done?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(done!.serializedOutput!), 'later');
  });

  it('terminates a running orchestration with an output', async () => {
    const id = await client.scheduleNewOrchestration(waiter);
    await client.waitForOrchestrationStart(id, false, 10);
    await client.terminateOrchestration(id, 'stopped');
    const state = await client.waitForOrchestrationCompletion(id, true, 10);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.TERMINATED);
    assert.equal(JSON.parse(state!.serializedOutput!), 'stopped');
  });

  it('purges a finished instance; an unknown one purges nothing', async () => {
    const state = await run(sequence, undefined, 'purge-me');
    assert.equal(state.runtimeStatus, OrchestrationStatus.COMPLETED);
    const purged = await client.purgeOrchestration('purge-me');
    assert.equal(purged?.deletedInstanceCount, 1);
    assert.equal(await client.getOrchestrationState('purge-me'), undefined);
    const none = await client.purgeOrchestration('never-existed');
    assert.equal(none?.deletedInstanceCount ?? 0, 0);
  });

  it('queries instances, lists IDs and reads a history', async () => {
    await run(sequence, undefined, 'query-a');
    const seen: string[] = [];
    for await (const s of client.getAllInstances({ instanceIdPrefix: 'query-' })) seen.push(s.instanceId);
    assert.deepEqual(seen, ['query-a']);
    const page = await client.listInstanceIds({ runtimeStatus: [OrchestrationStatus.COMPLETED] });
    assert.ok(page.values.includes('query-a'));
    const history = await client.getOrchestrationHistory('query-a');
    assert.ok(history.length >= 8, `history has ${history.length} events`);
  });

  it('runs 50 instances at once', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => client.scheduleNewOrchestration(sequence, undefined, `many-${i}`)));
    const states = await Promise.all(ids.map((id) => client.waitForOrchestrationCompletion(id, true, 30)));
    assert.ok(states.every((s) => s?.runtimeStatus === OrchestrationStatus.COMPLETED));
  });
});

async function eventuallyState(client: TaskHubGrpcClient, id: string, ok: (s: NonNullable<Awaited<ReturnType<TaskHubGrpcClient['getOrchestrationState']>>>) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await client.getOrchestrationState(id, true);
    if (s && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`instance ${id} never reached the expected state (last: ${s?.runtimeStatus})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
