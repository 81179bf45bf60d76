// Virtual time for tests: a Clock that stands still until told to move, and tells the engine when it jumps.
import type { Clock } from '../core/clock.js';
import { InvalidArgumentError } from '../errors.js';

export class VirtualClock implements Clock {
  private current: number;
  private readonly listeners = new Set<() => void>();

  /** @param startMs @default the real time now */
  constructor(startMs: number = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Moves time forward to atMs (never back) and tells the listeners. */
  advanceTo(atMs: number): void {
    if (!Number.isFinite(atMs)) throw new InvalidArgumentError('atMs', `must be a finite time in ms, got ${atMs}`);
    if (atMs <= this.current) return;
    this.current = atMs;
    for (const listener of [...this.listeners]) listener();
  }
}
