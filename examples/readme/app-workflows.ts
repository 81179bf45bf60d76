import type { ActivityContext, WorkflowContext } from 'durabletask-ts';

const DAY = 24 * 60 * 60 * 1000;

export async function sendReminder(_ctx: ActivityContext, email: string): Promise<string> {
  throw new Error(`the real mail service would write to ${email}`);
}

export async function trial(ctx: WorkflowContext, email: string): Promise<string> {
  try {
    await ctx.waitForExternalEvent('subscribed', { timeoutMs: 30 * DAY });
    return 'subscribed';
  } catch {
    return ctx.callActivity(sendReminder, email);
  }
}

// What `durabletask check-replay --workflows` loads: the build's registry, no worker, no connection.
export const workflows = [trial];
export const activities = [sendReminder];
