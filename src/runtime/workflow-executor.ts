// Where a workflow turn's code runs: in this process (replay of the registered function) or in a remote SDK
// worker over a GetWorkItems stream. The work-item processor (workflow-processor.ts) owns every rule around
// the turn (rewind, stalls, commit, lease loss, abandon); an executor only knows how to run the code.
import type { WorkflowWorkItem } from '../backends/backend.js';
import type { RuntimeState } from '../core/runtime-state.js';
import type { TurnOutcome, TurnRequest, TurnResponse } from '../core/turn.js';
import type { HistoryEvent } from '../protocol/history.js';

/** One work item's turn on an executor, from its state to its commit or its failure. */
export interface WorkflowTurnSession {
  /** The instance's state before the work item's events. */
  readonly state: RuntimeState;
  /** The committed history when it was read; empty when the state came from a cache (nothing to replay). */
  readonly past: HistoryEvent[];
  /** Runs the code for one request of core/turn's runTurn; `past` is the history the code must replay first. */
  execute(request: TurnRequest, past: HistoryEvent[]): Promise<TurnResponse>;
  /** Mints the execution IDs that the turn creates (children, continue-as-new), in the executor's format. */
  newId(): string;
  /** After the commit: what the next turn of the instance may reuse. */
  committed(outcome: TurnOutcome): void;
  /** After a failure or a hand-back: forget what this session built. */
  discard(): void;
}

export interface WorkflowExecutor {
  /** Whether this executor can run workflows of the name now (a worker locks only what it serves). */
  serves(name: string): boolean;
  /** Starts the work item's session: its state from a cache, or from the committed history. */
  begin(item: WorkflowWorkItem): Promise<WorkflowTurnSession>;
}
