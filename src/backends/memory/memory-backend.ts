// The in-process backend: Maps and heaps, no I/O. For tests, demos and the examples; every operation is
// atomic because it runs synchronously between awaits. Events and rows are deep-copied in and out (Dates
// kept) so that callers never alias stored state.
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { deliveryTargets, planEvent, planTurnDelivery, type DeliveryStep, type TargetState } from '../../core/delivery.js';
import { FailedPreconditionError, LeaseLostError, WorkflowAlreadyExistsError, WorkflowNotFoundError } from '../../errors.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { isTerminalStatus } from '../../protocol/status.js';
import type {
  ActivityResultEvent,
  ActivityLeaseRequest,
  ActivityWorkItem,
  Backend,
  BackendSignal,
  CreateReusePolicy,
  LockOptions,
  WorkflowLockOptions,
  WorkflowPage,
  WorkflowCountQuery,
  WorkflowCounts,
  WorkflowQuery,
  TurnResult,
  WorkerInfo,
  WorkflowWorkItem,
} from '../backend.js';
import { DEFAULT_MAX_EVENTS, applyInstanceUpdate, newInstanceRecord, pendingStartAt } from '../shared/instance-record.js';
import { servesName } from '../shared/lock-names.js';
import { ActivityQueue, type TaskRow } from './activity-queue.js';
import { copyData } from './copy-data.js';
import { InstanceTable, type InboxEntry, type InstanceState } from './instance-table.js';
import { countInstances, listInstances } from './list-instances.js';
import { SignalHub } from './signal-hub.js';
import { WorkerTable } from './worker-table.js';

export interface MemoryBackendOptions {
  /** Where "now" comes from: timers, scheduled starts and leases fall due by it. @default the real clock */
  clock?: Clock;
}

export class MemoryBackend implements Backend {
  private readonly instances = new InstanceTable();
  private readonly activities = new ActivityQueue();
  private readonly workers = new WorkerTable();
  private readonly clock: Clock;
  private readonly signals: SignalHub;

  constructor(options: MemoryBackendOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.signals = new SignalHub(() => this.nextDueAt(), this.clock);
  }

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.signals.close();
  }

  async createWorkflowInstance(event: ExecutionStartedEvent, options?: { reuse?: CreateReusePolicy }): Promise<void> {
    const start = copyData(event);
    const instanceId = start.workflowInstance.instanceId;
    const existing = this.instances.get(instanceId);
    if (existing) {
      const status = existing.record.runtimeStatus;
      if ((options?.reuse ?? 'error') === 'error' || !isTerminalStatus(status)) {
        throw new WorkflowAlreadyExistsError(instanceId, status);
      }
      this.deleteInstance(existing);
    }
    this.createInstance(start, start.scheduledStartTimestamp?.getTime() ?? this.clock.now());
    this.signals.emit({ kind: 'workflowWork' });
  }

  async addWorkflowEvent(instanceId: string, event: HistoryEvent): Promise<void> {
    const step = planEvent(instanceId, copyData(event), this.targetState(instanceId), new Date(this.clock.now()));
    if (!step) throw new WorkflowNotFoundError(instanceId);
    this.execute(step, new Set());
    this.signals.emit({ kind: 'workflowWork' });
  }

  async lockWorkflowWorkItem(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    const maxEvents = Math.max(1, options.maxEvents ?? DEFAULT_MAX_EVENTS);
    const locked = this.instances.lock(this.clock.now(), options.lockedBy, options.leaseMs, maxEvents, options.names);
    this.signals.rearm();
    return locked && this.workflowItemOf(locked.inst, locked.batch);
  }

  private workflowItemOf(inst: InstanceState, batch: InboxEntry[]): WorkflowWorkItem {
    return {
      instanceId: inst.record.instanceId,
      lockToken: inst.lockToken!,
      lockedUntil: new Date(inst.lockedUntil),
      newEvents: batch.map((entry) => copyData(entry.event)),
      historyLength: inst.history.length,
      executionId: inst.record.executionId,
      retryCount: Math.max(...batch.map((entry) => entry.dequeueCount)) - 1,
    };
  }

  async getWorkflowHistory(instanceId: string, fromIndex = 0): Promise<HistoryEvent[]> {
    return copyData(this.instances.get(instanceId)?.history.slice(fromIndex) ?? []);
  }

  async completeWorkflowWorkItem(
    item: WorkflowWorkItem,
    result: TurnResult,
    options: { leaseActivities?: ActivityLeaseRequest } = {},
  ): Promise<ActivityWorkItem[]> {
    const inst = this.heldInstance(item);
    // Copy first, before any change: the turn must never alias the caller's objects.
    const turn = copyData(result);
    const nowMs = this.clock.now();
    const now = new Date(nowMs);
    const before = inst.record.runtimeStatus;
    // Decided on the targets as they are before any write (and on this instance as the turn leaves it).
    const targets = new Map(deliveryTargets(turn.messages).map((id) => [id, this.targetState(id)]));
    const plan = planTurnDelivery({ senderId: item.instanceId, result: turn, targets, now });
    inst.history = turn.continuedAsNew ? turn.newHistory : inst.history.concat(turn.newHistory);
    if (turn.instance) inst.record = applyInstanceUpdate(inst.record, turn.instance, now);
    if (plan.warnings.length > 0) this.addWarnings(inst, plan.warnings);
    this.instances.consumeLocked(inst);
    this.instances.unlock(inst);
    const lease = options.leaseActivities;
    const leased: ActivityWorkItem[] = [];
    for (const task of turn.activityTasks) {
      // Only tasks the committing worker can run are leased to it.
      const take = lease && leased.length < lease.max && servesName(lease, task.name);
      const row = this.activities.insert(inst.record.instanceId, task, nowMs, take ? lease : undefined);
      if (row.lockToken) leased.push(this.workItemOf(row));
    }
    for (const timer of turn.timers) this.instances.enqueue(inst, timer.event, timer.visibleAt.getTime());
    const changed = new Set<string>();
    if (inst.record.runtimeStatus !== before) changed.add(inst.record.instanceId);
    for (const step of plan.steps) this.execute(step, changed);
    this.signals.emit({ kind: 'workflowWork' });
    if (turn.activityTasks.length > leased.length) this.signals.emit({ kind: 'activityWork' });
    for (const instanceId of changed) {
      this.signals.emit({ kind: 'statusChanged', instanceId, runtimeStatus: this.instances.get(instanceId)?.record.runtimeStatus });
    }
    return leased;
  }

  async abandonWorkflowWorkItem(item: WorkflowWorkItem, options?: { delayMs?: number }): Promise<void> {
    const inst = this.heldInstance(item);
    this.instances.returnLocked(inst, this.clock.now() + (options?.delayMs ?? 0));
    this.instances.unlock(inst);
    this.signals.emit({ kind: 'workflowWork' });
  }

  async renewWorkflowWorkItem(item: WorkflowWorkItem, leaseMs: number): Promise<void> {
    const inst = this.heldInstance(item);
    this.instances.renew(inst, this.clock.now() + leaseMs);
    item.lockedUntil = new Date(inst.lockedUntil);
  }

  async lockActivityWorkItem(options: LockOptions): Promise<ActivityWorkItem | undefined> {
    const task = this.activities.lock(this.clock.now(), options.lockedBy, options.leaseMs, options.names);
    this.signals.rearm();
    return task && this.workItemOf(task);
  }

  private workItemOf(task: TaskRow): ActivityWorkItem {
    return {
      id: task.id,
      instanceId: task.instanceId,
      lockToken: task.lockToken!,
      lockedUntil: new Date(task.availableAt),
      event: copyData(task.event),
      retryCount: task.dequeueCount - 1,
    };
  }

  async completeActivityWorkItem(
    item: ActivityWorkItem,
    result: ActivityResultEvent,
    options: { leaseWorkflow?: WorkflowLockOptions } = {},
  ): Promise<WorkflowWorkItem | undefined> {
    const task = this.activities.held(item.id, item.lockToken);
    if (!task) {
      // A purge deletes the instance's tasks: its late results are dropped, not errors.
      if (!this.activities.get(item.id) && !this.instances.get(item.instanceId)) return;
      throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
    }
    const event = copyData(result);
    this.activities.delete(task);
    const inst = this.instances.get(task.instanceId);
    const step = planEvent(task.instanceId, event, this.targetState(task.instanceId), new Date(this.clock.now()));
    if (!inst || !step) return undefined;
    this.execute(step, new Set());
    const lease = options.leaseWorkflow;
    const batch =
      lease &&
      servesName(lease, inst.record.name) &&
      this.instances.lockOne(inst, this.clock.now(), lease.lockedBy, lease.leaseMs, Math.max(1, lease.maxEvents ?? DEFAULT_MAX_EVENTS));
    if (batch) return this.workflowItemOf(inst, batch);
    this.signals.emit({ kind: 'workflowWork' });
    return undefined;
  }

  async abandonActivityWorkItem(item: ActivityWorkItem, options?: { delayMs?: number }): Promise<void> {
    const task = this.heldTask(item);
    this.activities.release(task, this.clock.now() + (options?.delayMs ?? 0));
    this.signals.emit({ kind: 'activityWork' });
  }

  async renewActivityWorkItem(item: ActivityWorkItem, leaseMs: number): Promise<void> {
    const task = this.heldTask(item);
    this.activities.renew(task, this.clock.now() + leaseMs);
    item.lockedUntil = new Date(task.availableAt);
  }

  async getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined> {
    const inst = this.instances.get(instanceId);
    return inst && copyData(inst.record);
  }

  async listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    const records = Array.from(this.instances.values(), (inst) => inst.record);
    return copyData(listInstances(records, query));
  }

  async countWorkflows(query: WorkflowCountQuery): Promise<WorkflowCounts> {
    return countInstances(Array.from(this.instances.values(), (inst) => inst.record), query);
  }

  async purgeWorkflow(instanceId: string): Promise<boolean> {
    const inst = this.instances.get(instanceId);
    if (!inst) return false;
    const status = inst.record.runtimeStatus;
    if (!isTerminalStatus(status)) {
      throw new FailedPreconditionError(`cannot purge workflow instance '${instanceId}': it is ${status}, not terminal`);
    }
    this.deleteInstance(inst);
    return true;
  }

  async heartbeatWorker(worker: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void> {
    this.workers.heartbeat(worker, Date.now()); // liveness is wall-clock time, like the other backends
  }

  async removeWorker(workerId: string): Promise<void> {
    this.workers.remove(workerId);
  }

  async listWorkers(options: { since?: Date } = {}): Promise<WorkerInfo[]> {
    return this.workers.list(options.since);
  }

  subscribe(listener: (signal: BackendSignal) => void): () => void {
    return this.signals.subscribe(listener);
  }

  private heldInstance(item: WorkflowWorkItem): InstanceState {
    const inst = this.instances.held(item.instanceId, item.lockToken);
    if (!inst) throw new LeaseLostError(`workflow instance '${item.instanceId}'`);
    return inst;
  }

  private heldTask(item: ActivityWorkItem): TaskRow {
    const task = this.activities.held(item.id, item.lockToken);
    if (!task) throw new LeaseLostError(`activity task ${item.id} of '${item.instanceId}'`);
    return task;
  }

  /** `start` is already a private copy; its ExecutionStarted is the new instance's first inbox event. */
  private createInstance(start: ExecutionStartedEvent, visibleAt: number): void {
    const inst = this.instances.create(newInstanceRecord(start, new Date(this.clock.now())));
    this.instances.enqueue(inst, start, visibleAt);
  }

  private deleteInstance(inst: InstanceState): void {
    this.instances.delete(inst);
    this.activities.deleteForInstance(inst.record.instanceId);
  }

  private targetState(instanceId: string): TargetState | undefined {
    const record = this.instances.get(instanceId)?.record;
    return record && { runtimeStatus: record.runtimeStatus, scheduledStartAt: record.scheduledStartAt };
  }

  /** Executes one step of a core/delivery plan; `changed` collects the instances whose status it set. */
  private execute(step: DeliveryStep, changed: Set<string>): void {
    if (step.kind === 'enqueue') {
      const target = this.instances.get(step.targetInstanceId);
      if (!target) throw new Error(`delivery plan targets '${step.targetInstanceId}', which does not exist`);
      if (step.revealsStart) this.instances.makeVisible(target, step.visibleAt.getTime());
      this.instances.enqueue(target, step.event, step.visibleAt.getTime());
      return;
    }
    const id = step.start.workflowInstance.instanceId;
    const existing = this.instances.get(id);
    if (step.kind === 'replace' && existing) this.deleteInstance(existing);
    this.createInstance(step.start, step.visibleAt.getTime());
    changed.add(id);
  }

  private addWarnings(inst: InstanceState, warnings: string[]): void {
    inst.record.warnings = [...(inst.record.warnings ?? []), ...warnings];
  }

  /**
   * The earliest time (clock ms) at which queued work falls due: an inbox event, an activity task, or the expiry
   * of a lease. Undefined when nothing waits. Time skipping in tests jumps the clock here when the hub is idle.
   */
  nextDueAt(): number | undefined {
    const a = this.instances.nextDueAt();
    const b = this.activities.nextDueAt();
    if (a === undefined) return b;
    return b === undefined ? a : Math.min(a, b);
  }
}
