// The client: start, inspect, signal and clean up workflow instances on a backend.
import type { Backend, CreateReusePolicy, WorkflowQuery } from '../backends/backend.js';
import { validateInstanceId } from '../core/instance-id.js';
import { encodePayload } from '../core/payload.js';
import type { HistoryEvent } from '../protocol/history.js';
import { isTerminalStatus } from '../protocol/status.js';
import { InvalidArgumentError, WorkflowNotFoundError } from '../errors.js';
import { refName } from '../sdk/registry.js';
import type { WorkflowRef } from '../sdk/types.js';
import { EncodedClient } from './encoded-client.js';
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
   * (missing ones are skipped). Refuses an instance that is still running. Returns how many were deleted.
   */
  async purgeWorkflow(instanceId: string, options: { recursive?: boolean } = {}): Promise<number> {
    validateInstanceId(instanceId);
    const metadata = await this.backend.getWorkflowMetadata(instanceId);
    if (!metadata) return 0;
    let count = 0;
    if (options.recursive ?? true) {
      if (isTerminalStatus(metadata.runtimeStatus)) {
        for (const child of await this.childInstanceIds(instanceId)) count += await this.purgeWorkflow(child, { recursive: true });
      }
    }
    return count + ((await this.backend.purgeWorkflow(instanceId)) ? 1 : 0);
  }

  /** Purges every finished instance matching the filter (statuses default to the terminal ones). */
  async purgeWorkflows(filter: Omit<WorkflowQuery, 'pageSize' | 'continuationToken'>, options: { recursive?: boolean } = {}): Promise<number> {
    const statuses = (filter.statuses ?? ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']).filter(isTerminalStatus);
    let count = 0;
    for (;;) {
      // Purging shrinks the result set, so always read the first page again.
      const page = await this.backend.listWorkflows({ ...filter, statuses, pageSize: 500 });
      if (page.instances.length === 0) return count;
      for (const instance of page.instances) count += await this.purgeWorkflow(instance.instanceId, options);
    }
  }

  async listWorkflows(query: WorkflowQuery = {}): Promise<WorkflowStatePage> {
    const page = await this.backend.listWorkflows(query);
    return { instances: page.instances.map((m) => toWorkflowState(m, query.includePayloads ?? false)), continuationToken: page.continuationToken };
  }

  async getWorkflowHistory(instanceId: string): Promise<HistoryEvent[]> {
    validateInstanceId(instanceId);
    if (!(await this.backend.getWorkflowMetadata(instanceId))) throw new WorkflowNotFoundError(instanceId);
    return this.backend.getWorkflowHistory(instanceId);
  }

  private async childInstanceIds(instanceId: string): Promise<string[]> {
    const history = await this.backend.getWorkflowHistory(instanceId);
    const ids = new Set<string>();
    for (const e of history) if (e.type === 'childWorkflowInstanceCreated') ids.add(e.instanceId);
    return [...ids];
  }
}
