// TestWorkflowEnvironment: a task hub, worker and client on virtual time for one test. Waiting through the
// environment skips time while the hub is idle, so a workflow that sleeps for 30 days finishes in milliseconds.
// env.client and env.worker are the ordinary Client and Worker; nothing here imposes an assertion library.
import { isDeepStrictEqual } from 'node:util';
import type { Backend } from '../backends/backend.js';
import { MemoryBackend } from '../backends/memory/memory-backend.js';
import type { Clock } from '../core/clock.js';
import { InvalidArgumentError, TimeoutError, WorkflowNotFoundError } from '../errors.js';
import type { HistoryEventType } from '../protocol/history.js';
import type { RuntimeStatus } from '../protocol/status.js';
import { Client, type ScheduleOptions } from '../runtime/client.js';
import type { Logger } from '../runtime/logger.js';
import { Worker } from '../runtime/worker.js';
import type { WorkflowState } from '../runtime/workflow-state.js';
import type { ActivityContext } from '../sdk/activity-context.js';
import type { Activity, ActivityRef, Workflow, WorkflowRef } from '../sdk/types.js';
import { TimeSkipper, type DueTimeSource } from './time-skipper.js';
import { VirtualClock } from './virtual-clock.js';

export interface TestWorkflowEnvironmentOptions {
  workflows?: Workflow[] | Record<string, Workflow>;
  activities?: Activity[] | Record<string, Activity>;
  /**
   * Makes the task hub on the environment's clock. Time skipping needs a backend that tells when work next falls
   * due (`nextDueAt()`, as MemoryBackend has); with any other, time moves only by `env.sleep()`.
   * @default an in-memory task hub (`clock => new MemoryBackend({ clock })`)
   */
  backend?: (clock: Clock) => Backend;
  /** Skip to the next timer while a wait of the environment finds the hub idle. @default true */
  timeSkipping?: boolean;
  /** Virtual time at the start. @default the real time now */
  startTime?: Date;
  /** @default a logger that keeps nothing */
  logger?: Logger;
}

export interface WaitOptions {
  /** Real time to wait at most. @default 10000 */
  timeoutMs?: number;
}

/** A stand-in activity and the inputs it was called with, in call order. */
export interface ActivityMock<I = unknown> {
  readonly name: string;
  readonly calls: I[];
  /** Puts back what was registered before the mock. */
  restore(): void;
}

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export class TestWorkflowEnvironment {
  readonly client: Client;
  readonly worker: Worker;
  readonly backend: Backend;
  private readonly clock: VirtualClock;
  private readonly skipper: TimeSkipper;
  private readonly timeSkipping: boolean;

  private constructor(backend: Backend, clock: VirtualClock, options: TestWorkflowEnvironmentOptions) {
    this.backend = backend;
    this.clock = clock;
    this.timeSkipping = options.timeSkipping ?? true;
    const logger = options.logger ?? silentLogger;
    // Short polls: a stale queue entry after a jump is found by the next poll, not a quarter second later.
    this.worker = new Worker({ backend, clock, logger, workflows: options.workflows, activities: options.activities, minPollMs: 1, maxPollMs: 10 });
    this.client = new Client({ backend, clock });
    const hub = typeof (backend as Partial<DueTimeSource>).nextDueAt === 'function' ? (backend as unknown as DueTimeSource) : undefined;
    this.skipper = new TimeSkipper({ clock, hub, busy: () => this.worker.activeWorkCount });
  }

  /** A started environment: the task hub is open and the worker runs. Close it at the end of the test. */
  static async create(options: TestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
    const start = options.startTime?.getTime() ?? Date.now();
    if (Number.isNaN(start)) throw new InvalidArgumentError('startTime', 'is an invalid Date');
    const clock = new VirtualClock(start);
    const backend = options.backend ? options.backend(clock) : new MemoryBackend({ clock });
    await backend.init();
    const env = new TestWorkflowEnvironment(backend, clock, options);
    await env.worker.start();
    return env;
  }

  /** The current virtual time. */
  now(): Date {
    return new Date(this.clock.now());
  }

  /** Advances virtual time by ms on purpose, running every timer that falls due on the way. */
  async sleep(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError('ms', `must be a non-negative number, got ${ms}`);
    await this.skipper.sleep(ms);
  }

  /** Schedules a workflow; the same as `env.client.scheduleNewWorkflow(workflow, { input, ...options })`. */
  start<I>(workflow: WorkflowRef<I, unknown>, input?: I, options: Omit<ScheduleOptions<I>, 'input'> = {}): Promise<string> {
    return this.client.scheduleNewWorkflow(workflow, { ...options, input });
  }

  /** Schedules a workflow and waits for it to finish, skipping time; returns its final state. */
  async run<I>(workflow: WorkflowRef<I, unknown>, input?: I, options: Omit<ScheduleOptions<I>, 'input'> & WaitOptions = {}): Promise<WorkflowState> {
    const { timeoutMs, ...schedule } = options;
    return this.waitForCompletion(await this.start(workflow, input, schedule), { timeoutMs });
  }

  /** Waits, skipping time, until the instance is COMPLETED, FAILED, TERMINATED or CANCELED. */
  waitForCompletion(instanceId: string, options: WaitOptions = {}): Promise<WorkflowState> {
    return this.waitForStatus(instanceId, ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED'], options);
  }

  /** Waits, skipping time, until the instance has one of the statuses. */
  async waitForStatus(instanceId: string, status: RuntimeStatus | RuntimeStatus[], options: WaitOptions = {}): Promise<WorkflowState> {
    const wanted = Array.isArray(status) ? status : [status];
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Settle first: the status is read only once the hub has done all it can at this time.
      if (this.timeSkipping) await this.skipper.settle(deadline);
      const state = await this.client.getWorkflowState(instanceId);
      if (!state) throw new WorkflowNotFoundError(instanceId);
      if (wanted.includes(state.runtimeStatus)) return state;
      if (Date.now() >= deadline) {
        throw new TimeoutError(
          `timed out after ${timeoutMs} ms (real time) waiting for workflow '${instanceId}' to be ${wanted.join(' or ')}: ` +
            `it is ${state.runtimeStatus} at virtual time ${this.now().toISOString()}`,
        );
      }
      // Idle with nothing due: only the test (an event, a sleep) can move the instance on; keep looking briefly.
      if (!(this.timeSkipping && this.skipper.jumpToNextDue())) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** The instance's history as a list of event types, e.g. ['executionStarted', 'taskScheduled', ...]. */
  async historyTypes(instanceId: string): Promise<HistoryEventType[]> {
    return (await this.client.getWorkflowHistory(instanceId)).map((event) => event.type);
  }

  /** Throws an Error saying what differed unless the instance COMPLETED with exactly this output (deep equality). */
  async assertOutput(instanceId: string, expected: unknown): Promise<void> {
    const state = await this.client.getWorkflowState(instanceId);
    if (!state) throw new WorkflowNotFoundError(instanceId);
    if (state.runtimeStatus !== 'COMPLETED') {
      const failure = state.failureDetails ? `: ${state.failureDetails.errorType}: ${state.failureDetails.errorMessage}` : '';
      throw new Error(`workflow '${instanceId}' is ${state.runtimeStatus}, not COMPLETED${failure}`);
    }
    if (!isDeepStrictEqual(state.output, expected)) {
      throw new Error(`workflow '${instanceId}' output ${JSON.stringify(state.output)} is not the expected ${JSON.stringify(expected)}`);
    }
  }

  /**
   * Runs `standIn` (an activity: `(ctx, input) => output`) instead of the activity, given by function or name,
   * for calls from now on, recording each input. The activity does not have to be registered.
   */
  mockActivity<I, O>(activity: ActivityRef<I, O>, standIn: Activity<I, O>): ActivityMock<I> {
    const registry = this.worker.registry;
    const name = registry.nameOf(activity, 'activity');
    const before = registry.getActivity(name);
    const calls: I[] = [];
    registry.setActivity(name, (ctx: ActivityContext, input: I) => {
      calls.push(input);
      return standIn(ctx, input);
    });
    return { name, calls, restore: () => registry.setActivity(name, before) };
  }

  /** Stops the worker and closes the task hub. */
  async close(): Promise<void> {
    await this.worker.stop(1000);
    await this.backend.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
