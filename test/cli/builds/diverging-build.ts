// A build that changed two workflows with live instances: approval audits before it waits (a call where the
// history ends), holder starts a renamed child.
import type { WorkflowContext } from '../../../src/sdk/workflow-context.js';
import { WORKFLOWS } from '../cli-fixture.js';

async function approval(ctx: WorkflowContext) {
  await ctx.callActivity('audit');
  return ctx.waitForExternalEvent('approve');
}

async function holder(ctx: WorkflowContext) {
  await ctx.callChildWorkflow('approvalV2', undefined, { instanceId: `${ctx.instanceId}-child` });
}

export const workflows = { ...WORKFLOWS, approval, holder };
