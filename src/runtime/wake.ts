// Wakes an idle loop when the backend signals new work, with polling (exponential back-off) as the fallback
// for work that no signal announces: timers coming due, other processes on a shared SQLite file.
import type { Backend, BackendSignal } from '../backends/backend.js';
import { systemClock, type Clock } from '../core/clock.js';

/** The longest delay setTimeout takes (2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Wake {
  private signaled = false;
  private waiter: (() => void) | undefined;
  private due: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    backend: Backend,
    kind: BackendSignal['kind'],
    private readonly clock: Clock = systemClock,
  ) {
    this.unsubscribe = backend.subscribe((signal) => {
      if (signal.kind === kind) this.notify();
    });
  }

  notify(): void {
    this.signaled = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /**
   * Wakes the loop when `at` comes: timers and scheduled starts this process committed need no polling.
   * Only the earliest pending time is kept; later ones are found by the wake-up it causes or by polling.
   */
  notifyAt(at: Date): void {
    const when = at.getTime();
    if (Number.isNaN(when)) return;
    if (this.due && this.due.at <= when && this.due.at > this.clock.now()) return;
    if (this.due) clearTimeout(this.due.timer);
    this.arm(when);
  }

  /**
   * setTimeout holds at most MAX_TIMEOUT_MS (about 24.8 days): a longer delay would print a
   * TimeoutOverflowWarning and fire at once. A far wake-up sleeps in slices of at most that, re-arming itself.
   */
  private arm(when: number): void {
    const left = Math.max(0, when - this.clock.now());
    const timer = setTimeout(() => {
      if (left > MAX_TIMEOUT_MS) return this.arm(when);
      this.due = undefined;
      this.notify();
    }, Math.min(left, MAX_TIMEOUT_MS));
    timer.unref();
    this.due = { at: when, timer };
  }

  /** Forget earlier signals: call before looking for work, so a signal during the look is not lost. */
  clear(): void {
    this.signaled = false;
  }

  /** Resolves on the next signal (at once if one came since clear()) or after ms. */
  wait(ms: number): Promise<void> {
    if (this.signaled) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  close(): void {
    if (this.due) clearTimeout(this.due.timer);
    this.unsubscribe();
    this.notify();
  }
}
