// A durable task: the awaitable a workflow gets from ctx calls. Only the replay executor settles it, from
// history, so `await`, Promise.all and Promise.race replay exactly. It is a thenable over a real promise.

export type TaskState = 'pending' | 'completed' | 'failed';

export class DurableTask<T> implements PromiseLike<T> {
  /** Sequence number the task took at call time; undefined for tasks that took none (a buffered event). */
  readonly sequenceNumber: number | undefined;
  private readonly promise: Promise<T>;
  private settleResolve!: (value: T) => void;
  private settleReject!: (error: unknown) => void;
  private current: TaskState = 'pending';
  private outcome: { value?: T; error?: unknown } = {};

  constructor(sequenceNumber?: number) {
    this.sequenceNumber = sequenceNumber;
    this.promise = new Promise<T>((resolve, reject) => {
      this.settleResolve = resolve;
      this.settleReject = reject;
    });
    // A failed task nobody awaited yet is not an unhandled rejection: the workflow may await it later.
    this.promise.catch(() => undefined);
  }

  get state(): TaskState {
    return this.current;
  }

  get isComplete(): boolean {
    return this.current !== 'pending';
  }

  get isFailed(): boolean {
    return this.current === 'failed';
  }

  /** The result of a completed task (undefined otherwise). */
  get result(): T | undefined {
    return this.outcome.value;
  }

  /** The error of a failed task (undefined otherwise). */
  get error(): unknown {
    return this.outcome.error;
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.promise.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.promise.catch(onrejected);
  }

  /** Settles the task with a value. Executor use only. */
  complete(value: T): void {
    if (this.current !== 'pending') return;
    this.current = 'completed';
    this.outcome = { value };
    this.settleResolve(value);
  }

  /** Settles the task with an error. Executor use only. */
  fail(error: unknown): void {
    if (this.current !== 'pending') return;
    this.current = 'failed';
    this.outcome = { error };
    this.settleReject(error);
  }
}
