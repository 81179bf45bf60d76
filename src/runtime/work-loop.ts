// A polling-and-notified loop that locks work items and processes up to `concurrency` of them at once.
// Shared by the workflow and activity loops; it knows nothing of what an item is.
import type { Logger } from './logger.js';
import type { Wake } from './wake.js';

export interface WorkLoopOptions<T> {
  name: string;
  concurrency: number;
  minPollMs: number;
  maxPollMs: number;
  wake: Wake;
  logger: Logger;
  /** Most lock calls in flight at once. @default 32 */
  maxParallelLocks?: number;
  lock(): Promise<T | undefined>;
  process(item: T): Promise<void>;
}

export class WorkLoop<T> {
  private readonly options: WorkLoopOptions<T>;
  private readonly inFlight = new Map<T, Promise<void>>();
  private running = false;
  /** Slots promised to items leased elsewhere (a turn's activities), not yet handed over. */
  private reserved = 0;
  private loop: Promise<void> | undefined;
  private slotFreed: (() => void) | undefined;

  constructor(options: WorkLoopOptions<T>) {
    this.options = options;
  }

  get activeCount(): number {
    return this.inFlight.size;
  }

  /** Items in flight plus slots reserved for items leased elsewhere. */
  get busyCount(): number {
    return this.inFlight.size + this.reserved;
  }

  /** Reserves up to n free slots for items that another path will lease; returns how many were granted. */
  reserve(n: number): number {
    if (!this.running) return 0;
    const granted = Math.max(0, Math.min(n, this.options.concurrency - this.inFlight.size - this.reserved));
    this.reserved += granted;
    return granted;
  }

  /**
   * Takes over items leased under a reservation of `reservedCount` slots and releases the reservation.
   * Returns the items it refused because the loop has stopped (the caller abandons them).
   */
  adopt(items: T[], reservedCount: number): T[] {
    this.reserved -= reservedCount;
    if (this.running) for (const item of items) this.track(item);
    // A reservation that leased less than it reserved (another worker holds the lease, several results for
    // one instance in one batch) gave slots back: a loop waiting for a free slot must look again.
    this.slotsReleased();
    return this.running ? [] : items;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops locking new items and waits up to graceMs for in-flight ones; returns those still running. */
  async stop(graceMs: number): Promise<T[]> {
    this.running = false;
    this.options.wake.notify();
    this.slotsReleased();
    await this.loop;
    const pending = Promise.allSettled([...this.inFlight.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    return [...this.inFlight.keys()];
  }

  private async run(): Promise<void> {
    const { options } = this;
    let idleMs = options.minPollMs;
    // How many locks to ask for at once: doubles while every lock finds work, falls back when one does not.
    // Concurrent locks let a group-committing backend lease a whole batch in one transaction.
    let parallel = 1;
    while (this.running) {
      const free = options.concurrency - this.inFlight.size - this.reserved;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      options.wake.clear();
      const asked = Math.min(parallel, free, options.maxParallelLocks ?? 32);
      const items = await this.lockMany(asked);
      for (const item of items) this.track(item);
      if (items.length === 0) {
        parallel = 1;
        if (!this.running) break;
        await options.wake.wait(idleMs);
        idleMs = Math.min(idleMs * 2, options.maxPollMs);
        continue;
      }
      idleMs = options.minPollMs;
      parallel = items.length === asked ? asked * 2 : Math.max(1, items.length);
    }
  }

  private async lockMany(count: number): Promise<T[]> {
    const results = await Promise.allSettled(Array.from({ length: count }, () => this.options.lock()));
    const items: T[] = [];
    for (const result of results) {
      if (result.status === 'rejected') {
        this.options.logger.warn({ err: result.reason, loop: this.options.name }, 'locking a work item failed; retrying');
      } else if (result.value !== undefined) {
        items.push(result.value);
      }
    }
    return items;
  }

  /** Every path that gives back a slot or a reservation ends here, so the loop never waits on a free slot. */
  private slotsReleased(): void {
    const freed = this.slotFreed;
    this.slotFreed = undefined;
    freed?.();
  }

  private track(item: T): void {
    const done = this.options
      .process(item)
      .catch((error) => this.options.logger.error({ err: error, loop: this.options.name }, 'work item processing failed'))
      .finally(() => {
        this.inFlight.delete(item);
        this.slotsReleased();
      });
    this.inFlight.set(item, done);
  }
}
