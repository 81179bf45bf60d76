// The fixed workload of the crash and scale-out tests: workflows, activities, the plan of instances to start and
// the output each must end with. Outputs are pure functions of the input, so a re-executed activity or a replayed
// turn can only show up as a wrong output or a malformed history, never as a flaky value.
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { Activity, Workflow } from '../../src/sdk/types.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';

/** Called at the start of every activity execution (the worker process appends it to the run's log). */
export type ActivityRecorder = (ctx: ActivityContext) => void;

const step = (x: number): number => x * 3 + 1;
const square = (x: number): number => x * x;
const tick = (x: number): number => x + 1000;
const FAN_OUT = 10;

/** Short durable timers of 20-100 ms, varied by input. */
const timerMs = (n: number, salt: number): number => 20 + ((n * salt) % 81);

/** The detached workflow a detacher starts: its ID derives from the caller's, so a replay cannot fork it. */
export const detachedIdOf = (callerId: string): string => `${callerId}-detached`;

async function crashSequence(ctx: WorkflowContext, n: number): Promise<number> {
  let x = n;
  for (let i = 0; i < 3; i++) x = await ctx.callActivity<number, number>('crashStep', x);
  return x;
}

async function crashFanOut(ctx: WorkflowContext, n: number): Promise<number> {
  const tasks = Array.from({ length: FAN_OUT }, (_, i) => ctx.callActivity<number, number>('crashSquare', n + i));
  const values = await ctx.whenAll(tasks);
  return values.reduce((a, b) => a + b, 0);
}

async function crashTimers(ctx: WorkflowContext, n: number): Promise<number> {
  await ctx.createTimer(timerMs(n, 1));
  const x = await ctx.callActivity<number, number>('crashTick', n);
  await ctx.createTimer(timerMs(n, 7));
  return x;
}

async function crashChild(ctx: WorkflowContext, n: number): Promise<number> {
  await ctx.createTimer(timerMs(n, 3));
  return ctx.callActivity<number, number>('crashStep', n);
}

async function crashParent(ctx: WorkflowContext, n: number): Promise<number> {
  const r = await ctx.callChildWorkflow<number, number>('crashChild', n);
  return r + 1;
}

async function crashDetached(ctx: WorkflowContext, n: number): Promise<number> {
  return (await ctx.callActivity<number, number>('crashSquare', n)) + 1;
}

async function crashDetacher(ctx: WorkflowContext, n: number): Promise<{ detached: string; r: number }> {
  const detached = ctx.scheduleNewWorkflow('crashDetached', { instanceId: detachedIdOf(ctx.instanceId), input: n });
  const r = await ctx.callActivity<number, number>('crashTick', n);
  return { detached, r };
}

export const crashWorkflows: Record<string, Workflow> = {
  crashSequence,
  crashFanOut,
  crashTimers,
  crashChild,
  crashParent,
  crashDetached,
  crashDetacher,
};

/**
 * The activities, each recording its execution first and then taking a few ms, so a SIGKILL often lands
 * between an activity's start and its completion (the case that forces a re-execution).
 */
export function crashActivities(record: ActivityRecorder, maxDelayMs = 8): Record<string, Activity> {
  const make =
    (fn: (x: number) => number): Activity<number, number> =>
    async (ctx, x) => {
      record(ctx);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * maxDelayMs)));
      return fn(x);
    };
  return { crashStep: make(step), crashSquare: make(square), crashTick: make(tick) };
}

export interface PlannedInstance {
  instanceId: string;
  workflow: string;
  input: number;
  expected: unknown;
  /** The detached instance this one starts, with its expected output. */
  detached?: { instanceId: string; expected: number };
  /** Whether it starts exactly one child workflow. */
  hasChild: boolean;
}

const KINDS = ['crashSequence', 'crashFanOut', 'crashTimers', 'crashParent', 'crashDetacher'] as const;

/** `count` root instances cycling through the five kinds; `prefix` keeps runs apart. */
export function crashPlan(count: number, prefix: string): PlannedInstance[] {
  return Array.from({ length: count }, (_, i) => {
    const workflow = KINDS[i % KINDS.length]!;
    const input = i + 1;
    const instanceId = `${prefix}-${workflow}-${String(i).padStart(4, '0')}`;
    return planned(instanceId, workflow, input);
  });
}

function planned(instanceId: string, workflow: (typeof KINDS)[number], n: number): PlannedInstance {
  switch (workflow) {
    case 'crashSequence':
      return { instanceId, workflow, input: n, expected: step(step(step(n))), hasChild: false };
    case 'crashFanOut': {
      let sum = 0;
      for (let i = 0; i < FAN_OUT; i++) sum += square(n + i);
      return { instanceId, workflow, input: n, expected: sum, hasChild: false };
    }
    case 'crashTimers':
      return { instanceId, workflow, input: n, expected: tick(n), hasChild: false };
    case 'crashParent':
      return { instanceId, workflow, input: n, expected: step(n) + 1, hasChild: true };
    case 'crashDetacher': {
      const detached = { instanceId: detachedIdOf(instanceId), expected: square(n) + 1 };
      return { instanceId, workflow, input: n, expected: { detached: detached.instanceId, r: tick(n) }, detached, hasChild: false };
    }
  }
}
