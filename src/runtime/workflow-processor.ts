// Processes one workflow work item in-process: state and execution from the cache (or rebuilt from history),
// one turn through core/turn, one commit. Any failure abandons the item so another attempt starts clean.
import { retryWhileUnavailable, untilLeaseEnds } from './while-unavailable.js';
import { randomUUID } from 'node:crypto';
import type { ActivityWorkItem, Backend, LockOptions, TurnResult, WorkflowWorkItem } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { ReplayExecution } from '../core/executor/replay-execution.js';
import { decodePayload } from '../core/payload.js';
import { stateFromHistory, type RuntimeState } from '../core/runtime-state.js';
import { NOT_SERVED_DELAY_MS } from './activity-processor.js';
import { completeRewind, rewindOf } from '../core/rewind.js';
import { runTurn, STALL_RETRY_MS, type TurnRequest, type TurnResponse } from '../core/turn.js';
import type { HistoryEvent } from '../protocol/history.js';
import { LeaseLostError } from '../errors.js';
import type { Registry } from '../sdk/registry.js';
import { ReplayWorkflowContext } from '../sdk/workflow-context.js';
import type { ExecutionCache } from './execution-cache.js';
import { commitWithHandoff, type Handoff } from './handoff.js';
import type { Logger } from './logger.js';
import { instanceFields, logTurnStory } from './turn-story.js';

export interface WorkflowProcessorOptions {
  backend: Backend;
  registry: Registry;
  cache: ExecutionCache;
  logger: Logger;
  maxPayloadBytes: number;
  clock: Clock;
  recordSourceLocations?: boolean;
  /** Lets a turn's activity tasks be committed already leased to this worker's activity loop. */
  activityHandoff?: Handoff<ActivityWorkItem, LockOptions>;
  /** Called after a commit with the times its timers and scheduled messages become visible. */
  onDueLater?: (at: Date) => void;
}

/** Abandon back-off: immediate first, then a second per retry, capped at 5 minutes (as the reference engine). */
export function abandonDelayMs(retryCount: number): number {
  if (retryCount <= 0) return 0;
  return retryCount <= 100 ? retryCount * 1000 : 300_000;
}

/** A stalled instance's work item comes back later and later on a worker that cannot run it, at most a minute. */
export function stallRetryDelayMs(retryCount: number): number {
  return Math.min(STALL_RETRY_MS * Math.max(1, retryCount), 60_000);
}

export class WorkflowProcessor {
  private readonly o: WorkflowProcessorOptions;

  constructor(options: WorkflowProcessorOptions) {
    this.o = options;
  }

  async process(item: WorkflowWorkItem): Promise<void> {
    const { backend, cache, logger } = this.o;
    const cached = cache.take(item);
    let execution = cached?.execution;
    let past: HistoryEvent[] = [];
    let state = cached?.state;
    try {
      if (!state) {
        // A first turn has no history to read.
        past = item.historyLength === 0 ? [] : await backend.getWorkflowHistory(item.instanceId);
        state = stateFromHistory(item.instanceId, past);
      }
      // A rewind replays the history without its failures, and the commit replaces the stored one with it.
      const rewind = rewindOf(state, past, item.newEvents);
      if (rewind) {
        past = rewind.history;
        state = stateFromHistory(item.instanceId, past);
      }
      if (!this.serves(state, item)) {
        // Registrations changed under the lock (a worker locks only the names it registered): the instance
        // waits for a worker that has its workflow; it never fails for a deploy.
        logger.warn(instanceFields(item.instanceId, state.startEvent), 'workflow not registered here; handing the work item back');
        await backend.abandonWorkflowWorkItem(item, { delayMs: NOT_SERVED_DELAY_MS });
        return;
      }
      const executeTurn = async (request: TurnRequest): Promise<TurnResponse> => {
        if (!execution || request.freshGeneration) {
          execution = this.newExecution(item.instanceId);
          if (request.freshGeneration) past = [];
        }
        const response = await execution.executeTurn(past, request.newEvents);
        past = [];
        return response;
      };
      const now = new Date(this.o.clock.now());
      const wasStalled = state.stalled;
      const outcome = await runTurn(state, item.newEvents, { now, newId: randomUUID }, executeTurn);
      if (rewind) completeRewind(rewind, outcome.result, outcome.state, now);
      if (wasStalled && outcome.state.stalled) {
        // Stalled already, and this worker's code stalls it the same way: leave the history alone and let the
        // work item come back later (a worker whose code matches takes it from there).
        cache.delete(item.instanceId);
        await backend.abandonWorkflowWorkItem(item, { delayMs: stallRetryDelayMs(item.retryCount + 1) });
        return;
      }
      const fields = instanceFields(item.instanceId, outcome.state.startEvent);
      if (outcome.duplicates.length > 0) {
        // Normal operation: a timeout timer firing after its event arrived, an at-least-once redelivery.
        logger.debug({ ...fields, dropped: outcome.duplicates.map((e) => e.type) }, 'dropped duplicate or stale events');
      }
      await retryWhileUnavailable(() => this.commit(item, outcome.result), untilLeaseEnds(item, logger, fields, 'commit'));
      logTurnStory(logger, fields, outcome.result.newHistory, outcome.result.continuedAsNew);
      this.announceDue(outcome.result.timers, outcome.result.messages);
      const exec = execution as ReplayExecution | undefined;
      exec?.markCommitted();
      const start = outcome.state.startEvent;
      if (exec && start && !exec.isComplete && !outcome.state.completedEvent) {
        // The instance row's execution ID, as the next work item will carry it ('' when the start has none).
        const executionId = start.workflowInstance.executionId ?? '';
        cache.put(item.instanceId, { state: outcome.state, execution: exec, executionId, historyLength: outcome.state.historyLength });
      }
    } catch (error) {
      cache.delete(item.instanceId);
      const fields = instanceFields(item.instanceId, state?.startEvent);
      if (error instanceof LeaseLostError) {
        logger.info(fields, 'workflow work item lease lost; another worker will process it');
        return;
      }
      logger.error({ ...fields, err: error, retryCount: item.retryCount }, 'workflow turn failed; abandoning');
      const abandon = () => backend.abandonWorkflowWorkItem(item, { delayMs: abandonDelayMs(item.retryCount + 1) });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, logger, fields, 'abandon')).catch((e: unknown) => {
        logger.warn({ ...fields, err: e }, 'abandon failed; the lease will expire');
      });
    }
  }

  /** Whether this worker has the instance's workflow (a work item of events only for a finished or unknown one counts). */
  private serves(state: RuntimeState, item: WorkflowWorkItem): boolean {
    const start = state.startEvent ?? item.newEvents.find((e) => e.type === 'executionStarted');
    return !start || this.o.registry.hasWorkflow(start.name);
  }

  /** Commits the turn; its first activity tasks come back leased to this worker when it has free slots. */
  private async commit(item: WorkflowWorkItem, result: TurnResult): Promise<void> {
    const { backend, activityHandoff: handoff } = this.o;
    await commitWithHandoff(
      handoff,
      result.activityTasks.length,
      async (reserved) => {
        const options = reserved > 0 ? { leaseActivities: { ...handoff!.lease, max: reserved } } : undefined;
        return (await backend.completeWorkflowWorkItem(item, result, options)) ?? [];
      },
      (task) => backend.abandonActivityWorkItem(task),
    );
  }

  private announceDue(timers: { visibleAt: Date }[], messages: { visibleAt?: Date }[]): void {
    const notify = this.o.onDueLater;
    if (!notify) return;
    let earliest: Date | undefined;
    for (const { visibleAt } of [...timers, ...messages]) if (visibleAt && (!earliest || visibleAt < earliest)) earliest = visibleAt;
    if (earliest) notify(earliest);
  }

  private newExecution(instanceId: string): ReplayExecution {
    const { registry, maxPayloadBytes, recordSourceLocations, logger } = this.o;
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
