// The client: start, inspect, signal and clean up workflow instances on a backend.
import type { Backend, CreateReusePolicy, WorkerInfo, WorkflowCountQuery, WorkflowCounts, WorkflowQuery } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { validateInstanceId } from '../core/instance-id.js';
import { encodePayload } from '../core/payload.js';
import type { HistoryEvent } from '../protocol/history.js';
import { InvalidArgumentError, WorkflowNotFoundError } from '../errors.js';
import { refName } from '../sdk/registry.js';
import type { WorkflowRef } from '../sdk/types.js';
import { actOnMatching, BULK_TARGETS, type BulkResult, type WorkflowFilter } from './bulk-control.js';
import { EncodedClient } from './encoded-client.js';
import { restartWorkflow, rewindWorkflow } from './recovery.js';
import { LIVE_WORKER_MS, pendingActivityNames, waitingReason } from './waiting-reason.js';
import { purgeMatching, purgeTree, validStatuses, type PurgeFilter, type PurgeResult } from './purge.js';
import { toWorkflowState, type WorkflowState } from './workflow-state.js';

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
  /** The same operations on payloads already encoded (opaque text), returning stored metadata. */
  readonly encoded: EncodedClient;
  private readonly backend: Backend;
  private readonly maxPayloadBytes: number;

  constructor(options: ClientOptions) {
    this.encoded = new EncodedClient(options);
    this.backend = options.backend;
    this.maxPayloadBytes = this.encoded.maxPayloadBytes;
  }

  async scheduleNewWorkflow<I>(workflow: WorkflowRef<I, unknown>, options: ScheduleOptions<I> = {}): Promise<string> {
    const name = refName(workflow, 'workflow');
    if (options.instanceId !== undefined) validateInstanceId(options.instanceId);
    return this.encoded.startWorkflow({
      name,
      instanceId: options.instanceId,
      input: encodePayload(options.input, `input of workflow '${name}'`, this.maxPayloadBytes),
      startAt: options.startAt,
      tags: options.tags,
      reuse: options.reuse,
    });
  }

  /** The instance's state, or undefined when it does not exist. */
  async getWorkflowState(instanceId: string, options: { includePayloads?: boolean } = {}): Promise<WorkflowState | undefined> {
    const metadata = await this.encoded.getWorkflowMetadata(instanceId);
    return metadata && toWorkflowState(metadata, options.includePayloads ?? true);
  }

  /** Waits until the instance has started running (or finished). */
  async waitForWorkflowStart(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowState> {
    return toWorkflowState(await this.encoded.waitForWorkflowStart(instanceId, options), true);
  }

  /** Waits until the instance is COMPLETED, FAILED, TERMINATED or CANCELED. */
  async waitForWorkflowCompletion(instanceId: string, options: { timeoutMs?: number } = {}): Promise<WorkflowState> {
    return toWorkflowState(await this.encoded.waitForWorkflowCompletion(instanceId, options), true);
  }

  /**
   * Queues an event. As in the reference engine (and on every surface: gRPC, CLI), a finished instance accepts
   * the event and discards it; an unknown instance is WorkflowNotFoundError.
   */
  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    if (!eventName) throw new InvalidArgumentError('eventName', 'is required');
    await this.encoded.raiseEvent(instanceId, eventName, encodePayload(data, `data of event '${eventName}'`, this.maxPayloadBytes));
  }

  async suspendWorkflow(instanceId: string, reason?: string): Promise<void> {
    await this.encoded.suspendWorkflow(instanceId, encodePayload(reason, 'reason', this.maxPayloadBytes));
  }

  async resumeWorkflow(instanceId: string, reason?: string): Promise<void> {
    await this.encoded.resumeWorkflow(instanceId, encodePayload(reason, 'reason', this.maxPayloadBytes));
  }

  /**
   * Terminates the instance; with `recursive` (the default) its child workflows too. Detached workflows it
   * started are never affected. Returns once the termination is queued.
   */
  async terminateWorkflow(instanceId: string, options: { output?: unknown; recursive?: boolean } = {}): Promise<void> {
    await this.encoded.terminateWorkflow(instanceId, {
      output: encodePayload(options.output, 'output', this.maxPayloadBytes),
      recursive: options.recursive,
    });
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

  /**
   * Terminates every live (PENDING, RUNNING, SUSPENDED, STALLED) instance matching the filter, children too
   * unless `recursive` is false. Statuses must be runtime statuses (InvalidArgumentError); finished ones in
   * the filter match nothing. Returns the instances terminated and those skipped (finished meanwhile) with why.
   */
  async terminateWorkflows(filter: WorkflowFilter, options: { output?: unknown; recursive?: boolean } = {}): Promise<BulkResult> {
    return actOnMatching(this.backend, filter, BULK_TARGETS.terminate, (id) => this.terminateWorkflow(id, options));
  }

  /** Suspends every PENDING or RUNNING instance matching the filter (as terminateWorkflows). */
  async suspendWorkflows(filter: WorkflowFilter, reason?: string): Promise<BulkResult> {
    return actOnMatching(this.backend, filter, BULK_TARGETS.suspend, (id) => this.suspendWorkflow(id, reason));
  }

  /** Resumes every SUSPENDED instance matching the filter (as terminateWorkflows). */
  async resumeWorkflows(filter: WorkflowFilter, reason?: string): Promise<BulkResult> {
    return actOnMatching(this.backend, filter, BULK_TARGETS.resume, (id) => this.resumeWorkflow(id, reason));
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

  /** The workers that announced themselves within `liveWithinMs` of wall-clock time (what they serve, their last heartbeat). */
  async listWorkers(options: { liveWithinMs?: number } = {}): Promise<WorkerInfo[]> {
    return this.backend.listWorkers({ since: new Date(Date.now() - (options.liveWithinMs ?? LIVE_WORKER_MS)) });
  }

  /**
   * Why the instance waits for a worker ("no worker has registered workflow 'X' in the last 60 s"), or
   * undefined when live workers serve its workflow and pending activities (or it is not waiting at all).
   */
  async getWaitingReason(instanceId: string): Promise<string | undefined> {
    const metadata = await this.backend.getWorkflowMetadata(instanceId);
    if (!metadata) throw new WorkflowNotFoundError(instanceId);
    const workers = await this.listWorkers();
    const history = metadata.runtimeStatus === 'RUNNING' ? await this.backend.getWorkflowHistory(instanceId) : [];
    return waitingReason(metadata, workers, pendingActivityNames(history));
  }

  /**
   * Rewinds a FAILED instance to before its failures: failed activities and child workflows run again, what
   * succeeded is kept (Microsoft RewindInstance). Throws FailedPreconditionError, changing nothing, when the
   * instance is not FAILED.
   */
  async rewindWorkflow(instanceId: string, options: { reason?: string } = {}): Promise<void> {
    validateInstanceId(instanceId);
    await rewindWorkflow(this.backend, instanceId, options.reason);
  }

  /**
   * Starts the instance's workflow again from its original input (Microsoft RestartInstance): under the same
   * ID when it is finished, or as `newInstanceId`. Returns the ID of the instance that runs.
   */
  async restartWorkflow(instanceId: string, options: { newInstanceId?: string } = {}): Promise<string> {
    validateInstanceId(instanceId);
    if (options.newInstanceId !== undefined) validateInstanceId(options.newInstanceId, 'newInstanceId');
    return restartWorkflow(this.backend, instanceId, options.newInstanceId);
  }
}
