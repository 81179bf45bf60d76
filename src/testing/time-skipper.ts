// Time skipping: while the task hub is idle (no work item in flight, nothing due now), virtual time jumps to the
// next moment work falls due (a timer, a scheduled start, a retry delay), so long sleeps finish at once.
// It only moves while a test waits through the environment (or sleeps), so the test decides when time passes.
import { setImmediate as nextTurn, setTimeout as sleepReal } from 'node:timers/promises';
import type { VirtualClock } from './virtual-clock.js';

/** A backend that can say when queued work next falls due (MemoryBackend does). */
export interface DueTimeSource {
  nextDueAt(): number | undefined;
}

export interface TimeSkipperOptions {
  clock: VirtualClock;
  /** Undefined when the backend cannot tell: then time only moves by sleep(). */
  hub: DueTimeSource | undefined;
  /** Work items the worker is processing (0 when idle). */
  busy(): number;
}

export class TimeSkipper {
  private readonly o: TimeSkipperOptions;

  constructor(options: TimeSkipperOptions) {
    this.o = options;
  }

  /**
   * Whether the hub stays idle across two event-loop turns: what one piece of work hands to the next (a
   * commit's activity tasks, an activity's result) is visible before the first one lets go.
   */
  async isIdle(): Promise<boolean> {
    for (let check = 0; check < 2; check++) {
      if (this.o.busy() > 0 || this.dueNow()) return false;
      await nextTurn();
    }
    return true;
  }

  /** Lets the engine run until it is idle at the current virtual time, or until the real deadlineMs. */
  async settle(deadlineMs = Infinity): Promise<void> {
    while (!(await this.isIdle()) && Date.now() < deadlineMs) await sleepReal(1);
  }

  /**
   * Jumps to the next due time if it is in the future and not after limitMs. Call when settled. Returns whether
   * there is work due by limitMs (false: nothing the hub could do would move anything on).
   */
  jumpToNextDue(limitMs = Infinity): boolean {
    const due = this.o.hub?.nextDueAt();
    if (due === undefined || due > limitMs) return false;
    this.o.clock.advanceTo(due);
    return true;
  }

  /** Advances time by ms, running every timer that falls due on the way, in order. */
  async sleep(ms: number): Promise<void> {
    const target = this.o.clock.now() + ms;
    for (;;) {
      await this.settle();
      if (!this.jumpToNextDue(target)) break;
    }
    this.o.clock.advanceTo(target);
    await this.settle();
  }

  private dueNow(): boolean {
    const due = this.o.hub?.nextDueAt();
    return due !== undefined && due <= this.o.clock.now();
  }
}
