// The workflows and activities the scenarios run. Activities are trivial so the engine's cost shows.
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';

export function echo(_ctx: ActivityContext, input: string): string {
  return `ok:${input}`;
}

export function one(_ctx: ActivityContext, input: number): number {
  return input;
}

/** Three sequential activities returning a short string. */
export async function sequence3(ctx: WorkflowContext): Promise<string> {
  const a = await ctx.callActivity(echo, 'a');
  const b = await ctx.callActivity(echo, 'b');
  const c = await ctx.callActivity(echo, 'c');
  return `${a}${b}${c}`;
}

/** `count` activities at once, summed. */
export async function fanOut(ctx: WorkflowContext, count: number): Promise<number> {
  const tasks = Array.from({ length: count }, (_, i) => ctx.callActivity(one, i));
  const results = await ctx.whenAll(tasks);
  return results.reduce((sum, x) => sum + x, 0);
}

/** `count` activities one after another. */
export async function longChain(ctx: WorkflowContext, count: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += await ctx.callActivity(one, 1);
  return sum;
}

/** Starts `count` detached workflows (IDs `<own id>-d<i>`), each running one activity, and returns at once. */
export async function spawner(ctx: WorkflowContext, count: number): Promise<number> {
  for (let i = 0; i < count; i++) ctx.scheduleNewWorkflow(single, { instanceId: `${ctx.instanceId}-d${i}`, input: i });
  return count;
}

export async function single(ctx: WorkflowContext, input: number): Promise<number> {
  return ctx.callActivity(one, input);
}

/** Waits on a timer of `delayMs` and returns how late the workflow saw it fire (ms). */
export async function sleeper(ctx: WorkflowContext, delayMs: number): Promise<number> {
  const fireAt = ctx.currentUtcDateTime.getTime() + delayMs;
  await ctx.createTimer(new Date(fireAt));
  // currentUtcDateTime is now the start of the turn that received TimerFired: when the workflow observed it.
  return ctx.currentUtcDateTime.getTime() - fireAt;
}

/** Blocks on an external event and returns its data doubled (so a wrong resume is visible). */
export async function waiter(ctx: WorkflowContext): Promise<number> {
  const value = await ctx.waitForExternalEvent<number>('go');
  return value * 2;
}

export const allWorkflows = { sequence3, fanOut, longChain, spawner, single, sleeper, waiter };
export const allActivities = { echo, one };
