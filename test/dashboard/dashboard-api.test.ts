// The dashboard's JSON API over a real server: every endpoint, and every error case with its status and the
// parameter or reason it names (400 bad input, 403 read-only, 404 unknown, 409 refused by the engine's rules).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CountsJson, FamilyJson, HistoryEventJson, InfoJson, InstanceJson, InstancePageJson, TimelineJson } from '../../src/dashboard/api-types.js';
import { eventually } from '../support/harness.js';
import { doomed, runOrder, startDashboardFixture, waiter, type DashboardFixture } from './dashboard-fixture.js';

interface Reply<T = unknown> {
  status: number;
  body: T;
}

function client(base: () => string) {
  const get = async <T>(path: string): Promise<Reply<T>> => {
    const response = await fetch(`${base()}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  const post = async <T>(path: string, body?: unknown, raw?: string): Promise<Reply<T>> => {
    const response = await fetch(`${base()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    return { status: response.status, body: (await response.json()) as T };
  };
  return { get, post };
}

type ErrorReply = { error: { code: string; message: string; parameter?: string } };

function assertError(reply: Reply, status: number, match: RegExp, parameter?: string): void {
  const body = reply.body as ErrorReply;
  assert.equal(reply.status, status, JSON.stringify(body));
  assert.match(body.error.message, match);
  if (parameter !== undefined) assert.equal(body.error.parameter, parameter);
}

describe('dashboard API', () => {
  let f: DashboardFixture;
  const { get, post } = client(() => f.dashboard.url);
  before(async () => {
    f = await startDashboardFixture();
    await runOrder(f.h, 'order-1');
    await runOrder(f.h, 'order-2');
    await f.h.run(doomed, undefined, 'doomed-1');
  });
  after(() => f.stop());

  it('GET /api/info says whether actions are offered', async () => {
    const { status, body } = await get<InfoJson>('/api/info');
    assert.equal(status, 200);
    assert.deepEqual(body, { readOnly: false, version: 'test', actions: ['raise', 'suspend', 'resume', 'terminate', 'purge'] });
  });

  it('GET /api/instances lists newest first and filters by status, name, ID prefix and creation time', async () => {
    const ids = async (query: string) => (await get<InstancePageJson>(`/api/instances${query}`)).body.instances.map((i) => i.instanceId);
    const all = (await get<InstancePageJson>('/api/instances')).body.instances;
    const created = all.map((i) => Date.parse(i.createdAt));
    assert.deepEqual(created, [...created].sort((a, b) => b - a), 'newest first');
    assert.equal(all[0]?.instanceId, 'doomed-1');
    assert.deepEqual(await ids('?status=FAILED'), ['doomed-1']);
    assert.deepEqual(await ids('?status=failed,completed&name=order'), ['order-2', 'order-1']);
    assert.deepEqual(await ids('?instanceIdPrefix=order-1-'), ['order-1-audit']);
    assert.deepEqual((await ids('?instanceIdPrefix=order-1')).map((id) => id.replace(/:.*/, ':child')), ['order-1-audit', 'order-1:child', 'order-1']);
    const order2 = all.find((i) => i.instanceId === 'order-2')!;
    assert.deepEqual(await ids(`?name=order&createdFrom=${encodeURIComponent(order2.createdAt)}`), ['order-2']);
    assert.deepEqual(await ids(`?name=order&createdTo=${encodeURIComponent(order2.createdAt)}`), ['order-2', 'order-1']);
    assert.equal(all.find((i) => i.instanceId === 'order-1')?.serializedInput, undefined, 'the list carries no payloads');
  });

  it('GET /api/instances pages with continuationToken, each instance once', async () => {
    const total = (await get<InstancePageJson>('/api/instances?pageSize=500')).body.instances.map((i) => i.instanceId);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const { body } = await get<InstancePageJson>(`/api/instances?pageSize=2${token ? `&continuationToken=${token}` : ''}`);
      assert.ok(body.instances.length <= 2);
      seen.push(...body.instances.map((i) => i.instanceId));
      token = body.continuationToken;
    } while (token);
    assert.deepEqual(seen, total);
    assert.ok(total.length >= 7);
  });

  it('GET /api/instances answers 400 naming the bad parameter', async () => {
    assertError(await get('/api/instances?status=BOGUS'), 400, /'BOGUS' is not a status/, 'status');
    assertError(await get('/api/instances?createdFrom=yesterday'), 400, /not an ISO 8601/, 'createdFrom');
    assertError(await get('/api/instances?createdTo=13/13/2025'), 400, /not an ISO 8601/, 'createdTo');
    assertError(await get('/api/instances?createdFrom=2025-02-01&createdTo=2025-01-01'), 400, /after createdTo/, 'createdFrom');
    assertError(await get('/api/instances?pageSize=0'), 400, /from 1 to 500/, 'pageSize');
    assertError(await get('/api/instances?pageSize=many'), 400, /from 1 to 500/, 'pageSize');
    assertError(await get('/api/instances?pageSize=501'), 400, /from 1 to 500/, 'pageSize');
    assertError(await get('/api/instances?continuationToken=nonsense'), 400, /not a token/, 'continuationToken');
    assertError(await get('/api/instances?stauts=RUNNING'), 400, /is not a parameter/, 'stauts');
  });

  it('GET /api/counts counts per status under the same filters, and refuses a status filter', async () => {
    const { status, body } = await get<CountsJson>('/api/counts');
    assert.equal(status, 200);
    assert.equal(body.counts.FAILED, 1);
    assert.equal(body.counts.COMPLETED, 6);
    assert.equal(body.total, Object.values(body.counts).reduce((a, b) => a + b, 0));
    assert.deepEqual((await get<CountsJson>('/api/counts?name=order')).body, { counts: { COMPLETED: 2 }, total: 2 });
    assert.deepEqual((await get<CountsJson>('/api/counts?instanceIdPrefix=nobody')).body, { counts: {}, total: 0 });
    assertError(await get('/api/counts?status=RUNNING'), 400, /is not a parameter/, 'status');
    assertError(await get('/api/counts?createdTo=soon'), 400, /not an ISO 8601/, 'createdTo');
  });

  it('GET /api/instances/:id returns the state with payloads, tags and the failure chain; 404 when unknown', async () => {
    const { status, body } = await get<InstanceJson>('/api/instances/order-1');
    assert.equal(status, 200);
    assert.equal(body.runtimeStatus, 'COMPLETED');
    assert.deepEqual(JSON.parse(body.serializedInput!), { id: 'order-1' });
    assert.deepEqual(JSON.parse(body.serializedOutput!), { approval: 'timed out', shipped: 'shipped order-1' });
    assert.deepEqual(JSON.parse(body.serializedCustomStatus!), { stage: 'done' });
    assert.ok(body.completedAt && body.startedAt && body.lastUpdatedAt);
    const failed = (await get<InstanceJson>('/api/instances/doomed-1')).body;
    assert.equal(failed.runtimeStatus, 'FAILED');
    assert.match(failed.failureDetails!.errorMessage, /warehouse is on fire/);
    assert.ok(failed.failureDetails!.stackTrace);
    assertError(await get('/api/instances/no-such-instance'), 404, /'no-such-instance' not found/);
  });

  it('GET /api/instances/:id/history returns every event with its index; 404 when unknown', async () => {
    const { status, body } = await get<HistoryEventJson[]>('/api/instances/order-1/history');
    assert.equal(status, 200);
    assert.deepEqual(body.map((e) => e.index), body.map((_, i) => i));
    assert.equal(body[0]?.type, 'workflowStarted');
    assert.ok(body.some((e) => e.type === 'detachedWorkflowInstanceCreated' && e['instanceId'] === 'order-1-audit'));
    assertError(await get('/api/instances/nobody/history'), 404, /'nobody' not found/);
  });

  it('GET /api/instances/:id/timeline has activities with attempts and a retry, a timer, an event wait, a child and a detached spawn', async () => {
    const { status, body } = await get<TimelineJson>('/api/instances/order-1/timeline');
    assert.equal(status, 200);
    assert.equal(body.finished, true);
    const rows = new Map(body.rows.map((r) => [r.label, r]));
    assert.deepEqual(body.rows.map((r) => r.kind), ['activity', 'activity', 'timer', 'event', 'child', 'detached']);
    assert.deepEqual(rows.get('reserve')?.segments.map((s) => [s.kind, s.outcome]), [['attempt', 'completed']]);
    const charge = rows.get('charge')!;
    assert.deepEqual(charge.segments.map((s) => [s.kind, s.outcome]), [['attempt', 'failed'], ['retryDelay', 'fired'], ['attempt', 'completed']]);
    assert.match(charge.segments[0]!.detail!, /card declined for order-1/);
    assert.deepEqual(rows.get('timer')?.segments.map((s) => s.outcome), ['fired']);
    assert.deepEqual(rows.get('wait for approval')?.segments.map((s) => [s.kind, s.outcome]), [['wait', 'timedOut']]);
    const child = rows.get('ship')!;
    assert.equal(child.segments[0]?.outcome, 'completed');
    assert.match(child.segments[0]!.instanceId!, /^order-1:/);
    assert.deepEqual(rows.get('spawn order-1-audit')?.segments.map((s) => [s.kind, s.instanceId]), [['spawn', 'order-1-audit']]);
    // Each segment names its events: an attempt is its taskScheduled and its result.
    const history = (await get<HistoryEventJson[]>('/api/instances/order-1/history')).body;
    assert.deepEqual(charge.segments[0]!.events.map((i) => history[i]?.type), ['taskScheduled', 'taskFailed']);
    assert.deepEqual(charge.segments[1]!.events.map((i) => history[i]?.type), ['timerCreated', 'timerFired']);
    // The worker records where each call was made: the fixture's line of the reserve call.
    const fixture = fileURLToPath(new URL('./dashboard-fixture.js', import.meta.url));
    const line = readFileSync(fixture, 'utf8').split('\n').findIndex((l) => l.includes('// source:reserve')) + 1;
    assert.deepEqual(rows.get('reserve')?.source && [rows.get('reserve')!.source!.file, rows.get('reserve')!.source!.line], [fixture, line]);
    assert.ok(body.rows.every((r) => r.source?.file === fixture), 'every call has its source');
    assertError(await get('/api/instances/nobody/timeline'), 404, /'nobody' not found/);
  });

  it('GET /api/instances/:id/family links children as owned and detached spawns as spawned, from any member; 404 when unknown', async () => {
    const { status, body } = await get<FamilyJson>('/api/instances/order-1/family');
    assert.equal(status, 200);
    assert.equal(body.root, 'order-1');
    const child = body.edges.find((e) => e.kind === 'child');
    assert.equal(child?.from, 'order-1');
    assert.match(child!.to, /^order-1:/);
    assert.deepEqual(body.edges.filter((e) => e.kind === 'detached'), [{ from: 'order-1', to: 'order-1-audit', kind: 'detached' }]);
    assert.deepEqual(body.nodes.map((n) => [n.instanceId === child!.to ? 'child' : n.instanceId, n.runtimeStatus]), [
      ['order-1', 'COMPLETED'],
      ['child', 'COMPLETED'],
      ['order-1-audit', 'COMPLETED'],
    ]);
    // From the child, the walk climbs to the same root.
    assert.equal((await get<FamilyJson>(`/api/instances/${encodeURIComponent(child!.to)}/family`)).body.root, 'order-1');
    assertError(await get('/api/instances/nobody/family'), 404, /'nobody' not found/);
  });

  it('POST raise delivers an event; 400 without a name or with a bad body, 404 unknown, 409 finished', async () => {
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'raise-1' });
    await f.h.client.waitForWorkflowStart('raise-1', { timeoutMs: 5000 });
    assertError(await post('/api/instances/raise-1/raise', { data: 1 }), 400, /event name is required/, 'name');
    assertError(await post('/api/instances/raise-1/raise', { name: 7 }), 400, /must be a string/, 'name');
    assertError(await post('/api/instances/raise-1/raise', undefined, '{not json'), 400, /not valid JSON/, 'body');
    assertError(await post('/api/instances/raise-1/raise', [1]), 400, /must be a JSON object/, 'body');
    assertError(await post('/api/instances/nobody/raise', { name: 'go' }), 404, /'nobody' not found/);
    assertError(await post('/api/instances/order-1/raise', { name: 'go' }), 409, /cannot raise an event on workflow instance 'order-1': it is COMPLETED/);
    await post('/api/instances/raise-1-child/raise', { name: 'go' });
    const reply = await post<{ message: string }>('/api/instances/raise-1/raise', { name: 'go', data: { ok: true } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.message, "raised event 'go' on raise-1");
    const done = await f.h.client.waitForWorkflowCompletion('raise-1', { timeoutMs: 5000 });
    assert.deepEqual(done.output, { ok: true });
  });

  it('POST suspend and resume change the status; 404 unknown, 409 finished, 400 a non-string reason', async () => {
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'pause-1' });
    await f.h.client.waitForWorkflowStart('pause-1', { timeoutMs: 5000 });
    assertError(await post('/api/instances/pause-1/suspend', { reason: 5 }), 400, /must be a string/, 'reason');
    assert.equal((await post('/api/instances/pause-1/suspend', { reason: 'maintenance' })).status, 200);
    await eventually(async () => (await f.h.client.getWorkflowState('pause-1'))?.runtimeStatus === 'SUSPENDED');
    assert.equal((await post('/api/instances/pause-1/resume', {})).status, 200);
    await eventually(async () => (await f.h.client.getWorkflowState('pause-1'))?.runtimeStatus === 'RUNNING');
    assertError(await post('/api/instances/nobody/suspend'), 404, /not found/);
    assertError(await post('/api/instances/nobody/resume'), 404, /not found/);
    assertError(await post('/api/instances/order-1/suspend'), 409, /cannot suspend workflow instance 'order-1': it is COMPLETED/);
    assertError(await post('/api/instances/order-1/resume'), 409, /cannot resume workflow instance 'order-1': it is COMPLETED/);
  });

  it('POST terminate ends the instance, recursively unless told not to; 400 a non-boolean recursive, 404 unknown, 409 finished', async () => {
    for (const id of ['term-1', 'term-2']) {
      await f.h.client.scheduleNewWorkflow(waiter, { instanceId: id });
      await eventually(async () => (await f.h.client.getWorkflowState(`${id}-child`))?.runtimeStatus === 'RUNNING', 5000);
    }
    assertError(await post('/api/instances/term-1/terminate', { recursive: 'yes' }), 400, /must be true or false/, 'recursive');
    assert.equal((await post('/api/instances/term-1/terminate', { output: 'stop' })).status, 200);
    const reply = await post<{ message: string }>('/api/instances/term-2/terminate', { recursive: false });
    assert.equal(reply.body.message, 'terminate requested for term-2 (children left running)');
    assert.equal((await f.h.client.waitForWorkflowCompletion('term-1', { timeoutMs: 5000 })).runtimeStatus, 'TERMINATED');
    assert.equal((await f.h.client.waitForWorkflowCompletion('term-1-child', { timeoutMs: 5000 })).runtimeStatus, 'TERMINATED');
    assert.equal((await f.h.client.waitForWorkflowCompletion('term-2', { timeoutMs: 5000 })).runtimeStatus, 'TERMINATED');
    assert.equal((await f.h.client.getWorkflowState('term-2-child'))?.runtimeStatus, 'RUNNING');
    assertError(await post('/api/instances/nobody/terminate'), 404, /not found/);
    assertError(await post('/api/instances/term-1/terminate'), 409, /cannot terminate workflow instance 'term-1': it is TERMINATED/);
    await f.h.client.terminateWorkflow('term-2-child');
  });

  it('POST purge deletes a finished instance with its children; 404 unknown, 409 live', async () => {
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'purge-1' });
    await eventually(async () => (await f.h.client.getWorkflowState('purge-1-child'))?.runtimeStatus === 'RUNNING', 5000);
    assertError(await post('/api/instances/purge-1/purge'), 409, /cannot purge workflow instance 'purge-1': it is RUNNING/);
    await f.h.client.terminateWorkflow('purge-1');
    await f.h.client.waitForWorkflowCompletion('purge-1-child', { timeoutMs: 5000 });
    await f.h.client.waitForWorkflowCompletion('purge-1', { timeoutMs: 5000 });
    assertError(await post('/api/instances/purge-1/purge', { recursive: 1 }), 400, /must be true or false/, 'recursive');
    const reply = await post<{ purged: number }>('/api/instances/purge-1/purge', {});
    assert.equal(reply.status, 200);
    assert.equal(reply.body.purged, 2);
    assertError(await get('/api/instances/purge-1'), 404, /not found/);
    assertError(await post('/api/instances/purge-1/purge'), 404, /'purge-1' not found/);
  });

  it('POST rewind runs the failed activity of a failed instance again; 409 when it is not FAILED, 404 unknown', async () => {
    const before = (await f.h.client.getWorkflowState('doomed-1'))!.completedAt!.getTime();
    assertError(await post('/api/instances/order-1/rewind'), 409, /FAILED/);
    assertError(await post('/api/instances/nobody/rewind'), 404, /not found/);
    assertError(await post('/api/instances/doomed-1/rewind', { reason: 3 }), 400, /must be a string/, 'reason');
    const reply = await post<{ message: string }>('/api/instances/doomed-1/rewind', { reason: 'fixed' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    // The activity still explodes, so the instance fails again, later, with the rewind in its history.
    await eventually(async () => {
      const state = await f.h.client.getWorkflowState('doomed-1');
      return state?.runtimeStatus === 'FAILED' && state.completedAt!.getTime() > before;
    }, 10_000);
    assert.ok((await f.h.client.getWorkflowHistory('doomed-1')).some((e) => e.type === 'executionRewound'));
  });

  it('POST restart starts again from the original input, under a new ID or the same; 409 for a live ID, 404 unknown', async () => {
    const reply = await post<{ instanceId: string }>('/api/instances/order-2/restart', { newInstanceId: 'order-2-again' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.instanceId, 'order-2-again');
    const again = await f.h.client.waitForWorkflowCompletion('order-2-again', { timeoutMs: 10_000 });
    assert.equal(again.runtimeStatus, 'COMPLETED');
    assert.deepEqual(again.input, { id: 'order-2' });
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'restart-live' });
    await f.h.client.waitForWorkflowStart('restart-live', { timeoutMs: 5000 });
    assertError(await post('/api/instances/restart-live/restart', {}), 409, /restart-live/);
    assertError(await post('/api/instances/nobody/restart', {}), 404, /not found/);
    await f.h.client.terminateWorkflow('restart-live');
  });

  it('GET /api/workers lists the live workers with what they serve', async () => {
    const reply = await get<{ workers: { workflows: string[]; activities: string[]; pid: number }[] }>('/api/workers');
    assert.equal(reply.status, 200);
    const mine = reply.body.workers.find((w) => w.pid === process.pid);
    assert.ok(mine, 'the worker of this process announced itself');
    assert.ok(mine.workflows.includes('order') && mine.activities.includes('reserve'), JSON.stringify(mine));
  });

  it('GET /api/events streams a change when an instance changes status', async () => {
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'live-1' });
    await f.h.client.waitForWorkflowStart('live-1', { timeoutMs: 5000 });
    const controller = new AbortController();
    const response = await fetch(`${f.dashboard.url}/api/events`, { signal: controller.signal });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: ready/);
    await post('/api/instances/live-1/terminate', { recursive: true });
    await readUntil(/event: change\ndata: \{"instanceId":"live-1","runtimeStatus":"TERMINATED"\}/);
    controller.abort();
  });

  it('serves the page and its assets with a same-origin content policy; unknown routes are JSON 404s', async () => {
    const page = await fetch(`${f.dashboard.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await page.text();
    assert.match(html, /<script type="module" src="\/assets\/app.js">/);
    assert.doesNotMatch(html, /https?:\/\//, 'nothing is fetched from elsewhere');
    const js = await fetch(`${f.dashboard.url}/assets/app.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await js.text()).length > 1000);
    assert.equal((await fetch(`${f.dashboard.url}/assets/app.css`)).status, 200);
    assertError(await get('/assets/evil.js'), 404, /no asset named 'evil.js'/);
    assertError(await get('/api/nothing'), 404, /no route GET \/api\/nothing/);
  });
});

describe('dashboard API, read-only', () => {
  let f: DashboardFixture;
  const { get, post } = client(() => f.dashboard.url);
  before(async () => {
    f = await startDashboardFixture({ readOnly: true });
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'ro-1' });
    await f.h.client.waitForWorkflowStart('ro-1', { timeoutMs: 5000 });
  });
  after(() => f.stop());

  it('offers no actions and refuses every one with 403, changing nothing; reads still work', async () => {
    assert.deepEqual((await get<InfoJson>('/api/info')).body, { readOnly: true, version: 'test', actions: [] });
    for (const [verb, body] of [['raise', { name: 'go' }], ['suspend', {}], ['resume', {}], ['terminate', {}], ['purge', {}]] as const) {
      assertError(await post(`/api/instances/ro-1/${verb}`, body), 403, /read-only/);
    }
    assertError(await post('/api/instances/nobody/terminate'), 403, /read-only/);
    assert.equal((await get<InstanceJson>('/api/instances/ro-1')).body.runtimeStatus, 'RUNNING');
    assert.equal((await f.h.client.getWorkflowHistory('ro-1')).filter((e) => e.type === 'executionSuspended' || e.type === 'executionTerminated').length, 0);
    assert.equal((await get<InstancePageJson>('/api/instances')).status, 200);
  });
});
