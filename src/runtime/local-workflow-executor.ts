// Runs workflow turns in this process: the registered function is replayed by core/executor, and the suspended
// execution is kept in the cache between turns so that a turn replays only its new events.
import type { Backend, WorkflowWorkItem } from '../backends/backend.js';
import { ReplayExecution } from '../core/executor/replay-execution.js';
import { decodePayload } from '../core/payload.js';
import { stateFromHistory } from '../core/runtime-state.js';
import type { TurnOutcome, TurnRequest, TurnResponse } from '../core/turn.js';
import type { HistoryEvent } from '../protocol/history.js';
import type { Registry } from '../sdk/registry.js';
import { ReplayWorkflowContext } from '../sdk/workflow-context.js';
import type { ExecutionCache } from './execution-cache.js';
import type { Logger } from './logger.js';
import type { WorkflowExecutor, WorkflowTurnSession } from './workflow-executor.js';
import { randomUUID } from 'node:crypto';

export interface LocalWorkflowExecutorOptions {
  backend: Backend;
  registry: Registry;
  cache: ExecutionCache;
  logger: Logger;
  maxPayloadBytes: number;
  recordSourceLocations?: boolean;
}

export class LocalWorkflowExecutor implements WorkflowExecutor {
  constructor(private readonly options: LocalWorkflowExecutorOptions) {}

  serves(name: string): boolean {
    return this.options.registry.hasWorkflow(name);
  }

  async begin(item: WorkflowWorkItem): Promise<WorkflowTurnSession> {
    const { backend, cache } = this.options;
    const cached = cache.take(item);
    if (cached) return this.session(item.instanceId, cached.state, [], cached.execution);
    // A first turn has no history to read.
    const past = item.historyLength === 0 ? [] : await backend.getWorkflowHistory(item.instanceId);
    return this.session(item.instanceId, stateFromHistory(item.instanceId, past), past, undefined);
  }

  private session(instanceId: string, state: WorkflowTurnSession['state'], past: HistoryEvent[], cachedExecution: ReplayExecution | undefined): WorkflowTurnSession {
    const { cache } = this.options;
    let execution = cachedExecution;
    return {
      state,
      past,
      execute: (request: TurnRequest, history: HistoryEvent[]): Promise<TurnResponse> => {
        if (!execution || request.freshGeneration) execution = this.newExecution(instanceId);
        return execution.executeTurn(history, request.newEvents);
      },
      newId: randomUUID,
      committed: (outcome: TurnOutcome) => {
        execution?.markCommitted();
        const start = outcome.state.startEvent;
        if (!execution || !start || execution.isComplete || outcome.state.completedEvent) return;
        // The instance row's execution ID, as the next work item will carry it ('' when the start has none).
        const executionId = start.workflowInstance.executionId ?? '';
        cache.put(instanceId, { state: outcome.state, execution, executionId, historyLength: outcome.state.historyLength });
      },
      discard: () => cache.delete(instanceId),
    };
  }

  private newExecution(instanceId: string): ReplayExecution {
    const { registry, maxPayloadBytes, recordSourceLocations, logger } = this.options;
    return new ReplayExecution({
      instanceId,
      maxPayloadBytes,
      run: async (execution, start) => {
        const workflow = registry.getWorkflow(start.name);
        const ctx = new ReplayWorkflowContext(execution, { registry, maxPayloadBytes, recordSourceLocations, logger });
        return workflow(ctx, decodePayload(start.input));
      },
    });
  }
}
