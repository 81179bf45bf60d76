// Processes one workflow work item, wherever its code runs (executor: in process, or a remote SDK): the
// state and one turn through core/turn, one commit. Every rule around the turn lives here once: rewind,
// a name this worker does not serve, a stall that repeats, lease loss, and the abandon that hands a failed
// attempt back so that another attempt starts clean.
import type { ActivityWorkItem, Backend, LockOptions, TurnResult, WorkflowWorkItem } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { stateFromHistory } from '../core/runtime-state.js';
import { completeRewind, rewindOf } from '../core/rewind.js';
import { runTurn, STALL_RETRY_MS, type TurnRequest } from '../core/turn.js';
import type { HistoryEvent } from '../protocol/history.js';
import { LeaseLostError, UnavailableError } from '../errors.js';
import { commitWithHandoff, type Handoff } from './handoff.js';
import type { Logger } from './logger.js';
import { instanceFields, logTurnStory } from './turn-story.js';
import { retryWhileUnavailable, untilLeaseEnds } from './while-unavailable.js';
import type { WorkflowExecutor, WorkflowTurnSession } from './workflow-executor.js';

export interface WorkflowProcessorOptions {
  backend: Backend;
  executor: WorkflowExecutor;
  logger: Logger;
  clock: Clock;
  /** Lets a turn's activity tasks be committed already leased to this worker's activity loop. */
  activityHandoff?: Handoff<ActivityWorkItem, LockOptions>;
  /** Called after a commit with the times its timers and scheduled messages become visible. */
  onDueLater?: (at: Date) => void;
}

/** How long work this worker cannot run waits before any worker may lock it again. */
export const NOT_SERVED_DELAY_MS = 1000;

/** Abandon back-off: immediate first, then a second per retry, capped at 5 minutes (as the reference engine). */
export function abandonDelayMs(retryCount: number): number {
  if (retryCount <= 0) return 0;
  return retryCount <= 100 ? retryCount * 1000 : 300_000;
}

/**
 * The back-off of a failed attempt. An unavailable party (a remote worker that left, a database that did not
 * answer) is not the item's fault: its first redelivery is immediate.
 */
export function retryDelayAfter(error: unknown, retryCount: number): number {
  return abandonDelayMs(error instanceof UnavailableError ? retryCount : retryCount + 1);
}

/** A stalled instance's work item comes back later and later on a worker that cannot run it, at most a minute. */
export function stallRetryDelayMs(retryCount: number): number {
  return Math.min(STALL_RETRY_MS * Math.max(1, retryCount), 60_000);
}

export class WorkflowProcessor {
  constructor(private readonly options: WorkflowProcessorOptions) {}

  async process(item: WorkflowWorkItem): Promise<void> {
    const { backend, logger } = this.options;
    let session: WorkflowTurnSession | undefined;
    let fields = instanceFields(item.instanceId, undefined);
    try {
      session = await this.options.executor.begin(item);
      fields = instanceFields(item.instanceId, session.state.startEvent);
      await this.turn(item, session);
    } catch (error) {
      session?.discard();
      if (error instanceof LeaseLostError) {
        logger.info(fields, 'workflow work item lease lost; another worker will process it');
        return;
      }
      logger.error({ ...fields, err: error, retryCount: item.retryCount }, 'workflow turn failed; abandoning');
      const abandon = () => backend.abandonWorkflowWorkItem(item, { delayMs: retryDelayAfter(error, item.retryCount) });
      await retryWhileUnavailable(abandon, untilLeaseEnds(item, logger, fields, 'abandon')).catch((e: unknown) => {
        logger.warn({ ...fields, err: e }, 'abandon failed; the lease will expire');
      });
    }
  }

  private async turn(item: WorkflowWorkItem, session: WorkflowTurnSession): Promise<void> {
    const { backend, logger } = this.options;
    let { state, past } = session;
    // A rewind replays the history without its failures, and the commit replaces the stored one with it.
    const rewind = rewindOf(state, past, item.newEvents);
    if (rewind) {
      past = rewind.history;
      state = stateFromHistory(item.instanceId, past);
    }
    const start = state.startEvent ?? item.newEvents.find((e) => e.type === 'executionStarted');
    if (start && !this.options.executor.serves(start.name)) {
      // Registrations changed under the lock (a worker locks only the names it serves): the instance waits
      // for a worker that has its workflow; it never fails for a deploy.
      logger.warn(instanceFields(item.instanceId, state.startEvent), 'workflow not registered here; handing the work item back');
      session.discard();
      await backend.abandonWorkflowWorkItem(item, { delayMs: NOT_SERVED_DELAY_MS });
      return;
    }
    const execute = (request: TurnRequest) => {
      // The code replays the past once; a generation started by continue-as-new in this turn has none.
      const history: HistoryEvent[] = request.freshGeneration ? [] : past;
      past = [];
      return session.execute(request, history);
    };
    const now = new Date(this.options.clock.now());
    const wasStalled = state.stalled;
    const outcome = await runTurn(state, item.newEvents, { now, newId: () => session.newId() }, execute);
    if (rewind) completeRewind(rewind, outcome.result, outcome.state, now);
    if (wasStalled && outcome.state.stalled) {
      // Stalled already, and this worker's code stalls it the same way: leave the history alone and let the
      // work item come back later (a worker whose code matches takes it from there).
      session.discard();
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
    session.committed(outcome);
  }

  /** Commits the turn; its first activity tasks come back leased to this worker when it has free slots. */
  private async commit(item: WorkflowWorkItem, result: TurnResult): Promise<void> {
    const { backend, activityHandoff: handoff } = this.options;
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
    const notify = this.options.onDueLater;
    if (!notify) return;
    let earliest: Date | undefined;
    for (const { visibleAt } of [...timers, ...messages]) if (visibleAt && (!earliest || visibleAt < earliest)) earliest = visibleAt;
    if (earliest) notify(earliest);
  }
}
