// The Backend interface: storage of instances, histories, inboxes and the activity queue.
// Backends differ only in storage; every engine rule lives in core/. One conformance suite
// (test/conformance/backend-suite.ts) runs against every implementation.
import type { ExecutionStartedEvent, HistoryEvent, TaskCompletedEvent, TaskFailedEvent, TaskScheduledEvent } from '../protocol/history.js';
import type { TurnResult } from '../core/turn-result.js';
import type { RuntimeStatus } from '../protocol/status.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';

// The turn's result is the core's output; backends take it from there.
export type { InstanceUpdate, OutboundMessage, TimerMessage, TurnResult } from '../core/turn-result.js';

/** A locked batch of an instance's visible inbox events. Exactly one per instance at a time. */
export interface WorkflowWorkItem {
  readonly instanceId: string;
  /** Unique per lock: completion, abandon and renewal must present it (a re-lock gets a new token). */
  readonly lockToken: string;
  lockedUntil: Date;
  /** Visible inbox events in arrival order (FIFO), at most `maxEvents`. */
  readonly newEvents: HistoryEvent[];
  /** Number of events already committed to the instance's history (the next event's index). */
  readonly historyLength: number;
  /**
   * The instance row's execution ID: the generation the committed history belongs to. With historyLength it
   * names the last committed event (history is append-only within an execution), so a worker's cached execution
   * is resumed only when no other worker has moved the instance past it (continue-as-new, a reused ID).
   */
  readonly executionId: string;
  /** How many times this batch was delivered and abandoned before (0 on first delivery). */
  readonly retryCount: number;
  /** Backend bookkeeping (e.g. the inbox row ids locked); opaque to the runtime. */
  readonly handle?: unknown;
}

export interface ActivityWorkItem {
  /** Queue id of the task, unique per backend. */
  readonly id: string;
  readonly instanceId: string;
  readonly lockToken: string;
  lockedUntil: Date;
  readonly event: TaskScheduledEvent;
  /** How many times this task was locked before (0 on the first delivery). */
  readonly retryCount: number;
}

export interface LockOptions {
  /** Worker identity, for diagnostics: "<host>,<pid>,<uuid>". */
  lockedBy: string;
  leaseMs: number;
  /**
   * The names the locking worker can run: workflow names for a workflow lock, activity names for an activity
   * lock. Only such work is locked; the rest waits for a worker that serves it (a deploy never fails an
   * instance). Undefined means any name (a worker that runs whatever it gets, such as a remote SDK).
   */
  names?: readonly string[];
}

/** Lease some of a turn's new activity tasks to the committing worker in the same transaction. */
export interface ActivityLeaseRequest extends LockOptions {
  /** At most this many (the worker's free activity slots). */
  max: number;
}

export interface WorkflowLockOptions extends LockOptions {
  /** Most inbox events in one work item. @default 1000 */
  maxEvents?: number;
}

export interface WorkflowQuery {
  statuses?: RuntimeStatus[];
  name?: string;
  instanceIdPrefix?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** @default 100 */
  pageSize?: number;
  continuationToken?: string;
  /** Include input, output, custom status. @default false */
  includePayloads?: boolean;
  /** Order by (createdAt, instanceId) descending; a token continues in the order of the query it came from. @default false */
  newestFirst?: boolean;
}

/** The filters of a WorkflowQuery that a count takes. */
export type WorkflowCountQuery = Pick<WorkflowQuery, 'statuses' | 'name' | 'instanceIdPrefix' | 'createdFrom' | 'createdTo'>;

/** How many instances match, per runtime status; statuses with none are absent. */
export type WorkflowCounts = Partial<Record<RuntimeStatus, number>>;

export interface WorkflowPage {
  instances: WorkflowMetadata[];
  /** Present when more instances may follow. */
  continuationToken?: string;
}

/** A worker's announcement: who it is and what it serves, refreshed by its heartbeat. */
export interface WorkerInfo {
  /** Unique per worker process: "<host>,<pid>,<uuid>" (the lockedBy of its leases). */
  workerId: string;
  /** A name for people (WorkerOptions.name). */
  name: string;
  host: string;
  pid: number;
  /** Names it locks. */
  workflows: string[];
  activities: string[];
  startedAt: Date;
  /** Set by the backend's clock on each heartbeat. */
  heartbeatAt: Date;
}

export type CreateReusePolicy =
  /** An existing instance with this ID is an error (WorkflowAlreadyExistsError). */
  | 'error'
  /** A terminal (COMPLETED, FAILED, TERMINATED, CANCELED) instance is purged and replaced; a live one is an error. */
  | 'replaceTerminal';

export type BackendSignal =
  | { kind: 'workflowWork' }
  | { kind: 'activityWork' }
  /** runtimeStatus is the status after the change when the backend knows it; absent means "read it". */
  | { kind: 'statusChanged'; instanceId: string; runtimeStatus?: RuntimeStatus };

export interface Backend {
  /** Creates or migrates the schema. Idempotent, safe when several processes start at once. */
  init(): Promise<void>;
  close(): Promise<void>;

  /**
   * Creates an instance (status PENDING) and enqueues its ExecutionStarted, visible at
   * event.scheduledStartTimestamp when set. Throws WorkflowAlreadyExistsError per the policy.
   */
  createWorkflowInstance(event: ExecutionStartedEvent, options?: { reuse?: CreateReusePolicy }): Promise<void>;

  /**
   * Appends an event to an instance's inbox. Throws WorkflowNotFoundError when the instance does not exist.
   * While the instance waits for a scheduled start, the event stays invisible until that start time.
   */
  addWorkflowEvent(instanceId: string, event: HistoryEvent): Promise<void>;

  /** Locks the next instance that has visible inbox events, or returns undefined if none. Never blocks. */
  lockWorkflowWorkItem(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined>;
  /** History events from index `fromIndex` (default 0) on, in order. Empty for unknown instances. */
  getWorkflowHistory(instanceId: string, fromIndex?: number): Promise<HistoryEvent[]>;
  /**
   * Commits a turn in one transaction: appends history (or replaces it on continue-as-new), updates the
   * instance, deletes exactly the inbox events of the work item, inserts activity tasks, timers and
   * messages (creating instances for ExecutionStarted messages under core/delivery rules), releases the lock.
   * Throws LeaseLostError and changes nothing when the lock token is no longer the instance's.
   * With `leaseActivities`, the first `max` of the turn's activity tasks are committed already leased to that
   * worker and returned, saving it a lock transaction per task; otherwise (and for the rest) returns none.
   */
  completeWorkflowWorkItem(
    item: WorkflowWorkItem,
    result: TurnResult,
    options?: { leaseActivities?: ActivityLeaseRequest },
  ): Promise<ActivityWorkItem[]>;
  /** Releases the lock; the batch becomes visible again after delayMs. Throws LeaseLostError on a lost lock. */
  abandonWorkflowWorkItem(item: WorkflowWorkItem, options?: { delayMs?: number }): Promise<void>;
  /** Extends the lease to now + leaseMs. Throws LeaseLostError on a lost lock. */
  renewWorkflowWorkItem(item: WorkflowWorkItem, leaseMs: number): Promise<void>;

  lockActivityWorkItem(options: LockOptions): Promise<ActivityWorkItem | undefined>;
  /**
   * In one transaction: deletes the task and appends the result to the instance's inbox (dropped if the
   * instance no longer exists). Throws LeaseLostError and changes nothing on a lost lock. With `leaseWorkflow`,
   * the instance is also locked in that transaction and returned as a work item when no one holds it and it has
   * visible events, saving the worker a lock transaction; otherwise returns undefined. It is an optimisation a
   * backend may decline (PostgreSQL does: one statement cannot see the row it just inserted), never a guarantee.
   */
  completeActivityWorkItem(
    item: ActivityWorkItem,
    result: TaskCompletedEvent | TaskFailedEvent,
    options?: { leaseWorkflow?: WorkflowLockOptions },
  ): Promise<WorkflowWorkItem | undefined>;
  abandonActivityWorkItem(item: ActivityWorkItem, options?: { delayMs?: number }): Promise<void>;
  renewActivityWorkItem(item: ActivityWorkItem, leaseMs: number): Promise<void>;

  /** Undefined when the instance does not exist. Payloads are always included. */
  getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined>;
  listWorkflows(query: WorkflowQuery): Promise<WorkflowPage>;
  /** Counts the instances matching the filters of listWorkflows, per status (one grouped read). */
  countWorkflows(query: WorkflowCountQuery): Promise<WorkflowCounts>;
  /**
   * Deletes one instance with its history, inbox and tasks. Returns false when it does not exist;
   * throws FailedPreconditionError when it is not terminal.
   */
  purgeWorkflow(instanceId: string): Promise<boolean>;

  /** Records a worker's announcement, or refreshes it (heartbeatAt is now). */
  heartbeatWorker(worker: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void>;
  /** Forgets a worker (a graceful stop). */
  removeWorker(workerId: string): Promise<void>;
  /** The workers whose last heartbeat is at or after `since` (default: every one recorded), oldest first. */
  listWorkers(options?: { since?: Date }): Promise<WorkerInfo[]>;

  /**
   * Wake-ups for idle loops and waiting clients: new work, or an instance whose status changed.
   * Best effort (polling stays the fallback); returns the unsubscribe function.
   */
  subscribe(listener: (signal: BackendSignal) => void): () => void;
}

export type ActivityResultEvent = TaskCompletedEvent | TaskFailedEvent;
