// The client's lower layer: the same operations as Client, on payloads already encoded. A payload here is
// opaque text (an SDK over gRPC may send text that is not JSON) that is never parsed, only checked against the
// size limit; results are the stored metadata, payloads as stored. Client encodes and decodes on top of it, and
// the gRPC sidecar calls it directly, so every rule of a start, an event or a wait lives in one place.
import { randomUUID } from 'node:crypto';
import type { Backend, CreateReusePolicy } from '../backends/backend.js';
import { systemClock, type Clock } from '../core/clock.js';
import { validateDelayMs, validateFireAt } from '../core/fire-time.js';
import { validateInstanceId } from '../core/instance-id.js';
import { validateTags } from '../core/tags.js';
import { checkPayloadSize, DEFAULT_MAX_PAYLOAD_BYTES } from '../core/payload.js';
import type { Payload, TaskRouter, TraceContext } from '../protocol/common.js';
import { newEvent } from '../protocol/history.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import { isTerminalStatus, type RuntimeStatus } from '../protocol/status.js';
import { InvalidArgumentError, TimeoutError, WorkflowNotFoundError } from '../errors.js';

/** Told of a status change; the status is absent when the backend does not know it. */
type StatusListener = (status?: RuntimeStatus) => void;

export interface EncodedStart {
  name: string;
  /** @default a random UUID */
  instanceId?: string;
  /** @default a random UUID */
  executionId?: string;
  input?: Payload;
  version?: string;
  /** The instance stays PENDING until then. */
  startAt?: Date;
  tags?: Record<string, string>;
  parentTraceContext?: TraceContext;
  router?: TaskRouter;
  /** What an existing instance with this ID means. @default 'error' */
  reuse?: CreateReusePolicy;
}

export interface EncodedClientOptions {
  backend: Backend;
  /** @default 4 MiB */
  maxPayloadBytes?: number;
  /** Timestamps of the events sent (wait timeouts stay in real time). @default the real clock */
  clock?: Clock;
}

export class EncodedClient {
  readonly backend: Backend;
  readonly maxPayloadBytes: number;
  private readonly clock: Clock;
  /** Waiters by instance, fed by one backend subscription shared by every wait of this client. */
  private readonly waiters = new Map<string, Set<StatusListener>>();
  private unsubscribe: (() => void) | undefined;

  constructor(options: EncodedClientOptions) {
    this.backend = options.backend;
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.clock = options.clock ?? systemClock;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  /** Creates the instance; returns its ID. */
  async startWorkflow(start: EncodedStart): Promise<string> {
    if (!start.name) throw new InvalidArgumentError('name', 'is required and must not be empty');
    if (start.instanceId !== undefined) validateInstanceId(start.instanceId);
    if (start.startAt !== undefined) validateFireAt(start.startAt, 'startAt');
    const instanceId = start.instanceId ?? randomUUID();
    const event = newEvent('executionStarted', this.now(), {
      name: start.name,
      version: start.version,
      input: checkPayloadSize(start.input, `input of workflow '${start.name}'`, this.maxPayloadBytes),
      workflowInstance: { instanceId, executionId: start.executionId ?? randomUUID() },
      scheduledStartTimestamp: start.startAt,
      tags: start.tags === undefined ? undefined : validateTags(start.tags),
      parentTraceContext: start.parentTraceContext,
      router: start.router,
    });
    await this.backend.createWorkflowInstance(event, { reuse: start.reuse ?? 'error' });
    return instanceId;
  }

  /**
   * Queues an event for the instance. As in the reference engine, an instance that has finished accepts it and
   * discards it (its history does not change); an unknown instance is WorkflowNotFoundError.
   */
  async raiseEvent(instanceId: string, eventName: string, input?: Payload): Promise<void> {
    validateInstanceId(instanceId);
    if (!eventName) throw new InvalidArgumentError('eventName', 'is required');
    checkPayloadSize(input, `data of event '${eventName}'`, this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('eventRaised', this.now(), { name: eventName, input }));
  }

  async suspendWorkflow(instanceId: string, reason?: Payload): Promise<void> {
    validateInstanceId(instanceId);
    checkPayloadSize(reason, 'reason', this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionSuspended', this.now(), { input: reason }));
  }

  async resumeWorkflow(instanceId: string, reason?: Payload): Promise<void> {
    validateInstanceId(instanceId);
    checkPayloadSize(reason, 'reason', this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionResumed', this.now(), { input: reason }));
  }

  /** Queues the termination; with `recursive` (the default) of its child workflows too. */
  async terminateWorkflow(instanceId: string, options: { output?: Payload; recursive?: boolean } = {}): Promise<void> {
    validateInstanceId(instanceId);
    const input = checkPayloadSize(options.output, 'output', this.maxPayloadBytes);
    await this.backend.addWorkflowEvent(instanceId, newEvent('executionTerminated', this.now(), { input, recurse: options.recursive ?? true }));
  }

  async getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined> {
    validateInstanceId(instanceId);
    return this.backend.getWorkflowMetadata(instanceId);
  }

  /** Waits until the instance has started running (or finished). */
  waitForWorkflowStart(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowMetadata> {
    return this.waitFor(instanceId, (s) => s !== 'PENDING', 'start', options.timeoutMs);
  }

  /** Waits until the instance is COMPLETED, FAILED, TERMINATED or CANCELED. */
  waitForWorkflowCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowMetadata> {
    return this.waitFor(instanceId, isTerminalStatus, 'completion', options.timeoutMs);
  }

  private async waitFor(instanceId: string, done: (s: RuntimeStatus) => boolean, what: string, timeoutMs?: number): Promise<WorkflowMetadata> {
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
        if (done(metadata.runtimeStatus)) return metadata;
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
