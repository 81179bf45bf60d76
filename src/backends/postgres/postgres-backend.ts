// PostgreSQL backend for scale-out: many worker processes on many hosts share one database schema.
// Leases and visibility use the DATABASE clock (now()) everywhere, so hosts with skewed clocks agree on
// who holds a lease and when a timer is due; only instants computed by the engine (fireAt, scheduled
// start, createdAt) come from the caller. Wake-ups travel by LISTEN/NOTIFY between processes.
import { PreparingClient } from './preparing-client.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type {
  ActivityLeaseRequest,
  ActivityResultEvent,
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
  WorkflowWorkItem,
  WorkerInfo,
} from '../backend.js';
import { InvalidArgumentError, UnavailableError } from '../../errors.js';
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { abandonActivity, lockActivity, renewActivity } from './activity-queue.js';
import { addEvent, countInstances, createInstance, getHistory, getMetadata, listInstances, purgeInstance } from './instance-store.js';
import { assertCurrentSchema, migrate } from './migrations.js';
import { Notifier } from './notifier.js';
import { channelOf, tablesOf, type Tables } from './queries.js';
import { abandonWorkflow, leaseKeyOf, renewWorkflow, type WorkflowHandle } from './workflow-queue.js';
import { TurnBatcher } from './turn-batch.js';
import { ActivityBatcher } from './activity-batch.js';
import { LockBatcher } from './lock-batch.js';
import { CreateBatcher } from './create-batch.js';
import { heartbeatWorker, listWorkers, removeWorker } from './worker-store.js';
import { isStartMessage } from '../../core/delivery.js';

export interface PostgresBackendOptions {
  /** e.g. `postgres://user@host:5432/db`. */
  connectionString: string;
  /** PostgreSQL schema holding the tables; one schema is one task hub. @default 'durabletask' */
  schema?: string;
  /** Connections in the pool (the LISTEN connection is extra). @default 10 */
  poolSize?: number;
  /** LISTEN/NOTIFY wake-ups across processes; when false, subscribe() only sees this object's own writes. @default true */
  notify?: boolean;
  /** application_name of every connection of this object (shows in pg_stat_activity). @default 'durabletask-<random>' */
  applicationName?: string;
  /** Receives connection errors that are not thrown to a caller (idle pool clients, the listener). */
  onError?: (err: Error) => void;
  /**
   * Open an existing task hub for reading only (the CLI's inspecting commands): init() creates and migrates
   * nothing, a schema that is not a task hub at this version is refused, and every transaction is read-only.
   * @default false
   */
  readOnly?: boolean;
}

export class PostgresBackend implements Backend {
  readonly schema: string;
  readonly applicationName: string;
  readonly channel: string;
  private readonly pool: pg.Pool;
  private readonly tables: Tables;
  private readonly notifier: Notifier | undefined;
  private readonly turns: TurnBatcher;
  private readonly activities: ActivityBatcher;
  private readonly locks: LockBatcher;
  private readonly creates: CreateBatcher;
  private readonly listeners = new Set<(signal: BackendSignal) => void>();
  private closed = false;

  constructor(private readonly options: PostgresBackendOptions) {
    if (!options.connectionString) throw new InvalidArgumentError('connectionString', 'is required');
    this.schema = options.schema ?? 'durabletask';
    if (this.schema.length === 0 || Buffer.byteLength(this.schema) > 63) {
      throw new InvalidArgumentError('schema', 'must be 1 to 63 bytes long');
    }
    this.applicationName = options.applicationName ?? `durabletask-${randomUUID().slice(0, 8)}`;
    this.channel = channelOf(this.schema);
    this.tables = tablesOf(this.schema);
    const notify = (options.notify ?? true) && !options.readOnly;
    this.pool = new pg.Pool({
      Client: PreparingClient,
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: this.applicationName,
      // The server refuses any write of a read-only object, whatever code path asks for one.
      options: options.readOnly ? '-c default_transaction_read_only=on' : undefined,
      // TCP keep-alive notices a peer host that vanished without closing the socket.
      keepAlive: true,
    });
    // An idle client whose connection dies emits 'error' on the pool; without a handler that kills the process.
    this.pool.on('error', (err) => options.onError?.(err));
    // pg-pool hands a released client to a waiting connect() through a promise, so for a moment the client is
    // checked out with no 'error' listener; a FATAL that arrives in the same socket chunk (pg_terminate_backend)
    // would then crash the process. A permanent listener closes that gap; the holder still sees the failure
    // on its next query, which releases the client as broken.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.turns = new TurnBatcher(this.pool, this.tables);
    this.activities = new ActivityBatcher(this.pool, this.tables);
    this.locks = new LockBatcher(this.pool, this.tables);
    this.creates = new CreateBatcher(this.pool, this.tables);
    this.notifier = notify
      ? new Notifier({
          connectionString: options.connectionString,
          applicationName: this.applicationName,
          channel: this.channel,
          emit: (signal) => this.emit(signal),
          onError: (err) => options.onError?.(err),
        })
      : undefined;
  }

  /** How many times the LISTEN connection was (re-)established. */
  get listenerConnects(): number {
    return this.notifier?.connects ?? 0;
  }

  async init(): Promise<void> {
    this.assertOpen();
    if (this.options.readOnly) await assertCurrentSchema(this.pool, this.schema);
    else await migrate(this.pool, this.schema);
    await this.notifier?.start();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.notifier?.close();
    await this.pool.end();
  }

  async createWorkflowInstance(event: ExecutionStartedEvent, options?: { reuse?: CreateReusePolicy }): Promise<void> {
    this.assertOpen();
    const reuse = options?.reuse ?? 'error';
    await (reuse === 'error' ? this.creates.create(event) : createInstance(this.pool, this.tables, event, reuse));
    this.signal({ kind: 'statusChanged', instanceId: event.workflowInstance.instanceId, runtimeStatus: 'PENDING' });
    // A scheduled start is not work until then; idle workers poll.
    if (!event.scheduledStartTimestamp || event.scheduledStartTimestamp.getTime() <= Date.now()) this.signal({ kind: 'workflowWork' });
  }

  async addWorkflowEvent(instanceId: string, event: HistoryEvent): Promise<void> {
    this.assertOpen();
    await addEvent(this.pool, this.tables, instanceId, event);
    this.signal({ kind: 'workflowWork' });
  }

  async lockWorkflowWorkItem(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    this.assertOpen();
    return this.locks.lock(options);
  }

  async getWorkflowHistory(instanceId: string, fromIndex?: number): Promise<HistoryEvent[]> {
    this.assertOpen();
    return getHistory(this.pool, this.tables, instanceId, fromIndex ?? 0);
  }

  async completeWorkflowWorkItem(
    item: WorkflowWorkItem,
    result: TurnResult,
    options: { leaseActivities?: ActivityLeaseRequest } = {},
  ): Promise<ActivityWorkItem[]> {
    this.assertOpen();
    const leased = await this.turns.commit(leaseKeyOf(item), result, options.leaseActivities);
    this.signalTurn(item, result, leased.length);
    return leased;
  }

  async abandonWorkflowWorkItem(item: WorkflowWorkItem, options?: { delayMs?: number }): Promise<void> {
    this.assertOpen();
    await abandonWorkflow(this.pool, this.tables, item, options?.delayMs ?? 0);
    if (!options?.delayMs) this.signal({ kind: 'workflowWork' });
  }

  async renewWorkflowWorkItem(item: WorkflowWorkItem, leaseMs: number): Promise<void> {
    this.assertOpen();
    return renewWorkflow(this.pool, this.tables, item, leaseMs);
  }

  async lockActivityWorkItem(options: LockOptions): Promise<ActivityWorkItem | undefined> {
    this.assertOpen();
    return lockActivity(this.pool, this.tables, options);
  }

  async completeActivityWorkItem(
    item: ActivityWorkItem,
    result: ActivityResultEvent,
    options: { leaseWorkflow?: WorkflowLockOptions } = {},
  ): Promise<WorkflowWorkItem | undefined> {
    this.assertOpen();
    const leased = await this.activities.complete(item, result, options.leaseWorkflow);
    if (!leased) this.signal({ kind: 'workflowWork' });
    return leased;
  }

  async abandonActivityWorkItem(item: ActivityWorkItem, options?: { delayMs?: number }): Promise<void> {
    this.assertOpen();
    await abandonActivity(this.pool, this.tables, item, options?.delayMs ?? 0);
    if (!options?.delayMs) this.signal({ kind: 'activityWork' });
  }

  async renewActivityWorkItem(item: ActivityWorkItem, leaseMs: number): Promise<void> {
    this.assertOpen();
    return renewActivity(this.pool, this.tables, item, leaseMs);
  }

  async getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined> {
    this.assertOpen();
    return getMetadata(this.pool, this.tables, instanceId);
  }

  async listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    this.assertOpen();
    return listInstances(this.pool, this.tables, query);
  }

  async countWorkflows(query: WorkflowCountQuery): Promise<WorkflowCounts> {
    this.assertOpen();
    return countInstances(this.pool, this.tables, query);
  }

  async purgeWorkflow(instanceId: string): Promise<boolean> {
    this.assertOpen();
    return purgeInstance(this.pool, this.tables, instanceId);
  }

  async heartbeatWorker(worker: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void> {
    this.assertOpen();
    await heartbeatWorker(this.pool, this.tables, worker);
  }

  async removeWorker(workerId: string): Promise<void> {
    this.assertOpen();
    await removeWorker(this.pool, this.tables, workerId);
  }

  async listWorkers(options: { since?: Date } = {}): Promise<WorkerInfo[]> {
    this.assertOpen();
    return listWorkers(this.pool, this.tables, options.since);
  }

  subscribe(listener: (signal: BackendSignal) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(signal: BackendSignal): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(signal);
      } catch (err) {
        this.options.onError?.(err as Error);
      }
    }
  }

  /** Tells this object's subscribers at once, and other processes (notify: true) after this event-loop turn. */
  private signal(signal: BackendSignal): void {
    this.emit(signal);
    this.notifier?.publish(signal);
  }

  private signalTurn(item: WorkflowWorkItem, result: TurnResult, leasedTasks: number): void {
    const before = (item.handle as WorkflowHandle | undefined)?.status;
    const after = result.instance?.runtimeStatus;
    if (after && after !== before) this.signal({ kind: 'statusChanged', instanceId: item.instanceId, runtimeStatus: after });
    if (result.activityTasks.length > leasedTasks) this.signal({ kind: 'activityWork' });
    // Start messages may create instances: their status is for a read to tell.
    for (const message of result.messages) {
      if (isStartMessage(message)) this.signal({ kind: 'statusChanged', instanceId: message.targetInstanceId });
    }
    if (result.messages.length > 0 || result.timers.some((timer) => timer.visibleAt.getTime() <= Date.now())) {
      this.signal({ kind: 'workflowWork' });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError('the PostgreSQL backend is closed');
  }
}
