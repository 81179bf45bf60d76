// Suspended workflow executions kept between turns, so a turn replays only its new events.
// Keyed by instance and valid only for the exact history length it has seen; bounded, least recently used out.
import type { ReplayExecution } from '../core/executor/replay-execution.js';
import type { RuntimeState } from '../core/runtime-state.js';

export interface CachedExecution {
  state: RuntimeState;
  execution: ReplayExecution;
  /** The committed history length this entry reflects. */
  historyLength: number;
}

export class ExecutionCache {
  private readonly entries = new Map<string, CachedExecution>();
  readonly maxSize: number;
  hits = 0;
  misses = 0;

  constructor(maxSize: number) {
    this.maxSize = maxSize;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Removes and returns the entry if it matches the committed history length exactly. */
  take(instanceId: string, historyLength: number): CachedExecution | undefined {
    const entry = this.entries.get(instanceId);
    if (entry) this.entries.delete(instanceId);
    if (entry && entry.historyLength === historyLength) {
      this.hits++;
      return entry;
    }
    this.misses++;
    return undefined;
  }

  put(instanceId: string, entry: CachedExecution): void {
    if (this.maxSize <= 0) return;
    this.entries.delete(instanceId);
    this.entries.set(instanceId, entry);
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(instanceId: string): void {
    this.entries.delete(instanceId);
  }
}
