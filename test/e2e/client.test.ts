// End-to-end: the Client's API (schedule, wait, query, raise, purge, list, history) and a graceful Worker stop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailedPreconditionError, InvalidArgumentError, TimeoutError, WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../src/errors.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { Worker } from '../../src/runtime/worker.js';
import { eventTypes, eventually, sleep, startHarness } from '../support/harness.js';

async function echo(_ctx: WorkflowContext, input: unknown) {
  return input;
}

async function waitsForEvent(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}

describe('e2e: client scheduling', () => {
  it('scheduleNewWorkflow honours instanceId and tags; startAt keeps it PENDING until then', async (t) => {
    const h = await startHarness({ workflows: [echo] });
    t.after(() => h.stop());
    const id = await h.client.scheduleNewWorkflow(echo, { input: 'a', instanceId: 'tagged', tags: { team: 'blue' } });
    assert.equal(id, 'tagged');
    const done = await h.client.waitForWorkflowCompletion(id, { timeoutMs: 2000 });
    assert.deepEqual(done.tags, { team: 'blue' });
    assert.equal(done.output, 'a');

    const generated = await h.client.scheduleNewWorkflow(echo);
    assert.match(generated, /^[0-9a-f-]{36}$/);

    const startAt = new Date(Date.now() + 80);
    await h.client.scheduleNewWorkflow(echo, { input: 'later', instanceId: 'later', startAt });
    await sleep(30);
    const pending = await h.client.getWorkflowState('later');
    assert.equal(pending?.runtimeStatus, 'PENDING');
    assert.equal(pending?.scheduledStartAt?.getTime(), startAt.getTime());
    assert.equal(pending?.startedAt, undefined);
    const started = await h.client.waitForWorkflowStart('later', { timeoutMs: 2000 });
    assert.notEqual(started.runtimeStatus, 'PENDING');
    assert.ok(started.startedAt! >= startAt, 'did not start before startAt');
    const history = await h.client.getWorkflowHistory('later');
    assert.ok(history[0]!.timestamp >= startAt);
  });

  it('scheduleNewWorkflow validates tags as ctx.scheduleNewWorkflow does: a non-string value is refused, naming the tag', async (t) => {
    const h = await startHarness({ workflows: [echo] });
    t.after(() => h.stop());
    const tags = { team: 'blue', count: 3 } as unknown as Record<string, string>;
    await assert.rejects(
      h.client.scheduleNewWorkflow(echo, { instanceId: 'bad-tags', tags }),
      (error: unknown) => error instanceof InvalidArgumentError && error.field === 'tags.count',
    );
    await assert.rejects(h.client.scheduleNewWorkflow(echo, { tags: 'team=blue' as unknown as Record<string, string> }), InvalidArgumentError);
    assert.equal(await h.client.getWorkflowState('bad-tags'), undefined, 'nothing was created');
  });

  it('terminating an instance that waits for its scheduled start ends it at once, without running it', async (t) => {
    let ran = false;
    async function neverRuns(_ctx: WorkflowContext) {
      ran = true;
    }
    const h = await startHarness({ workflows: [neverRuns] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(neverRuns, { instanceId: 'scheduled', startAt: new Date(Date.now() + 60_000) });
    await h.client.terminateWorkflow('scheduled', { output: 'cancelled' });
    const state = await h.client.waitForWorkflowCompletion('scheduled', { timeoutMs: 2000 });
    assert.equal(state.runtimeStatus, 'TERMINATED');
    assert.equal(state.output, 'cancelled');
    assert.equal(ran, false);
  });

  it('a duplicate running ID throws WorkflowAlreadyExistsError; reuse "replaceTerminal" replaces a finished one', async (t) => {
    const h = await startHarness({ workflows: [waitsForEvent, echo] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'dup' });
    await assert.rejects(h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'dup' }), WorkflowAlreadyExistsError);
    await assert.rejects(h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'dup', reuse: 'replaceTerminal' }), WorkflowAlreadyExistsError);

    await h.run(echo, 1, 'finished');
    await assert.rejects(h.client.scheduleNewWorkflow(echo, { instanceId: 'finished', input: 2 }), WorkflowAlreadyExistsError);
    const first = await h.client.getWorkflowState('finished');
    await h.client.scheduleNewWorkflow(echo, { instanceId: 'finished', input: 2, reuse: 'replaceTerminal' });
    const second = await h.client.waitForWorkflowCompletion('finished', { timeoutMs: 2000 });
    assert.equal(second.output, 2);
    assert.notEqual(second.executionId, first?.executionId);
    const starts = (await h.client.getWorkflowHistory('finished')).filter((e) => e.type === 'executionStarted');
    assert.equal(starts.length, 1, 'the old history was replaced');
  });

  it('waitForWorkflowCompletion times out with TimeoutError; unknown IDs are WorkflowNotFoundError', async (t) => {
    const h = await startHarness({ workflows: [waitsForEvent] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'slow' });
    const began = Date.now();
    await assert.rejects(h.client.waitForWorkflowCompletion('slow', { timeoutMs: 40 }), (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.match(error.message, /timed out after 40 ms/);
      return true;
    });
    assert.ok(Date.now() - began >= 35);
    await assert.rejects(h.client.waitForWorkflowCompletion('nobody', { timeoutMs: 40 }), WorkflowNotFoundError);
    await assert.rejects(h.client.raiseEvent('nobody', 'go'), WorkflowNotFoundError);
    await assert.rejects(h.client.getWorkflowHistory('nobody'), WorkflowNotFoundError);
    assert.equal(await h.client.getWorkflowState('nobody'), undefined);
  });

  it('getWorkflowState with and without payloads', async (t) => {
    const h = await startHarness({ workflows: [echo] });
    t.after(() => h.stop());
    await h.run(echo, { a: 1 }, 'payloads');
    const full = await h.client.getWorkflowState('payloads');
    assert.deepEqual(full?.input, { a: 1 });
    assert.deepEqual(full?.output, { a: 1 });
    assert.equal(full?.serializedOutput, '{"a":1}');
    assert.equal(full?.runtimeStatus, 'COMPLETED');
    assert.ok(full?.completedAt instanceof Date);
    const bare = await h.client.getWorkflowState('payloads', { includePayloads: false });
    assert.equal(bare?.input, undefined);
    assert.equal(bare?.output, undefined);
    assert.equal(bare?.serializedInput, undefined);
    assert.equal(bare?.runtimeStatus, 'COMPLETED');
    assert.equal(bare?.name, 'echo');
  });

  it('shows a stored payload that is not JSON (an SDK\'s raw text) as the text, never an error', async (t) => {
    const h = await startHarness({ workflows: [echo], start: false });
    t.after(() => h.stop());
    await h.client.encoded.startWorkflow({ name: 'echo', instanceId: 'raw-text', input: 'foobaz' });
    const state = await h.client.getWorkflowState('raw-text');
    assert.equal(state?.input, 'foobaz');
    assert.equal(state?.serializedInput, 'foobaz');
  });

  it('the encoded layer takes payloads as opaque text, within the payload limit', async (t) => {
    const h = await startHarness({ workflows: [echo], start: false, clientMaxPayloadBytes: 10 });
    t.after(() => h.stop());
    await assert.rejects(h.client.encoded.startWorkflow({ name: 'echo', instanceId: 'big', input: 'x'.repeat(11) }), { name: 'PayloadTooLargeError' });
    await h.client.encoded.startWorkflow({ name: 'echo', instanceId: 'small', input: 'not json' });
    await assert.rejects(h.client.encoded.raiseEvent('small', 'e', 'y'.repeat(11)), { name: 'PayloadTooLargeError' });
    await assert.rejects(h.client.encoded.terminateWorkflow('small', { output: 'z'.repeat(11) }), { name: 'PayloadTooLargeError' });
  });
});

describe('e2e: client purge, list, history', () => {
  it('purgeWorkflow refuses a running instance; recursive purge removes children but not detached ones', async (t) => {
    async function leaf(_ctx: WorkflowContext) {
      return 'leaf';
    }
    async function root(ctx: WorkflowContext) {
      ctx.scheduleNewWorkflow(leaf, { instanceId: 'purge-detached' });
      return ctx.callChildWorkflow(leaf, undefined, { instanceId: 'purge-child' });
    }
    const h = await startHarness({ workflows: [root, leaf, waitsForEvent] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'purge-running' });
    await assert.rejects(h.client.purgeWorkflow('purge-running'), FailedPreconditionError);
    assert.ok(await h.client.getWorkflowState('purge-running'));

    await h.run(root, undefined, 'purge-root');
    await h.client.waitForWorkflowCompletion('purge-detached', { timeoutMs: 2000 });
    assert.equal(await h.client.purgeWorkflow('purge-root'), 2);
    assert.equal(await h.client.getWorkflowState('purge-root'), undefined);
    assert.equal(await h.client.getWorkflowState('purge-child'), undefined);
    assert.equal((await h.client.getWorkflowState('purge-detached'))?.runtimeStatus, 'COMPLETED');
    assert.deepEqual(await h.backend.getWorkflowHistory('purge-root'), []);
    assert.equal(await h.client.purgeWorkflow('purge-root'), 0, 'purging a missing instance deletes nothing');
  });

  it('listWorkflows filters by status, name and prefix, and pages with a continuation token', async (t) => {
    const h = await startHarness({ workflows: [echo, waitsForEvent] });
    t.after(() => h.stop());
    for (let i = 0; i < 5; i++) await h.run(echo, i, `list-done-${i}`);
    await h.client.scheduleNewWorkflow(waitsForEvent, { instanceId: 'list-running' });
    await h.client.waitForWorkflowStart('list-running', { timeoutMs: 2000 });

    const completed = await h.client.listWorkflows({ statuses: ['COMPLETED'] });
    assert.deepEqual(completed.instances.map((s) => s.instanceId).sort(), [0, 1, 2, 3, 4].map((i) => `list-done-${i}`));
    assert.equal(completed.instances[0]!.input, undefined, 'no payloads unless asked');
    const running = await h.client.listWorkflows({ name: 'waitsForEvent' });
    assert.deepEqual(running.instances.map((s) => s.runtimeStatus), ['RUNNING']);
    const withPayloads = await h.client.listWorkflows({ instanceIdPrefix: 'list-done-3', includePayloads: true });
    assert.deepEqual(withPayloads.instances.map((s) => s.output), [3]);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.listWorkflows({ instanceIdPrefix: 'list-', pageSize: 2, continuationToken: token });
      assert.ok(page.instances.length <= 2);
      seen.push(...page.instances.map((s) => s.instanceId));
      token = page.continuationToken;
      pages++;
    } while (token);
    assert.equal(pages >= 3, true);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
  });

  it('getWorkflowHistory returns the committed history in order', async (t) => {
    const h = await startHarness({ workflows: [echo] });
    t.after(() => h.stop());
    await h.run(echo, 'h', 'hist');
    const history = await h.client.getWorkflowHistory('hist');
    assert.deepEqual(eventTypes(history), ['workflowStarted', 'executionStarted', 'executionCompleted']);
    assert.ok(history.every((e) => e.timestamp instanceof Date));
  });
});

describe('e2e: worker stop', () => {
  it('stop lets an in-flight activity finish within the grace period', async (t) => {
    let finished = 0;
    async function work(_ctx: ActivityContext) {
      await sleep(60);
      finished++;
      return 'worked';
    }
    async function wf(ctx: WorkflowContext) {
      return ctx.callActivity(work);
    }
    const h = await startHarness({ workflows: [wf], activities: [work] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(wf, { instanceId: 'graceful' });
    await eventually(() => h.worker.isRunning && h.backend.getWorkflowHistory('graceful').then((e) => e.some((x) => x.type === 'taskScheduled')));
    await sleep(10);
    await h.worker.stop(2000);
    assert.equal(finished, 1);
    // The result reached the inbox; a new worker completes the workflow.
    await h.addWorker();
    const state = await h.client.waitForWorkflowCompletion('graceful', { timeoutMs: 3000 });
    assert.equal(state.output, 'worked');
    assert.equal(finished, 1, 'the activity did not run twice');
  });

  it('an activity still running after the grace period is abandoned and completed by a new worker', async (t) => {
    const runs: string[] = [];
    async function slow(ctx: ActivityContext) {
      runs.push(`attempt ${ctx.deliveryAttempt}`);
      if (ctx.deliveryAttempt === 0) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        throw new Error('aborted by shutdown');
      }
      return 'second worker';
    }
    async function wf(ctx: WorkflowContext) {
      return ctx.callActivity(slow);
    }
    const h = await startHarness({ workflows: [wf], activities: [slow] });
    t.after(() => h.stop());
    await h.client.scheduleNewWorkflow(wf, { instanceId: 'abandoned' });
    await eventually(() => runs.length === 1);
    await h.worker.stop(30);
    await h.addWorker();
    const state = await h.client.waitForWorkflowCompletion('abandoned', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'second worker');
    const history = await h.client.getWorkflowHistory('abandoned');
    assert.equal(history.filter((e) => e.type === 'taskCompleted' || e.type === 'taskFailed').length, 1);
  });

  it('an activity that throws because the stop aborted it is abandoned, not recorded as failed', async (t) => {
    const runs: number[] = [];
    async function interruptible(ctx: ActivityContext) {
      runs.push(ctx.deliveryAttempt);
      if (ctx.deliveryAttempt === 0) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        throw new Error('interrupted by shutdown');
      }
      return 'finished later';
    }
    async function wf(ctx: WorkflowContext) {
      return ctx.callActivity(interruptible);
    }
    const h = await startHarness({ workflows: [wf], activities: [interruptible] });
    t.after(() => h.stop());
    // A backend whose abandon takes a moment, as any backend with I/O does.
    const slowAbandon = Object.create(h.backend) as typeof h.backend;
    slowAbandon.abandonActivityWorkItem = async (item, options) => {
      await sleep(10);
      return h.backend.abandonActivityWorkItem(item, options);
    };
    await h.worker.stop();
    const worker = new Worker({ backend: slowAbandon, workflows: [wf], activities: [interruptible], logger: h.logger, minPollMs: 2, maxPollMs: 50 });
    await worker.start();
    await h.client.scheduleNewWorkflow(wf, { instanceId: 'interrupted' });
    await eventually(() => runs.length === 1);
    await worker.stop(20);
    await h.addWorker();
    const state = await h.client.waitForWorkflowCompletion('interrupted', { timeoutMs: 3000 });
    assert.equal(state.runtimeStatus, 'COMPLETED', JSON.stringify(state.failureDetails));
    assert.equal(state.output, 'finished later');
    assert.deepEqual(runs, [0, 1]);
  });
});
