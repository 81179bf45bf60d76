// The one workflow and the one activity every simulated program runs on. The workflow interprets a Program
// (program.ts) step by step with the ordinary SDK; the activity computes a fixed function of its input and
// fails its first attempts as told. IDs and values are derived exactly as model.ts derives them.
import { TimeoutError } from '../../src/errors.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { DurableTask } from '../../src/core/executor/durable-task.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import {
  eventName,
  eventValue,
  LONG_TIMEOUT_MS,
  RELEASE_EVENT,
  SHORT_TIMEOUT_MS,
  type Program,
  type SimInput,
  type Step,
} from './program.js';

export const SIM_WORKFLOW = 'sim';
export const SIM_ACTIVITY = 'simActivity';

export interface ActivityInput {
  v: number;
  failures: number;
  delayMs: number;
  stall: boolean;
  marker: string;
}

/** The ID of an explicitly named child or detached instance of the step at `path` in generation `gen`. */
export function spawnId(callerId: string, kind: 'c' | 'd', gen: number, path: string): string {
  return `${callerId}~${kind}${gen}.${path}`;
}

export function holdId(callerId: string, gate?: number): string {
  return gate === undefined ? `${callerId}~h` : `${callerId}~h${gate}`;
}

export function activityMarker(origin: string, gen: number, path: string): string {
  return `activity ${origin}@${gen}.${path} failed`;
}

/** Raised events a program's first generation waits for, in order (parallel branches included, children not). */
export function raisedEvents(program: Program): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const walk = (steps: Step[], prefix: string) => {
    steps.forEach((s, i) => {
      const path = `${prefix}${i}`;
      if (s.k === 'event' && s.raised) for (let j = 0; j < s.count; j++) out.push({ name: eventName(0, path), value: eventValue(eventName(0, path), j) });
      if (s.k === 'parallel') s.branches.forEach((b, j) => walk(b, `${path}.${j}.`));
    });
  };
  walk(program.generations[0] ?? [], '');
  return out;
}

/** The generic workflow: runs generation `gen` of the program, then continues as new or returns every result. */
export async function simWorkflow(ctx: WorkflowContext, input: SimInput): Promise<unknown> {
  const results: unknown[] = [];
  if (input.held && input.gen === 0) results.push(await awaitRelease(ctx, input));
  const steps = input.program.generations[input.gen] ?? [];
  for (let i = 0; i < steps.length; i++) results.push(await runStep(ctx, input, steps[i]!, String(i)));
  if (input.gen + 1 < input.program.generations.length) {
    ctx.continueAsNew({ ...input, gen: input.gen + 1, acc: [...input.acc, results] });
    return undefined;
  }
  return [...input.acc, results];
}

async function awaitRelease(ctx: WorkflowContext, input: SimInput): Promise<unknown> {
  const held = input.program.hold;
  const id = holdId(ctx.instanceId);
  const task = held ? ctx.callChildWorkflow(SIM_WORKFLOW, childInput(input, held, `${input.origin}/h`, true), { instanceId: id }) : undefined;
  await ctx.waitForExternalEvent(RELEASE_EVENT);
  if (!task) return 'released';
  ctx.sendEvent(id, RELEASE_EVENT, 'release');
  return task;
}

function childInput(parent: SimInput, program: Program, origin: string, held?: boolean): SimInput {
  return { program, origin, gen: 0, acc: [], held, sentinel: parent.sentinel };
}

async function runSteps(ctx: WorkflowContext, input: SimInput, steps: Step[], path: string): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < steps.length; i++) results.push(await runStep(ctx, input, steps[i]!, `${path}.${i}`));
  return results;
}

async function runStep(ctx: WorkflowContext, input: SimInput, step: Step, path: string): Promise<unknown> {
  const { gen, origin } = input;
  switch (step.k) {
    case 'activity': {
      const args: ActivityInput = { v: step.value, failures: step.failures, delayMs: step.delayMs, stall: step.stall, marker: activityMarker(origin, gen, path) };
      const retry = step.maxAttempts > 1 ? { retry: { maxAttempts: step.maxAttempts, firstRetryIntervalMs: 5 } } : {};
      try {
        return await ctx.callActivity(SIM_ACTIVITY, args, retry);
      } catch (error) {
        if (step.catch) return 'caught';
        throw error;
      }
    }
    case 'timer':
      await ctx.createTimer(step.ms);
      return 't';
    case 'parallel':
      return Promise.all(step.branches.map((b, j) => runSteps(ctx, input, b, `${path}.${j}`)));
    case 'event': {
      const values: unknown[] = [];
      const timeoutMs = step.timeout === 'none' ? undefined : step.timeout === 'long' ? LONG_TIMEOUT_MS : SHORT_TIMEOUT_MS;
      for (let i = 0; i < step.count; i++) {
        try {
          values.push(await ctx.waitForExternalEvent(eventName(gen, path), { timeoutMs }));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
          values.push('timeout');
        }
      }
      return values;
    }
    case 'child': {
      const id = step.idMode === 'explicit' ? spawnId(ctx.instanceId, 'c', gen, path) : step.idMode === 'taken' ? input.sentinel : step.idMode === 'self' ? ctx.instanceId : undefined;
      try {
        // A refused child may fail at the call or at the await: either way it is 'child-failed'.
        const task: DurableTask<unknown> = ctx.callChildWorkflow(SIM_WORKFLOW, childInput(input, step.program, `${origin}/${gen}.${path}c`), { instanceId: id });
        if (step.idMode === 'explicit') for (const e of raisedEvents(step.program)) ctx.sendEvent(id!, e.name, e.value);
        return await task;
      } catch (error) {
        if (step.catch) return 'child-failed';
        throw error;
      }
    }
    case 'detached': {
      const id = step.idMode === 'explicit' ? spawnId(ctx.instanceId, 'd', gen, path) : step.idMode === 'self' ? ctx.instanceId : undefined;
      ctx.scheduleNewWorkflow(SIM_WORKFLOW, { instanceId: id, input: childInput(input, step.program, `${origin}/${gen}.${path}d`) });
      return 'd';
    }
    case 'fail':
      throw new Error(step.marker);
    case 'gate': {
      const id = holdId(ctx.instanceId, step.n);
      const held = step.hold ? ctx.callChildWorkflow(SIM_WORKFLOW, childInput(input, step.hold, `${origin}/g${step.n}`, true), { instanceId: id }) : undefined;
      ctx.setCustomStatus(`gate:${step.n}`);
      await ctx.waitForExternalEvent(`gate-${step.n}`);
      ctx.setCustomStatus(`passed:${step.n}`);
      if (!held) return 'g';
      ctx.sendEvent(id, RELEASE_EVENT, 'release');
      return { g: await held };
    }
  }
}

/** Which attempt of an activity call a delivery is: retries get new task ids, re-deliveries keep theirs. */
export class AttemptTracker {
  private readonly seen = new Map<string, Set<number>>();
  attempt(key: string, taskId: number): number {
    const ids = this.seen.get(key) ?? new Set<number>();
    ids.add(taskId);
    this.seen.set(key, ids);
    let before = 0;
    for (const id of ids) if (id < taskId) before++;
    return before;
  }
}

export interface ActivityRun {
  instanceId: string;
  taskId: number;
}

export interface SimActivityOptions {
  tracker: AttemptTracker;
  /** Called as each delivery starts (at-least-once checks count these). */
  onRun(run: ActivityRun): void;
  /** How long a stalling activity sleeps on its first delivery (0: stalls are off). */
  stallMs: number;
}

export function simActivity(options: SimActivityOptions) {
  return async function simActivityFn(ctx: ActivityContext, input: ActivityInput): Promise<number> {
    options.onRun({ instanceId: ctx.instanceId, taskId: ctx.taskId });
    const attempt = options.tracker.attempt(`${ctx.instanceId} ${ctx.taskExecutionId}`, ctx.taskId);
    const delay = input.stall && options.stallMs > 0 && ctx.deliveryAttempt === 0 ? options.stallMs : input.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (attempt < input.failures) throw new Error(`${input.marker} (attempt ${attempt})`);
    return input.v * 3 + 1;
  };
}
