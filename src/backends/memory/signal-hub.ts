// Wake-ups for the memory backend's subscribers: synchronous signals after each change, plus one
// unref'd timer for the next time a timer, scheduled start, abandon delay or lease makes work due,
// so idle loops wake without polling.
import type { Clock } from '../../core/clock.js';
import type { BackendSignal } from '../backend.js';

/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class SignalHub {
  private readonly listeners = new Set<(signal: BackendSignal) => void>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  private readonly stopJumps: (() => void) | undefined;

  /** @param nextDueAt the earliest time work may become due (ms), or undefined when nothing waits */
  constructor(
    private readonly nextDueAt: () => number | undefined,
    private readonly clock: Clock,
  ) {
    // After a jump of virtual time the wake timer was set from the old time: tell the loops to look now.
    this.stopJumps = clock.onJump?.(() => {
      if (!this.closed && this.listeners.size > 0) this.fire();
    });
  }

  subscribe(listener: (signal: BackendSignal) => void): () => void {
    this.listeners.add(listener);
    this.rearm();
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(signal: BackendSignal): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(signal);
      } catch {
        // A listener's failure must not undo or interrupt the change that was already made.
      }
    }
    this.rearm();
  }

  /** Points the wake timer at the next due time, if that is in the future. */
  rearm(): void {
    if (this.closed || this.listeners.size === 0) return;
    const now = this.clock.now();
    const due = this.nextDueAt();
    if (due === undefined || due <= now) return;
    if (this.timer && this.timerAt > now && this.timerAt <= due) return;
    clearTimeout(this.timer);
    this.timerAt = due;
    this.timer = setTimeout(() => this.fire(), Math.min(due - now + 1, MAX_DELAY_MS));
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    this.stopJumps?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.emit({ kind: 'workflowWork' });
    this.emit({ kind: 'activityWork' });
  }
}
