// The example application's workflows and activities: an order pipeline (activity sequence), a price
// check over many items (fan-out/fan-in), a shipment with a retry policy, and a detached audit workflow
// that the order starts and forgets.
import type { ActivityContext, WorkflowContext } from '../src/index.js';

export interface Order {
  id: string;
  items: string[];
}

export async function reserveStock(_ctx: ActivityContext, order: Order): Promise<string> {
  return `reserved ${order.items.length} item(s) for ${order.id}`;
}

export async function chargeCard(_ctx: ActivityContext, order: Order): Promise<string> {
  return `charged card for ${order.id}`;
}

export async function priceItem(_ctx: ActivityContext, item: string): Promise<number> {
  let cents = 0;
  for (const ch of item) cents += ch.charCodeAt(0);
  return cents;
}

/** Fails on the first delivery of each call to show retries (taskExecutionId is stable across attempts). */
export function makeShipActivity(): (ctx: ActivityContext, order: Order) => Promise<string> {
  const seen = new Set<string>();
  return async function ship(ctx, order) {
    if (!seen.has(ctx.taskExecutionId)) {
      seen.add(ctx.taskExecutionId);
      throw new Error(`carrier busy for ${order.id}`);
    }
    return `shipped ${order.id}`;
  };
}

export async function writeAuditRecord(_ctx: ActivityContext, entry: string): Promise<string> {
  return `audit: ${entry}`;
}

/** Detached: started by processOrder, never reported back to it. */
export async function auditOrder(ctx: WorkflowContext, orderId: string): Promise<string> {
  await ctx.createTimer(20);
  return ctx.callActivity(writeAuditRecord, `order ${orderId} processed`);
}

/** Sums the price of every item, all priced at once. */
export async function priceOrder(ctx: WorkflowContext, items: string[]): Promise<number> {
  const prices = await ctx.whenAll(items.map((item) => ctx.callActivity(priceItem, item)));
  return prices.reduce((sum, p) => sum + p, 0);
}

export async function processOrder(ctx: WorkflowContext, order: Order) {
  ctx.setCustomStatus('reserving');
  const reserved = await ctx.callActivity(reserveStock, order);
  const total = await ctx.callChildWorkflow(priceOrder, order.items);
  ctx.setCustomStatus('charging');
  const charged = await ctx.callActivity(chargeCard, order);
  const shipped = await ctx.callActivity<Order, string>('ship', order, { retry: { maxAttempts: 3, firstRetryIntervalMs: 50 } });
  const auditId = ctx.scheduleNewWorkflow(auditOrder, { input: order.id });
  ctx.setCustomStatus('done');
  return { reserved, total, charged, shipped, auditId };
}
