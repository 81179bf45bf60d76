// The engine's one source of "now": the worker, the client and the memory backend read time through a Clock
// passed in their options, so a test can run them on virtual time (durabletask-ts/testing). The real clock is
// the default and costs what Date.now() costs.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Clocks that jump (virtual time) call the listener after each jump, so wake-up timers computed from the old
   * time are looked at again. The real clock never jumps and has no such method. Returns the unsubscribe.
   */
  onJump?(listener: () => void): () => void;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });
