// Suspended workflow executions kept between turns, so a turn replays only its new events.
// Keyed by instance and valid only for the exact execution and history length it has seen (the last event it
// saw: history is append-only within an execution), so an entry is never resumed after another worker moved the
// instance past it: a continue-as-new or a reused ID (replaceTerminal) starts another execution, whose history
// length can match again. Bounded, least recently used out.
import type { ReplayExecution } from '../core/executor/replay-execution.js';
import type { RuntimeState } from '../core/runtime-state.js';

export interface CachedExecution {
  state: RuntimeState;
  execution: ReplayExecution;
  /** The execution (generation) of the committed history this entry reflects. */
  executionId: string;
  /** The committed history length this entry reflects. */
  historyLength: number;
}

/** Where a work item finds the instance's committed history. */
export interface HistoryPosition {
  instanceId: string;
  executionId: string;
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

  /** Removes and returns the entry if it saw exactly the committed history: same execution, same length. */
  take(position: HistoryPosition): CachedExecution | undefined {
    const { instanceId } = position;
    const entry = this.entries.get(instanceId);
    if (entry) this.entries.delete(instanceId);
    if (entry && entry.executionId === position.executionId && entry.historyLength === position.historyLength) {
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
