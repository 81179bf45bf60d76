// SqliteBackend: the embedded, durable default backend on better-sqlite3 (synchronous, one connection
// per object). Writes go through the group committer (one transaction per event-loop turn); reads run
// directly. Several processes may share one file: WAL mode, busy_timeout, BEGIN IMMEDIATE and retries.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
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
import type { ExecutionStartedEvent, HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { DurableTaskError, FailedPreconditionError, InvalidArgumentError } from '../../errors.js';
import { GroupCommitter, type TxContext } from './group-commit.js';
import { Statements } from './statements.js';
import { assertCurrentSchema, createOrMigrate, SQLITE_SCHEMA_VERSION } from './schema.js';
import { retryBusy } from './busy.js';
import { addEvent, createInstance, purgeInstance } from './instance-store.js';
import { abandonWorkflow, completeWorkflow, hasWorkflowWork, lockWorkflow, renewWorkflow } from './workflow-queue.js';
import { abandonActivity, completeActivity, hasActivityWork, lockActivity, renewActivity } from './activity-queue.js';
import { countInstances, listInstances, readHistory, readMetadata } from './queries.js';
import { heartbeatWorker, listWorkers, removeWorker } from './worker-store.js';

export interface SqliteBackendOptions {
  /** Database file; ':memory:' for a private in-memory database (tests). @default './durabletask.sqlite' */
  path?: string;
  /** Refuse to create the file when it does not exist (the CLI inspects existing task hubs). @default false */
  mustExist?: boolean;
  /**
   * Open an existing task hub for reading only (the CLI's inspecting commands): the file is never created,
   * migrated or written, and one that is not a task hub at this schema version is a FailedPreconditionError.
   * @default false
   */
  readOnly?: boolean;
  /**
   * FULL fsyncs the WAL on every commit, so a committed turn survives power loss; NORMAL only survives a
   * process crash (the last commits can be lost on power loss) but is faster. Group commit makes FULL
   * cost one fsync per batch of completions, which is why it is the default.
   * @default 'FULL'
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long SQLite waits for another process's write lock inside one statement. @default 5000 */
  busyTimeoutMs?: number;
  /** Share one transaction among the writes of one event-loop turn. Off only for measurements. @default true */
  groupCommit?: boolean;
  /**
   * Page size of a new file (an existing file keeps its own): a power of two from 512 to 65536. A turn
   * changes a few small rows scattered over several tables and indexes, and the WAL writes each changed
   * page whole, so small pages mean fewer bytes written and fsynced per commit (measured on the
   * throughput benchmark: 1024 about 1.3x the workflows/s of SQLite's 4096).
   * @default 1024
   */
  pageSize?: number;
}

interface Open {
  db: Database.Database;
  sql: Statements;
  committer: GroupCommitter;
}

/** A SQLite database still busy after this long is reported as UnavailableError. */
const BUSY_GIVE_UP_MS = 60_000;

export class SqliteBackend implements Backend {
  /** The schema version this code reads and writes (the CLI reports it). */
  static readonly schemaVersion = SQLITE_SCHEMA_VERSION;

  readonly path: string;
  private readonly pageSize: number;
  private readonly options: SqliteBackendOptions;
  private open?: Open;
  private readonly listeners = new Set<(signal: BackendSignal) => void>();
  /** Whether the last lock attempt of each queue found nothing (the next one reads first). */
  private workflowsIdle = true;
  private activitiesIdle = true;

  constructor(options: SqliteBackendOptions = {}) {
    this.options = options;
    this.path = options.path ?? './durabletask.sqlite';
    this.pageSize = options.pageSize ?? 1024;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 512 || this.pageSize > 65536 || (this.pageSize & (this.pageSize - 1)) !== 0) {
      throw new InvalidArgumentError('pageSize', `${options.pageSize} is not a power of two from 512 to 65536`);
    }
  }

  /** Transactions committed by this object so far (group commit makes this lower than the number of writes). */
  get commitCount(): number {
    return this.open?.committer.commits ?? 0;
  }

  async init(): Promise<void> {
    if (this.open) return;
    const memory = this.path === ':memory:' || this.path === '';
    const readOnly = (this.options.readOnly ?? false) && !memory;
    const mustExist = ((this.options.mustExist ?? false) || readOnly) && !memory;
    if (mustExist && !existsSync(this.path)) {
      throw new DurableTaskError('NOT_FOUND', `task hub database '${this.path}' does not exist`);
    }
    const db = new Database(this.path, { fileMustExist: mustExist, readonly: readOnly, timeout: this.options.busyTimeoutMs ?? 5000 });
    try {
      await retryBusy(() => (readOnly ? this.check(db) : this.prepare(db)), BUSY_GIVE_UP_MS);
    } catch (error) {
      db.close();
      throw error;
    }
    const committer = new GroupCommitter(db, (signals) => this.emit(signals), {
      enabled: this.options.groupCommit ?? true,
      busyGiveUpMs: BUSY_GIVE_UP_MS,
    });
    this.open = { db, sql: new Statements(db), committer };
  }

  /** A read-only open only checks the schema (and reads the file's own journal mode). */
  private check(db: Database.Database): void {
    try {
      db.pragma('cache_size = -65536');
      assertCurrentSchema(db, this.path);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new FailedPreconditionError(`'${this.path}' is not a SQLite database`);
      throw error;
    }
  }

  private prepare(db: Database.Database): void {
    try {
      // Only a new file takes it (see the option).
      db.pragma(`page_size = ${this.pageSize}`);
      db.pragma('journal_mode = WAL');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
        throw new FailedPreconditionError(`'${this.path}' is not a SQLite database`);
      }
      throw error;
    }
    // FULL by default: a turn acknowledged to the worker must survive power loss (see the option's doc).
    db.pragma(`synchronous = ${this.options.synchronous ?? 'FULL'}`);
    // Up to 64 MB of pages per connection (SQLite's default is 2 MB): the throughput benchmark's working set of
    // instance rows and indexes outgrew the default, and every miss is a read from the OS.
    db.pragma('cache_size = -65536');
    db.exec('BEGIN IMMEDIATE');
    try {
      createOrMigrate(db, this.path);
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    const open = this.open;
    if (!open) return;
    await open.committer.drain();
    this.open = undefined;
    this.listeners.clear();
    open.db.close();
  }

  private get opened(): Open {
    if (!this.open) throw new FailedPreconditionError('SqliteBackend is not open: call init() first');
    return this.open;
  }

  // async so that use before init() or after close() rejects instead of throwing synchronously.
  private async write<T>(op: (sql: Statements, tx: TxContext) => T): Promise<T> {
    const { sql, committer } = this.opened;
    return committer.run((tx) => op(sql, tx));
  }

  private async read<T>(query: (sql: Statements) => T): Promise<T> {
    const { sql } = this.opened;
    return retryBusy(() => query(sql), BUSY_GIVE_UP_MS);
  }

  createWorkflowInstance(event: ExecutionStartedEvent, options?: { reuse?: CreateReusePolicy }): Promise<void> {
    return this.write((sql, tx) => createInstance(sql, tx, event, options?.reuse));
  }

  addWorkflowEvent(instanceId: string, event: HistoryEvent): Promise<void> {
    return this.write((sql, tx) => addEvent(sql, tx, instanceId, event));
  }

  async lockWorkflowWorkItem(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    // An idle poll is a read: it never takes the write lock that other processes' commits need. While
    // locks keep finding work, the read would only repeat the write's own query.
    if (this.workflowsIdle && !(await this.read((sql) => hasWorkflowWork(sql, Date.now(), options.names)))) return undefined;
    const item = await this.write((sql, tx) => lockWorkflow(sql, tx, options));
    this.workflowsIdle = item === undefined;
    return item;
  }

  getWorkflowHistory(instanceId: string, fromIndex = 0): Promise<HistoryEvent[]> {
    return this.read((sql) => readHistory(sql, instanceId, fromIndex));
  }

  completeWorkflowWorkItem(
    item: WorkflowWorkItem,
    result: TurnResult,
    options: { leaseActivities?: ActivityLeaseRequest } = {},
  ): Promise<ActivityWorkItem[]> {
    return this.write((sql, tx) => completeWorkflow(sql, tx, item, result, options.leaseActivities));
  }

  abandonWorkflowWorkItem(item: WorkflowWorkItem, options?: { delayMs?: number }): Promise<void> {
    return this.write((sql, tx) => abandonWorkflow(sql, tx, item, options?.delayMs ?? 0));
  }

  async renewWorkflowWorkItem(item: WorkflowWorkItem, leaseMs: number): Promise<void> {
    item.lockedUntil = await this.write((sql, tx) => renewWorkflow(sql, tx, item, leaseMs));
  }

  async lockActivityWorkItem(options: LockOptions): Promise<ActivityWorkItem | undefined> {
    if (this.activitiesIdle && !(await this.read((sql) => hasActivityWork(sql, Date.now(), options.names)))) return undefined;
    const item = await this.write((sql, tx) => lockActivity(sql, tx, options));
    this.activitiesIdle = item === undefined;
    return item;
  }

  completeActivityWorkItem(
    item: ActivityWorkItem,
    result: ActivityResultEvent,
    options: { leaseWorkflow?: WorkflowLockOptions } = {},
  ): Promise<WorkflowWorkItem | undefined> {
    return this.write((sql, tx) => completeActivity(sql, tx, item, result, options.leaseWorkflow));
  }

  abandonActivityWorkItem(item: ActivityWorkItem, options?: { delayMs?: number }): Promise<void> {
    return this.write((sql, tx) => abandonActivity(sql, tx, item, options?.delayMs ?? 0));
  }

  async renewActivityWorkItem(item: ActivityWorkItem, leaseMs: number): Promise<void> {
    item.lockedUntil = await this.write((sql, tx) => renewActivity(sql, tx, item, leaseMs));
  }

  getWorkflowMetadata(instanceId: string): Promise<WorkflowMetadata | undefined> {
    return this.read((sql) => readMetadata(sql, instanceId));
  }

  listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    return this.read((sql) => listInstances(sql, query));
  }

  countWorkflows(query: WorkflowCountQuery): Promise<WorkflowCounts> {
    return this.read((sql) => countInstances(sql, query));
  }

  purgeWorkflow(instanceId: string): Promise<boolean> {
    return this.write((sql, tx) => purgeInstance(sql, tx, instanceId));
  }

  heartbeatWorker(worker: Omit<WorkerInfo, 'heartbeatAt'>): Promise<void> {
    return this.write((sql, tx) => heartbeatWorker(sql, tx, worker));
  }

  removeWorker(workerId: string): Promise<void> {
    return this.write((sql) => removeWorker(sql, workerId));
  }

  listWorkers(options: { since?: Date } = {}): Promise<WorkerInfo[]> {
    return this.read((sql) => listWorkers(sql, options.since));
  }

  subscribe(listener: (signal: BackendSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends each distinct wake-up of a commit once; a throwing listener does not stop the others. */
  private emit(signals: BackendSignal[]): void {
    const seen = new Set<string>();
    for (const signal of signals) {
      const key = signal.kind === 'statusChanged' ? `s:${signal.instanceId}:${signal.runtimeStatus ?? ''}` : signal.kind;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const listener of [...this.listeners]) {
        try {
          listener(signal);
        } catch {
          // Wake-ups are best effort; polling covers a listener that failed.
        }
      }
    }
  }
}
