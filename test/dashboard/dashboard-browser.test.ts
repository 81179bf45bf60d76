// The dashboard page in real headless Chromium: the list and its filters, an instance's timeline, its family
// with the detached link drawn distinctly, terminate with the list updating live, and read-only mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { doomed, runOrder, startDashboardFixture, waiter, type DashboardFixture } from './dashboard-fixture.js';

/** The page's globals, for code that runs in the browser (the tests compile without the DOM library). */
type Win = {
  document: { querySelectorAll(selector: string): { length: number }; body: object };
  getComputedStyle(element: object): { strokeDasharray: string; stroke: string; backgroundColor: string };
  marker?: number;
};
/** A predicate for waitForFunction (a function, not a string: the page's CSP forbids eval). */
const rowCount = (n: number) => [(count: number) => (globalThis as unknown as Win).document.querySelectorAll('table.instances tbody tr[data-instance]').length === count, n] as const;

describe('dashboard in Chromium', () => {
  let f: DashboardFixture;
  let browser: Browser;
  before(async () => {
    f = await startDashboardFixture();
    await runOrder(f.h, 'order-1');
    await f.h.run(doomed, undefined, 'doomed-1');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('the list shows every instance newest first with counts, and filters by status and name', async () => {
    const page = await browser.page();
    await page.goto(`${f.dashboard.url}/#/`);
    const rows = page.locator('table.instances tbody tr[data-instance]');
    await rows.first().waitFor();
    await page.locator('.chip[data-count="all"] b', { hasText: '4' }).waitFor();
    assert.equal(await rows.count(), 4);
    assert.equal(await rows.first().getAttribute('data-instance'), 'doomed-1');
    assert.equal(await page.locator('.chip[data-count="COMPLETED"] b').textContent(), '3');
    assert.equal(await page.locator('.chip[data-count="FAILED"] b').textContent(), '1');
    await screenshot(page, 'list');

    await page.locator('.chip[data-count="FAILED"]').click();
    await page.waitForFunction(...rowCount(1));
    assert.equal(await rows.first().getAttribute('data-instance'), 'doomed-1');
    assert.match(page.url(), /status=FAILED/);
    await screenshot(page, 'list-filtered-status');

    await page.locator('.chip[data-count="FAILED"]').click(); // off again
    await page.locator('input[name="name"]').fill('ship');
    await page.locator('input[name="name"]').press('Enter');
    await page.waitForFunction(...rowCount(1));
    assert.match((await rows.first().getAttribute('data-instance')) ?? '', /^order-1:/);
    await page.locator('input[name="instanceIdPrefix"]').fill('nobody');
    await page.locator('input[name="instanceIdPrefix"]').press('Enter');
    await page.locator('td.empty').waitFor();
    await screenshot(page, 'list-filtered-empty');
    await page.close();
  });

  it('an instance page draws the timeline: activities, a retry, a timer, an event wait, a child and a detached spawn', async () => {
    const page = await browser.page();
    await page.goto(`${f.dashboard.url}/#/instances/order-1`);
    await page.locator('.gantt .g-row[data-row-kind]').first().waitFor();
    const kinds = await page.locator('.gantt .g-row[data-row-kind]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-kind')));
    assert.deepEqual(kinds, ['activity', 'activity', 'timer', 'event', 'child', 'detached']);
    const charge = page.locator('.g-row', { hasText: 'charge' });
    assert.equal(await charge.locator('.bar[data-kind="attempt"]').count(), 2);
    assert.equal(await charge.locator('.bar[data-kind="retryDelay"]').count(), 1);
    assert.equal(await charge.locator('.bar[data-outcome="failed"]').count(), 1);
    assert.match((await charge.textContent()) ?? '', /2 attempts/);
    assert.equal(await page.locator('.g-row[data-row-kind="timer"] .bar[data-outcome="fired"]').count(), 1);
    assert.equal(await page.locator('.g-row[data-row-kind="event"] .bar[data-outcome="timedOut"]').count(), 1);
    assert.equal(await page.locator('.g-row[data-row-kind="child"] .bar[data-outcome="completed"]').count(), 1);
    assert.equal(await page.locator('.g-row[data-row-kind="detached"] .bar[data-kind="spawn"]').count(), 1);
    // Bars lie on one time axis: the first attempt of charge starts before its retry delay.
    const [failedBox, retryBox] = [await charge.locator('.bar[data-outcome="failed"]').boundingBox(), await charge.locator('.bar[data-kind="retryDelay"]').boundingBox()];
    assert.ok(failedBox && retryBox && failedBox.x <= retryBox.x);
    // Each row shows where its call was made.
    assert.match((await page.locator('.g-row[data-row-kind="child"] [data-source]').textContent()) ?? '', /^dashboard-fixture\.js:\d+$/);
    assert.match((await charge.locator('.bar[data-outcome="failed"]').getAttribute('title')) ?? '', /dashboard-fixture\.js:\d+/);
    // The instance's facts and payloads.
    assert.match((await page.locator('[data-payload="Output"] pre').textContent()) ?? '', /"shipped": "shipped order-1"/);
    assert.match((await page.locator('.instance-head').textContent()) ?? '', /completed/);

    await screenshot(page, 'instance-overview', { fullPage: false });

    // A bar opens the history events behind it.
    await charge.locator('.bar[data-outcome="failed"]').click();
    const panel = page.locator('.segment-events');
    await panel.waitFor();
    assert.match((await panel.textContent()) ?? '', /taskScheduled[\s\S]*taskFailed/);
    assert.match((await panel.textContent()) ?? '', /card declined for order-1/);
    await screenshot(page, 'instance-timeline');

    // The raw history is one click away.
    await page.locator('button', { hasText: 'Raw history' }).click();
    await page.locator('table.history tbody tr.ev').first().waitFor();
    assert.ok((await page.locator('table.history tbody tr.ev').count()) > 10);
    await screenshot(page, 'instance-history');

    const failed = await browser.page();
    await failed.goto(`${f.dashboard.url}/#/instances/doomed-1`);
    await failed.locator('.failure').waitFor();
    assert.match((await failed.locator('.failure').textContent()) ?? '', /warehouse is on fire/);
    await screenshot(failed, 'instance-failed');
    await failed.close();
    await page.close();
  });

  it('the family view links the child solidly and the detached spawn with a dashed edge', async () => {
    const page = await browser.page();
    await page.goto(`${f.dashboard.url}/#/instances/order-1?tab=family`);
    await page.locator('svg.tree path[data-edge]').first().waitFor();
    const edges = await page.locator('svg.tree path[data-edge]').evaluateAll((paths) =>
      paths.map((p) => ({ kind: p.getAttribute('data-edge'), to: p.getAttribute('data-to'), dash: (globalThis as unknown as Win).getComputedStyle(p).strokeDasharray, stroke: (globalThis as unknown as Win).getComputedStyle(p).stroke })),
    );
    const child = edges.find((e) => e.kind === 'child');
    const detached = edges.find((e) => e.kind === 'detached');
    assert.equal(edges.length, 2);
    assert.match(child?.to ?? '', /^order-1:/);
    assert.equal(detached?.to, 'order-1-audit');
    assert.equal(child?.dash, 'none');
    assert.notEqual(detached?.dash, 'none');
    assert.notEqual(detached?.stroke, child?.stroke);
    assert.equal(await page.locator('svg.tree a[data-node]').count(), 3);
    await screenshot(page, 'instance-family');
    // A node opens its page.
    await page.locator('svg.tree a[data-node="order-1-audit"]').click();
    await page.waitForURL(/instances\/order-1-audit/);
    await page.locator('.instance-head', { hasText: 'audit' }).waitFor();
    await page.close();
  });

  it('terminate asks for confirmation, reports a refusal, and the open list updates live', async () => {
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'live-1' });
    await f.h.client.waitForWorkflowStart('live-1', { timeoutMs: 5000 });
    const list = await browser.page();
    await list.goto(`${f.dashboard.url}/#/`);
    const badge = list.locator('tr[data-instance="live-1"] .badge');
    await badge.waitFor();
    assert.equal(await badge.getAttribute('data-status'), 'RUNNING');
    await list.evaluate(() => ((globalThis as unknown as Win).marker = 42));

    const page = await browser.page();
    await page.goto(`${f.dashboard.url}/#/instances/live-1`);
    await page.locator('button[data-action="terminate"]').click();
    const dialog = page.locator('[role="dialog"]');
    await dialog.waitFor();
    assert.equal(await dialog.locator('input[name="recursive"]').isChecked(), true);
    await screenshot(page, 'terminate-confirm');
    // Bad output JSON is refused in the dialog, and nothing is sent.
    await dialog.locator('textarea[name="output"]').fill('{oops');
    await dialog.locator('button[data-confirm="terminate"]').click();
    await dialog.locator('.error', { hasText: 'Output is not valid JSON' }).waitFor();
    assert.equal((await f.h.client.getWorkflowState('live-1'))?.runtimeStatus, 'RUNNING');
    await dialog.locator('textarea[name="output"]').fill('"stopped from the dashboard"');
    await dialog.locator('button[data-confirm="terminate"]').click();
    await page.locator('.notice', { hasText: 'terminate requested for live-1' }).waitFor();
    await page.locator('.instance-head .badge[data-status="TERMINATED"]').waitFor();

    // The list, never reloaded, shows the new status.
    await list.locator('tr[data-instance="live-1"] .badge[data-status="TERMINATED"]').waitFor();
    assert.equal(await list.evaluate(() => (globalThis as unknown as Win).marker), 42);
    await list.locator('.chip[data-count="TERMINATED"] b', { hasText: '2' }).waitFor(); // live-1 and its child
    await screenshot(list, 'list-after-terminate');

    // Purge is offered now; a refused action shows the server's reason: purge the child while the page is stale.
    await page.locator('button[data-action="purge"]').waitFor();
    await f.h.client.purgeWorkflow('live-1');
    await page.locator('button[data-action="purge"]').click();
    await dialog.locator('button[data-confirm="purge"]').click();
    await dialog.locator('.error', { hasText: "workflow instance 'live-1' not found" }).waitFor();
    await screenshot(page, 'action-refused');
    await page.close();
    await list.close();
  });

  it('looks right in dark mode too', async () => {
    const dark = await launchBrowser({ colorScheme: 'dark' });
    try {
      const page = await dark.page();
      await page.goto(`${f.dashboard.url}/#/instances/order-1`);
      await page.locator('.gantt .g-row[data-row-kind]').first().waitFor();
      const background = await page.evaluate(() => { const w = globalThis as unknown as Win; return w.getComputedStyle(w.document.body).backgroundColor; });
      assert.equal(background, 'rgb(15, 17, 21)');
      await screenshot(page, 'instance-timeline-dark');
    } finally {
      await dark.close();
    }
  });
});

describe('dashboard in Chromium, read-only', () => {
  let f: DashboardFixture;
  let browser: Browser;
  before(async () => {
    f = await startDashboardFixture({ readOnly: true });
    await f.h.client.scheduleNewWorkflow(waiter, { instanceId: 'ro-1' });
    await f.h.client.waitForWorkflowStart('ro-1', { timeoutMs: 5000 });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('shows no actions, says it is read-only, and the server refuses an action sent anyway', async () => {
    const page = await browser.page();
    await page.goto(`${f.dashboard.url}/#/instances/ro-1`);
    await page.locator('.instance-head .badge[data-status="RUNNING"]').waitFor();
    await page.locator('.top .ro', { hasText: 'read-only' }).waitFor();
    assert.equal(await page.locator('button[data-action]').count(), 0);
    const reply = await page.evaluate(async () => {
      const response = await fetch('/api/instances/ro-1/terminate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: response.status, body: (await response.json()) as { error: { message: string } } };
    });
    assert.equal(reply.status, 403);
    assert.match(reply.body.error.message, /read-only/);
    assert.equal((await f.h.client.getWorkflowState('ro-1'))?.runtimeStatus, 'RUNNING');
    await screenshot(page, 'read-only');
    await page.close();
  });
});
