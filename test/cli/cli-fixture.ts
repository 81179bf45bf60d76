// Fills a SQLite task hub for the CLI tests with real runs of the engine: a completed parent with an
// activity, a child and a detached workflow; a failed workflow; instances waiting for an event.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../src/backends/backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real binary (dist/src/cli/main.js) in a child process. */
export function cli(db: string, ...args: string[]): CliResult {
  return run('--db', db, ...args);
}

export function run(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, DURABLETASK_DB: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const greet = (_ctx: ActivityContext, name: string) => `Hello, ${name}`;
const charge = (_ctx: ActivityContext, amount: number) => {
  throw new Error(`card declined for ${amount}`, { cause: new TypeError('issuer said no') });
};

async function greeter(ctx: WorkflowContext, name: string) {
  return ctx.callActivity(greet, name);
}

async function report(_ctx: WorkflowContext, input: { from: string }) {
  return `report for ${input.from}`;
}

async function parent(ctx: WorkflowContext, name: string) {
  const first = await ctx.callActivity(greet, name);
  const second = await ctx.callChildWorkflow(greeter, `${name} jr`, { instanceId: 'parent-1-child' });
  ctx.scheduleNewWorkflow(report, { instanceId: 'report-1', input: { from: ctx.instanceId } });
  return [first, second];
}

async function payment(ctx: WorkflowContext, amount: number) {
  return ctx.callActivity(charge, amount);
}

async function approval(ctx: WorkflowContext) {
  ctx.setCustomStatus('waiting for approval');
  const decision = await ctx.waitForExternalEvent<{ ok: boolean }>('approve');
  return { decision };
}

async function holder(ctx: WorkflowContext) {
  await ctx.callChildWorkflow(approval, undefined, { instanceId: `${ctx.instanceId}-child` });
}

export const WORKFLOWS = { greeter, report, parent, payment, approval, holder };
export const ACTIVITIES = { greet, charge };

export function newWorker(backend: Backend): Worker {
  return new Worker({ backend, workflows: WORKFLOWS, activities: ACTIVITIES, minPollMs: 2, maxPollMs: 20 });
}

/** Instance IDs created by fillTaskHub. */
export const IDS = {
  parent: 'parent-1',
  child: 'parent-1-child',
  detached: 'report-1',
  failed: 'payment-1',
  waiting: ['approval-1', 'approval-2', 'approval-3', 'approval-4'],
  holder: 'holder-1',
} as const;

export async function fillTaskHub(path: string): Promise<void> {
  await fillBackend(new SqliteBackend({ path }));
}

/** Runs the scenarios on the backend, then stops the worker and closes the backend. */
export async function fillBackend(backend: Backend): Promise<void> {
  await backend.init();
  const worker = newWorker(backend);
  const client = new Client({ backend });
  await worker.start();
  try {
    await client.scheduleNewWorkflow('parent', { instanceId: IDS.parent, input: 'Ada', tags: { team: 'core' } });
    await client.scheduleNewWorkflow('payment', { instanceId: IDS.failed, input: 42 });
    for (const id of IDS.waiting) await client.scheduleNewWorkflow('approval', { instanceId: id });
    await client.scheduleNewWorkflow('holder', { instanceId: IDS.holder });
    for (const id of [IDS.parent, IDS.failed, IDS.detached]) await waitTerminal(client, id);
    for (const id of [...IDS.waiting, `${IDS.holder}-child`]) await waitStatus(client, id, 'RUNNING');
  } finally {
    await worker.stop();
    await backend.close();
  }
}

async function waitTerminal(client: Client, id: string): Promise<void> {
  for (let i = 0; i < 500 && !(await client.getWorkflowState(id)); i++) await new Promise((r) => setTimeout(r, 10));
  await client.waitForWorkflowCompletion(id, { timeoutMs: 10_000 });
}

/** RUNNING with custom status set means the first turn is committed and it waits for its event. */
async function waitStatus(client: Client, id: string, status: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const state = await client.getWorkflowState(id);
    if (state?.runtimeStatus === status && state.customStatus !== undefined) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} did not reach ${status}`);
}
