// The client: start, inspect, signal and clean up workflow instances on a backend.
import { randomUUID } from 'node:crypto';
import type { Backend, CreateReusePolicy, WorkflowCountQuery, WorkflowCounts, WorkflowQuery } from '../backends/backend.js';
import { systemClock, type Clock } from '../core/clock.js';
import { validateDelayMs, validateFireAt } from '../core/fire-time.js';
import { validateInstanceId } from '../core/instance-id.js';
import { validateTags } from '../core/tags.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, encodePayload } from '../core/payload.js';
import { newEvent, type HistoryEvent } from '../protocol/history.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import { isTerminalStatus, type RuntimeStatus } from '../protocol/status.js';
import { InvalidArgumentError, TimeoutError, WorkflowNotFoundError } from '../errors.js';
import { refName } from '../sdk/registry.js';
import type { WorkflowRef } from '../sdk/types.js';
import { purgeMatching, purgeTree, validStatuses, type PurgeFilter, type PurgeResult } from './purge.js';
import { toWorkflowState, type WorkflowState } from './workflow-state.js';

/** Told of a status change; the status is absent when the backend does not know it. */
type StatusListener = (status?: RuntimeStatus) => void;

export interface ScheduleOptions<I> {
  input?: I;
  /** Non-empty, well-formed Unicode, no NUL, at most MAX_INSTANCE_ID_LENGTH (512) characters. @default a random UUID */
  instanceId?: string;
  /** The instance stays PENDING until then. */
  startAt?: Date;
  tags?: Record<string, string>;
  /** What an existing instance with this ID means. @default 'error' */
  reuse?: CreateReusePolicy;
}

export interface ClientOptions {
  backend: Backend;
  /** @default 4 MiB */
  maxPayloadBytes?: number;
  /**
   * Timestamps of the events the client sends (starts, raised events). Wait timeouts stay in real time.
   * @default the real clock
   */
  clock?: Clock;
}

export interface WorkflowStatePage {
  instances: WorkflowState[];
  continuationToken?: string;
}

export class Client {
  private readonly backend: Backend;
  private readonly maxPayloadBytes: number;
  private readonly clock: Clock;
  /** Waiters by instance, fed by one backend subscription shared by every wait of this client. */
  private readonly waiters = new Map<string, Set<StatusListener>>();
  private unsubscribe: (() => void) | undefined;

  constructor(options: ClientOptions) {
    this.backend = options.backend;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.clock = options.clock ?? systemClock;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  async scheduleNewWorkflow<I>(workflow: WorkflowRef<I, unknown>, options: ScheduleOptions<I> = {}): Promise<string> {
    const name = refName(workflow, 'workflow');
    if (options.instanceId !== undefined) validateInstanceId(options.instanceId);
    if (options.startAt !== undefined) validateFireAt(options.startAt, 'startAt');
    const tags = options.tags === undefined ? undefined : validateTags(options.tags);
    const instanceId = options.instanceId ?? randomUUID();
    const event = newEvent('executionStarted', this.now(), {
      name,
      input: encodePayload(options.input, `input of workflow '${name}'`, this.maxPayloadBytes),
      workflowInstance: { instanceId, executionId: randomUUID() },
      scheduledStartTimestamp: options.startAt,
      tags,
    });
    await this.backend.createWorkflowInstance(event, { reuse: options.reuse ?? 'error' });
    return instanceId;
  }

  /** The instance's state, or undefined when it does not exist. */
  async getWorkflowState(instanceId: string, options: { includePayloads?: boolean } = {}): Promise<WorkflowState | undefined> {
    validateInstanceId(instanceId);
    const metadata = await this.backend.getWorkflowMetadata(instanceId);
    return metadata && toWorkflowState(metadata, options.includePayloads ?? true);
  }

  /** Waits until the instance has started running (or finished). */
  async waitForWorkflowStart(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowState> {
    return this.waitFor(instanceId, (s) => s !== 'PENDING', 'start', options.timeoutMs);
  }

  /** Waits until the instance is COMPLETED, FAILED, TERMINATED or CANCELED. */
  async waitForWorkflowCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowState> {
    return this.waitFor(instanceId, isTerminalStatus, 'completion', options.timeoutMs);
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    validateInstanceId(instanceId);
    if (!eventName) throw new InvalidArgumentError('eventName', 'is required');
    const input = encodePayload(data, `data of event '${eventName}'`, this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('eventRaised', this.now(), { name: eventName, input }));
  }

  async suspendWorkflow(instanceId: string, reason?: string): Promise<void> {
    validateInstanceId(instanceId);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionSuspended', this.now(), { input: encodePayload(reason, 'reason') }));
  }

  async resumeWorkflow(instanceId: string, reason?: string): Promise<void> {
    validateInstanceId(instanceId);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionResumed', this.now(), { input: encodePayload(reason, 'reason') }));
  }

  /**
   * Terminates the instance; with `recursive` (the default) its child workflows too. Detached workflows it
   * started are never affected. Returns once the termination is queued.
   */
  async terminateWorkflow(instanceId: string, options: { output?: unknown; recursive?: boolean } = {}): Promise<void> {
    validateInstanceId(instanceId);
    const input = encodePayload(options.output, 'output', this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionTerminated', this.now(), { input, recurse: options.recursive ?? true }));
  }

  /**
   * Deletes a finished instance and its history; with `recursive` (the default) its child workflows too
   * (missing ones are skipped; only instances the engine created as its children count, never detached ones).
   * Refuses, deleting nothing, an instance that or a child of which is still running. Returns how many were deleted.
   */
  async purgeWorkflow(instanceId: string, options: { recursive?: boolean } = {}): Promise<number> {
    validateInstanceId(instanceId);
    return purgeTree(this.backend, instanceId, options.recursive ?? true);
  }

  /**
   * Purges every finished instance matching the filter (statuses default to the terminal ones; a filter of
   * only live statuses purges nothing). An instance that cannot be purged, such as a finished parent whose
   * child still runs, is skipped and reported with the reason; the rest are purged.
   */
  async purgeWorkflows(filter: PurgeFilter, options: { recursive?: boolean } = {}): Promise<PurgeResult> {
    return purgeMatching(this.backend, filter, options.recursive ?? true);
  }

  async listWorkflows(query: WorkflowQuery = {}): Promise<WorkflowStatePage> {
    if (query.statuses !== undefined) validStatuses(query.statuses);
    const page = await this.backend.listWorkflows(query);
    return { instances: page.instances.map((m) => toWorkflowState(m, query.includePayloads ?? false)), continuationToken: page.continuationToken };
  }

  /** How many instances match the filters, per status. */
  async countWorkflows(query: WorkflowCountQuery = {}): Promise<WorkflowCounts> {
    return this.backend.countWorkflows(query);
  }

  async getWorkflowHistory(instanceId: string): Promise<HistoryEvent[]> {
    validateInstanceId(instanceId);
    if (!(await this.backend.getWorkflowMetadata(instanceId))) throw new WorkflowNotFoundError(instanceId);
    return this.backend.getWorkflowHistory(instanceId);
  }

  private async waitFor(instanceId: string, done: (s: RuntimeStatus) => boolean, what: string, timeoutMs?: number): Promise<WorkflowState> {
    validateInstanceId(instanceId);
    // Infinity (or no timeout) waits for good; NaN or a negative value would poll forever or never wait.
    if (timeoutMs !== undefined && timeoutMs !== Infinity) validateDelayMs(timeoutMs, 'timeoutMs');
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    let wake: () => void = () => undefined;
    // A signal that names a status not awaited costs no read.
    const listener = (status?: RuntimeStatus) => {
      if (status === undefined || done(status)) wake();
    };
    this.watch(instanceId, listener);
    try {
      // Signals cover this process; polling with back-off covers the others.
      for (let pollMs = 100; ; pollMs = Math.min(pollMs * 2, 1000)) {
        const metadata: WorkflowMetadata | undefined = await this.backend.getWorkflowMetadata(instanceId);
        if (!metadata) throw new WorkflowNotFoundError(instanceId);
        if (done(metadata.runtimeStatus)) return toWorkflowState(metadata, true);
        const left = deadline - Date.now();
        if (left <= 0) throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for the ${what} of workflow '${instanceId}' (status ${metadata.runtimeStatus})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(pollMs, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => undefined;
      }
    } finally {
      this.unwatch(instanceId, listener);
    }
  }

  private watch(instanceId: string, listener: StatusListener): void {
    this.unsubscribe ??= this.backend.subscribe((signal) => {
      if (signal.kind !== 'statusChanged') return;
      for (const notify of this.waiters.get(signal.instanceId) ?? []) notify(signal.runtimeStatus);
    });
    const set = this.waiters.get(instanceId) ?? new Set();
    set.add(listener);
    this.waiters.set(instanceId, set);
  }

  private unwatch(instanceId: string, listener: StatusListener): void {
    const set = this.waiters.get(instanceId);
    set?.delete(listener);
    if (set?.size === 0) this.waiters.delete(instanceId);
    if (this.waiters.size === 0) {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
    }
  }
}
