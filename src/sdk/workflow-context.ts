// WorkflowContext: everything a workflow function may do. Each durable call validates its options first
// (a bad call throws at once and takes no sequence number), then takes the next sequence number.
import type { Payload, SourceLocation } from '../protocol/common.js';
import { InvalidArgumentError, TaskFailedError } from '../errors.js';
import { DurableTask } from '../core/executor/durable-task.js';
import type { ReplayExecution } from '../core/executor/replay-execution.js';
import { fireAtAfter, validateFireAt } from '../core/fire-time.js';
import { validateInstanceId } from '../core/instance-id.js';
import { validateTags } from '../core/tags.js';
import { defaultChildInstanceId, defaultDetachedInstanceId, nameBasedUuid } from '../core/ids.js';
import { selfChildError } from '../core/links.js';
import { encodePayload } from '../core/payload.js';
import type { Registry } from './registry.js';
import { nextRetryDelayMs, validateRetryPolicy, type RetryPolicy } from './retry-policy.js';
import type { ActivityRef, WorkflowRef } from './types.js';
import { callSite } from './call-site.js';
import { whenAll, whenAny } from './when.js';
import { silentLogger, workflowLogger, type Logger, type WorkflowLogger } from './workflow-logger.js';

export interface ActivityOptions {
  retry?: RetryPolicy;
}

export interface ChildWorkflowOptions {
  /**
   * @default "<parentInstanceId>:<4 hex digits of the call's sequence number>"; after continue-as-new
   * "<parentInstanceId>:g<generation>:<4 hex digits>"
   */
  instanceId?: string;
  retry?: RetryPolicy;
}

export interface DetachedWorkflowOptions<I> {
  /**
   * @default "<callerInstanceId>-<n>", n counting this execution's default-ID spawns from 0; after
   * continue-as-new "<callerInstanceId>-g<generation>-<n>"
   */
  instanceId?: string;
  input?: I;
  /** The new instance stays PENDING until then. */
  startAt?: Date;
  /** Exactly these tags; none of the caller's are added. */
  tags?: Record<string, string>;
}

export interface WorkflowContext {
  readonly instanceId: string;
  readonly executionId: string;
  /** The workflow's registered name. */
  readonly name: string;
  /** The replayed clock: the start time of the turn being replayed. Use it instead of `new Date()`. */
  readonly currentUtcDateTime: Date;
  /** True while old history is replayed (e.g. to skip logging). */
  readonly isReplaying: boolean;
  /** A logger for workflow code: silent while replaying, so each line is written once; lines carry the instance. */
  readonly log: WorkflowLogger;
  callActivity<I, O>(activity: ActivityRef<I, O>, input?: I, options?: ActivityOptions): DurableTask<O>;
  callChildWorkflow<I, O>(workflow: WorkflowRef<I, O>, input?: I, options?: ChildWorkflowOptions): DurableTask<O>;
  /** A durable timer: fires at `fireAt`, or after a delay in ms of workflow time (finite, >= 0, by 9999-12-31). */
  createTimer(fireAt: Date | number): DurableTask<void>;
  /** The next event of that name (case-insensitive); events raised earlier are buffered in order. */
  /**
   * `timeoutMs`: fail the wait with a TimeoutError after that much workflow time (a durable timer); Infinity
   * waits forever. NaN, negative and too-large values are refused at the call.
   */
  waitForExternalEvent<T = unknown>(name: string, options?: { timeoutMs?: number }): DurableTask<T>;
  /** Starts a fire-and-forget workflow and returns its instance ID at once. Nothing of it flows back. */
  scheduleNewWorkflow<I>(workflow: WorkflowRef<I, unknown>, options?: DetachedWorkflowOptions<I>): string;
  /** Raises an event on another instance. */
  sendEvent(instanceId: string, eventName: string, data?: unknown): void;
  /** Restarts this workflow with new input once the function returns; `saveEvents` carries unread events over. */
  continueAsNew(input: unknown, options?: { saveEvents?: boolean }): void;
  setCustomStatus(value: unknown): void;
  /** A deterministic UUID: the same on every replay. */
  newGuid(): string;
  /**
   * Dapr/Go patching: true on first execution (and recorded in this turn's WorkflowVersion), then what the
   * history recorded. Guard a changed code path with it so instances started before the change replay the old one.
   */
  isPatched(patchName: string): boolean;
  whenAll: typeof whenAll;
  whenAny: typeof whenAny;
}

export interface ContextOptions {
  registry: Registry;
  maxPayloadBytes: number;
  /** Record where each durable call was made on its scheduled event (not while replaying). @default false */
  recordSourceLocations?: boolean;
  /** Where ctx.log and the retry lines go. @default silent */
  logger?: Logger;
}

export class ReplayWorkflowContext implements WorkflowContext {
  readonly whenAll = whenAll;
  readonly whenAny = whenAny;
  private readonly execution: ReplayExecution;
  private readonly options: ContextOptions;
  readonly log: WorkflowLogger;

  constructor(execution: ReplayExecution, options: ContextOptions) {
    this.execution = execution;
    this.options = options;
    this.log = workflowLogger(options.logger ?? silentLogger, this);
  }

  get instanceId(): string {
    return this.execution.instanceId;
  }
  get executionId(): string {
    return this.execution.executionId;
  }
  get name(): string {
    return this.execution.name;
  }
  get currentUtcDateTime(): Date {
    return this.execution.currentUtcDateTime;
  }
  get isReplaying(): boolean {
    return this.execution.isReplaying;
  }

  callActivity<I, O>(activity: ActivityRef<I, O>, input?: I, options: ActivityOptions = {}): DurableTask<O> {
    this.execution.assertInTurn('callActivity');
    const name = this.options.registry.nameOf(activity, 'activity');
    const payload = this.encode(input, `input of activity '${name}'`);
    if (options.retry) validateRetryPolicy(options.retry);
    // One task execution id for every attempt of this call: an idempotency key for the activity.
    const taskExecutionId = this.derivedId('task');
    const at = this.sourceOf(this.callActivity);
    const attempt = () => {
      const id = this.execution.nextSequenceNumber();
      return this.execution.schedule<O>({ id, type: 'scheduleTask', name, input: payload, taskExecutionId, ...at }, 'activity', name);
    };
    return options.retry ? this.withRetry(options.retry, name, attempt, { kind: 'activityRetry', taskExecutionId }) : attempt();
  }

  callChildWorkflow<I, O>(workflow: WorkflowRef<I, O>, input?: I, options: ChildWorkflowOptions = {}): DurableTask<O> {
    this.execution.assertInTurn('callChildWorkflow');
    const name = this.options.registry.nameOf(workflow, 'workflow');
    const payload = this.encode(input, `input of child workflow '${name}'`);
    if (options.instanceId === '') throw new InvalidArgumentError('instanceId', 'must not be empty; omit it for a generated ID');
    if (options.instanceId !== undefined) validateInstanceId(options.instanceId);
    if (options.instanceId === this.instanceId) throw selfChildError(options.instanceId);
    if (options.retry) validateRetryPolicy(options.retry);
    let firstId: string | undefined;
    const at = this.sourceOf(this.callChildWorkflow);
    const attempt = () => {
      const id = this.execution.nextSequenceNumber();
      // A generated ID is checked too: a long parent ID plus the suffix can pass the limit.
      const instanceId = options.instanceId ?? validateInstanceId(defaultChildInstanceId(this.instanceId, id, this.execution.generation), 'instanceId (generated)');
      const retryParentInstanceId = firstId;
      firstId ??= instanceId;
      return this.execution.schedule<O>({ id, type: 'createChildWorkflow', name, instanceId, input: payload, retryParentInstanceId, ...at }, 'child', name);
    };
    if (!options.retry) return attempt();
    const first = attempt();
    return this.withRetry(options.retry, name, () => first, { kind: 'childWorkflowRetry', instanceId: firstId! }, attempt);
  }

  createTimer(fireAt: Date | number): DurableTask<void> {
    this.execution.assertInTurn('createTimer');
    const at = this.fireTime(fireAt, 'fireAt');
    const id = this.execution.nextSequenceNumber();
    return this.execution.schedule<void>({ id, type: 'createTimer', fireAt: at, origin: { kind: 'createTimer' }, ...this.sourceOf(this.createTimer) }, 'timer', 'timer');
  }

  waitForExternalEvent<T = unknown>(name: string, options: { timeoutMs?: number } = {}): DurableTask<T> {
    this.execution.assertInTurn('waitForExternalEvent');
    if (!name) throw new InvalidArgumentError('name', 'an event name is required');
    // Infinity means no timeout (wait forever, no timer); anything else must be a delay a timer can have.
    const timeoutMs = options.timeoutMs === Infinity ? undefined : options.timeoutMs;
    const fireAt = timeoutMs === undefined ? undefined : fireAtAfter(this.currentUtcDateTime, timeoutMs, 'timeoutMs');
    const task = this.execution.waitForEvent<T>(name);
    if (task.isComplete || timeoutMs === undefined || fireAt === undefined) return task;
    if (timeoutMs === 0) {
      this.execution.cancelWait(name, task as DurableTask<unknown>, 0);
      return task;
    }
    // The timeout is a durable timer; if the event wins, the timer's later firing changes nothing.
    const id = this.execution.nextSequenceNumber();
    this.execution.schedule({ id, type: 'createTimer', fireAt, name, origin: { kind: 'externalEvent', name }, ...this.sourceOf(this.waitForExternalEvent) }, 'timer', name, () =>
      this.execution.cancelWait(name, task as DurableTask<unknown>, timeoutMs),
    );
    return task;
  }

  scheduleNewWorkflow<I>(workflow: WorkflowRef<I, unknown>, options: DetachedWorkflowOptions<I> = {}): string {
    this.execution.assertInTurn('scheduleNewWorkflow');
    const name = this.options.registry.nameOf(workflow, 'workflow');
    if (options.instanceId === '') {
      throw new InvalidArgumentError('instanceId', 'scheduleNewWorkflow was passed an empty instance ID; omit it to use the default ID');
    }
    if (options.instanceId !== undefined) validateInstanceId(options.instanceId);
    const startAt = options.startAt === undefined ? undefined : this.fireTime(options.startAt, 'startAt');
    const input = this.encode(options.input, `input of workflow '${name}'`);
    const tags = options.tags === undefined ? undefined : validateTags(options.tags);
    const instanceId =
      options.instanceId ?? validateInstanceId(defaultDetachedInstanceId(this.instanceId, this.execution.nextDetachedIndex(), this.execution.generation), 'instanceId (generated)');
    const id = this.execution.nextSequenceNumber();
    this.execution.record({ id, type: 'createDetachedWorkflow', instanceId, name, input, scheduledStartTimestamp: startAt, tags, ...this.sourceOf(this.scheduleNewWorkflow) });
    return instanceId;
  }

  sendEvent(instanceId: string, eventName: string, data?: unknown): void {
    this.execution.assertInTurn('sendEvent');
    validateInstanceId(instanceId);
    if (!eventName) throw new InvalidArgumentError('eventName', 'is required');
    const payload = this.encode(data, `data of event '${eventName}'`);
    this.execution.record({ id: this.execution.nextSequenceNumber(), type: 'sendEvent', instance: { instanceId }, name: eventName, data: payload, ...this.sourceOf(this.sendEvent) });
  }

  continueAsNew(input: unknown, options: { saveEvents?: boolean } = {}): void {
    this.execution.requestContinueAsNew({ input, saveEvents: options.saveEvents ?? false });
  }

  setCustomStatus(value: unknown): void {
    this.execution.setCustomStatus(this.encode(value, 'custom status'));
  }

  isPatched(patchName: string): boolean {
    this.execution.assertInTurn('isPatched');
    if (typeof patchName !== 'string' || patchName === '') throw new InvalidArgumentError('patchName', 'must be a non-empty string');
    return this.execution.isPatched(patchName);
  }

  newGuid(): string {
    return this.derivedId('guid');
  }

  /** A name-based UUID of this execution and the next value of its deterministic counter. */
  private derivedId(kind: 'guid' | 'task'): string {
    return nameBasedUuid(`${this.instanceId}\u0000${this.executionId}\u0000${kind}:${this.execution.nextGuidIndex()}`);
  }

  /** `{ source }` for a new call on a worker that records them; nothing while replaying (history has it). */
  private sourceOf(method: Function): { source?: SourceLocation } {
    if (!this.options.recordSourceLocations || this.execution.isReplaying) return {};
    const source = callSite(method);
    return source ? { source } : {};
  }

  private encode(value: unknown, what: string): Payload {
    return encodePayload(value, what, this.options.maxPayloadBytes);
  }

  private fireTime(value: Date | number, field: string): Date {
    return value instanceof Date ? validateFireAt(value, field) : fireAtAfter(this.currentUtcDateTime, value, field);
  }

  /** Runs attempts until one succeeds or the policy gives up; delays are durable timers. */
  private withRetry<O>(
    policy: RetryPolicy,
    name: string,
    first: () => DurableTask<O>,
    origin: { kind: 'activityRetry'; taskExecutionId: string } | { kind: 'childWorkflowRetry'; instanceId: string },
    next: () => DurableTask<O> = first,
  ): DurableTask<O> {
    const result = new DurableTask<O>();
    const firstAttemptAt = this.currentUtcDateTime;
    const run = async () => {
      let task = first();
      for (let attempt = 0; ; attempt++) {
        try {
          return await task;
        } catch (error) {
          if (!(error instanceof TaskFailedError)) throw error;
          const delay = nextRetryDelayMs(policy, attempt, firstAttemptAt, this.currentUtcDateTime, error);
          if (delay <= 0) throw error;
          // The retry decision is workflow code, so it is logged like ctx.log: once, not on replay.
          this.log.info({ [origin.kind === 'activityRetry' ? 'activity' : 'childWorkflow']: name, attempt: attempt + 2, delayMs: delay }, `${origin.kind === 'activityRetry' ? 'activity' : 'child workflow'} retrying`);
          const id = this.execution.nextSequenceNumber();
          const fireAt = new Date(this.currentUtcDateTime.getTime() + delay);
          await this.execution.schedule<void>({ id, type: 'createTimer', fireAt, name: `${name}-retry`, origin }, 'timer', `${name}-retry`);
          task = next();
        }
      }
    };
    run().then(
      (value) => result.complete(value),
      (error) => result.fail(error),
    );
    return result;
  }
}
