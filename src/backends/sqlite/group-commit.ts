// Group commit: writes queued in the same turn of the event loop share one BEGIN IMMEDIATE ... COMMIT,
// so N concurrent completions cost one durable write (one fsync at synchronous=FULL), not N.
// Each write runs inside its own SAVEPOINT: one that throws (e.g. a lost lease) is rolled back and
// rejected alone while the others commit.
import type { Database, Statement } from 'better-sqlite3';
import type { BackendSignal } from '../backend.js';
import { UnavailableError } from '../../errors.js';
import { isBusyError, retryDelayMs } from './busy.js';

/** What a write sees: the instant it runs at and where it records the wake-ups to send after commit. */
export interface TxContext {
  readonly now: number;
  readonly signals: BackendSignal[];
}

export type WriteOp<T> = (tx: TxContext) => T;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** When false every write gets its own transaction (for measurements). @default true */
  enabled: boolean;
  /** Give up on SQLITE_BUSY after this long and reject with UnavailableError. */
  busyGiveUpMs: number;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  /** Transactions committed so far; lets tests and benchmarks see how many writes were grouped. */
  commits = 0;

  constructor(
    private readonly db: Database,
    private readonly emit: (signals: BackendSignal[]) => void,
    private readonly options: GroupCommitOptions,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT op');
    this.release = db.prepare('RELEASE op');
    this.rollbackTo = db.prepare('ROLLBACK TO op');
  }

  /** Queues a write; it runs in the next group transaction and settles after that transaction commits. */
  run<T>(op: WriteOp<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      this.schedule(0, Date.now());
    });
  }

  /** Resolves once every queued write has settled. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(attempt: number, firstTry: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const go = (): void => {
      this.scheduled = false;
      this.flush(attempt, firstTry);
    };
    if (attempt === 0) setImmediate(go);
    else setTimeout(go, retryDelayMs(attempt));
  }

  private flush(attempt: number, firstTry: number): void {
    const batch = this.options.enabled ? this.queue.splice(0) : this.queue.splice(0, 1);
    if (batch.length === 0) return this.settleIdle();
    let outcomes: Outcome[];
    try {
      outcomes = this.runBatch(batch);
    } catch (error) {
      if (isBusyError(error) && Date.now() - firstTry < this.options.busyGiveUpMs) {
        this.queue.unshift(...batch);
        this.schedule(attempt + 1, firstTry);
        return;
      }
      const failure = isBusyError(error)
        ? new UnavailableError(`the SQLite database stayed busy for ${this.options.busyGiveUpMs} ms`, { cause: error })
        : error;
      for (const p of batch) p.reject(failure);
      return this.next();
    }
    this.commits++;
    const signals: BackendSignal[] = [];
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        signals.push(...outcome.signals);
        p.resolve(outcome.value);
      } else p.reject(outcome.error);
    });
    if (signals.length > 0) this.emit(signals);
    this.next();
  }

  private next(): void {
    if (this.queue.length > 0) this.schedule(0, Date.now());
    else this.settleIdle();
  }

  private settleIdle(): void {
    const waiting = this.idle.splice(0);
    for (const resolve of waiting) resolve();
  }

  /** One transaction for the whole batch; throws (after rolling back) only for busy or fatal errors. */
  private runBatch(batch: Pending[]): Outcome[] {
    this.begin.run();
    try {
      const outcomes = batch.map((p) => this.runOne(p.op));
      this.commit.run();
      return outcomes;
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      throw error;
    }
  }

  private runOne(op: WriteOp<unknown>): Outcome {
    const tx: TxContext = { now: Date.now(), signals: [] };
    this.savepoint.run();
    try {
      const value = op(tx);
      this.release.run();
      return { ok: true, value, signals: tx.signals };
    } catch (error) {
      // A busy error means the batch must be retried as a whole: let it escape.
      if (isBusyError(error)) throw error;
      this.rollbackTo.run();
      this.release.run();
      return { ok: false, error };
    }
  }
}

type Outcome = { ok: true; value: unknown; signals: BackendSignal[] } | { ok: false; error: unknown };
