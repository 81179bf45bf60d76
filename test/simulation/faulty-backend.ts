// One worker's view of the task hub, with faults injected between the worker and real storage:
// - crash: from the n-th call on, nothing this worker does reaches storage and no reply reaches it (a call
//   already in flight may still commit, as a process killed after its commit would), like a killed process;
// - lost lease: renewals are silently dropped, so a stalled activity's lease runs out;
// - duplicate delivery: a completed activity's result, or a committed timer's firing, is delivered a second
//   time, late, straight into the instance's inbox (the engine must drop the copy).
import type {
  WorkerInfo,
  ActivityLeaseRequest,
  ActivityWorkItem,
  Backend,
  BackendSignal,
  CreateReusePolicy,
  WorkflowLockOptions,
  TurnResult,
  WorkflowCountQuery,
  WorkflowCounts,
  WorkflowPage,
  WorkflowQuery,
  WorkflowWorkItem,
} from '../../src/backends/backend.js';
import type { ExecutionStartedEvent, HistoryEvent, TaskCompletedEvent, TaskFailedEvent } from '../../src/protocol/history.js';
import type { WorkflowMetadata } from '../../src/protocol/metadata.js';

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated worker crash');
    this.name = 'SimulatedCrash';
  }
}

export interface FaultOptions {
  /** Crash at this call (1-based count of the worker's backend calls); undefined: never. */
  crashAtCall?: number;
  /** The crashing call itself reaches storage (its reply is lost) instead of failing before it. */
  crashAfterCommit?: boolean;
  onCrash?: () => void;
  dropRenewals?: boolean;
  /** Chance (0-1000) of a duplicate delivery; draws come from `random`. */
  duplicatePerMille?: number;
  random?: () => number;
  /** Called with every late duplicate's promise, so the run can wait for them before checking. */
  track?: (p: Promise<void>) => void;
}

export class FaultyBackend implements Backend {
  private calls = 0;
  private crashed = false;
  private readonly inner: Backend;
  private readonly o: FaultOptions;
  private readonly unsubscribers = new Set<() => void>();

  constructor(inner: Backend, options: FaultOptions = {}) {
    this.inner = inner;
    this.o = options;
  }

  get hasCrashed(): boolean {
    return this.crashed;
  }

  /** Crashes now: every later call fails and no more wake-ups reach the worker. */
  crash(): void {
    if (this.crashed) return;
    this.crashed = true;
    for (const u of this.unsubscribers) u();
    this.unsubscribers.clear();
    this.o.onCrash?.();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.crashed) throw new SimulatedCrash();
    this.calls++;
    const at = this.o.crashAtCall;
    if (at !== undefined && this.calls === at && !this.o.crashAfterCommit) {
      this.crash();
      throw new SimulatedCrash();
    }
    const result = await fn();
    if (at !== undefined && this.calls >= at) this.crash();
    if (this.crashed) throw new SimulatedCrash();
    return result;
  }

  private duplicate(): boolean {
    const p = this.o.duplicatePerMille ?? 0;
    return p > 0 && (this.o.random ?? Math.random)() * 1000 < p;
  }

  private deliverLate(instanceId: string, event: HistoryEvent, atMs: number): void {
    const copy = structuredClone(event);
    const p = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())))
      .then(() => this.inner.addWorkflowEvent(instanceId, copy))
      .catch(() => undefined); // purged or finished meanwhile: nothing to deliver to
    this.o.track?.(p);
  }

  init(): Promise<void> {
    return this.inner.init();
  }
  close(): Promise<void> {
    return Promise.resolve(); // the hub outlives the worker
  }
  createWorkflowInstance(event: ExecutionStartedEvent, options?: { reuse?: CreateReusePolicy }): Promise<void> {
    return this.call(() => this.inner.createWorkflowInstance(event, options));
  }
  addWorkflowEvent(instanceId: string, event: HistoryEvent): Promise<void> {
    return this.call(() => this.inner.addWorkflowEvent(instanceId, event));
  }
  lockWorkflowWorkItem(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    return this.call(() => this.inner.lockWorkflowWorkItem(options));
  }
  getWorkflowHistory(instanceId: string, fromIndex?: number): Promise<HistoryEvent[]> {
    return this.call(() => this.inner.getWorkflowHistory(instanceId, fromIndex));
  }
  async completeWorkflowWorkItem(item: WorkflowWorkItem, result: TurnResult, options?: { leaseActivities?: ActivityLeaseRequest }): Promise<ActivityWorkItem[]> {
    const leased = await this.call(() => this.inner.completeWorkflowWorkItem(item, result, options));
    for (const timer of result.timers) {
      // Far-off timers (an event's long timeout) would only keep the run waiting for their copy.
      if (timer.visibleAt.getTime() - Date.now() > 2000) continue;
      if (this.duplicate()) this.deliverLate(item.instanceId, timer.event, timer.visibleAt.getTime() + 5);
    }
    return leased;
  }
  abandonWorkflowWorkItem(item: WorkflowWorkItem, options?: { delayMs?: number }): Promise<void> {
    return this.call(() => this.inner.abandonWorkflowWorkItem(item, options));
  }
  renewWorkflowWorkItem(item: WorkflowWorkItem, leaseMs: number): Promise<void> {
    if (this.o.dropRenewals) return this.call(async () => undefined);
    return this.call(() => this.inner.renewWorkflowWorkItem(item, leaseMs));
  }
  lockActivityWorkItem(options: { lockedBy: string; leaseMs: number }): Promise<ActivityWorkItem | undefined> {
    return this.call(() => this.inner.lockActivityWorkItem(options));
  }
  async completeActivityWorkItem(
    item: ActivityWorkItem,
    result: TaskCompletedEvent | TaskFailedEvent,
    options?: { leaseWorkflow?: WorkflowLockOptions },
  ): Promise<WorkflowWorkItem | undefined> {
    const leased = await this.call(() => this.inner.completeActivityWorkItem(item, result, options));
    if (this.duplicate()) this.deliverLate(item.instanceId, result, Date.now() + 1 + Math.floor((this.o.random ?? Math.random)() * 30));
    return leased;
  }
  abandonActivityWorkItem(item: ActivityWorkItem, options?: { delayMs?: number }): Promise<void> {
    return this.call(() => this.inner.abandonActivityWorkItem(item, options));
  }
  renewActivityWorkItem(item: ActivityWorkItem, leaseMs: number): Promise<void> {
    if (this.o.dropRenewals) return this.call(async () => undefined);
    return this.call(() => this.inner.renewActivityWorkItem(item, leaseMs));
  }
  getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined> {
    return this.call(() => this.inner.getWorkflowMetadata(instanceId));
  }
  listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    return this.call(() => this.inner.listWorkflows(query));
  }
  countWorkflows(query: WorkflowCountQuery): Promise<WorkflowCounts> {
    return this.call(() => this.inner.countWorkflows(query));
  }
  heartbeatWorker(worker: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void> {
    return this.inner.heartbeatWorker(worker);
  }
  removeWorker(workerId: string): Promise<void> {
    return this.inner.removeWorker(workerId);
  }
  listWorkers(options?: { since?: Date }): Promise<WorkerInfo[]> {
    return this.inner.listWorkers(options);
  }
  purgeWorkflow(instanceId: string): Promise<boolean> {
    return this.call(() => this.inner.purgeWorkflow(instanceId));
  }
  subscribe(listener: (signal: BackendSignal) => void): () => void {
    if (this.crashed) return () => undefined;
    const unsubscribe = this.inner.subscribe(listener);
    this.unsubscribers.add(unsubscribe);
    return () => {
      this.unsubscribers.delete(unsubscribe);
      unsubscribe();
    };
  }
}
