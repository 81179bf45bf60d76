// Shared by the dashboard's API and browser tests: a task hub with workflows whose timelines have every kind
// of row (activities, a retry, a timer, an event wait, a child, a detached spawn), a failed one with inner
// failures, and a dashboard server on a free loopback port over the same backend as the worker.
import { NonRetriableError } from '../../src/errors.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/dashboard-server.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { startHarness, type Harness } from '../support/harness.js';

export async function reserve(_ctx: ActivityContext, order: { id: string }) {
  return { reserved: order.id };
}

/** Fails its first attempt of each order, so the retry policy runs a second one. */
export function makeCharge(): (ctx: ActivityContext, order: { id: string }) => Promise<string> {
  const attempts = new Map<string, number>();
  return async function charge(_ctx: ActivityContext, order: { id: string }) {
    const n = (attempts.get(order.id) ?? 0) + 1;
    attempts.set(order.id, n);
    if (n === 1) throw new Error(`card declined for ${order.id} (attempt ${n})`);
    return `charged ${order.id}`;
  };
}

export async function ship(ctx: WorkflowContext, order: { id: string }) {
  await ctx.createTimer(5);
  return `shipped ${order.id}`;
}

export async function audit(_ctx: WorkflowContext, order: { id: string }) {
  return `audited ${order.id}`;
}

export async function order(ctx: WorkflowContext, input: { id: string }) {
  ctx.setCustomStatus({ stage: 'reserving' });
  await ctx.callActivity(reserve, input); // source:reserve
  await ctx.callActivity('charge', input, { retry: { maxAttempts: 3, firstRetryIntervalMs: 20 } });
  await ctx.createTimer(15);
  const approval = await ctx.waitForExternalEvent<string>('approval', { timeoutMs: 30 }).catch(() => 'timed out');
  const shipped = await ctx.callChildWorkflow(ship, input);
  ctx.scheduleNewWorkflow(audit, { input, instanceId: `${ctx.instanceId}-audit` });
  ctx.setCustomStatus({ stage: 'done' });
  return { approval, shipped };
}

async function explode(_ctx: ActivityContext) {
  throw new NonRetriableError('the warehouse is on fire', { cause: new Error('smoke detected') });
}

export async function doomed(ctx: WorkflowContext) {
  await ctx.callActivity(explode);
}

/** Runs until told otherwise: for suspend, terminate and live-update tests. */
export async function waiter(ctx: WorkflowContext) {
  await ctx.callChildWorkflow(childWaiter, undefined, { instanceId: `${ctx.instanceId}-child` });
  return ctx.waitForExternalEvent('go');
}

export async function childWaiter(ctx: WorkflowContext) {
  return ctx.waitForExternalEvent('go');
}

export interface DashboardFixture {
  h: Harness;
  dashboard: Dashboard;
  stop(): Promise<void>;
}

export async function startDashboardFixture(options: { readOnly?: boolean } = {}): Promise<DashboardFixture> {
  const h = await startHarness({
    workflows: [order, ship, audit, doomed, waiter, childWaiter],
    activities: { reserve, charge: makeCharge(), explode },
    recordSourceLocations: true,
  });
  const dashboard = await startDashboard({ backend: h.backend, port: 0, readOnly: options.readOnly, version: 'test' });
  return {
    h,
    dashboard,
    async stop() {
      await dashboard.close();
      await h.stop();
    },
  };
}

/** Runs one order to its end and waits for its detached audit too. */
export async function runOrder(h: Harness, id: string): Promise<void> {
  await h.run(order, { id }, id);
  await h.client.waitForWorkflowCompletion(`${id}-audit`, { timeoutMs: 5000 });
}
