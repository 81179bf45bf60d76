// One turn of a workflow work item, end to end but without I/O: filter the inbox through the state,
// ask the executor (in-process replay or a remote SDK) for actions, apply them, and handle the
// engine-side rules around them: terminate wins, forced termination, recursive terminate, continue-as-new.
import type { WorkflowAction } from '../protocol/actions.js';
import type { Payload, WorkflowVersion } from '../protocol/common.js';
import { newEvent, type ExecutionStartedEvent, type ExecutionTerminatedEvent, type HistoryEvent, type StalledReason, type WorkflowStartedEvent } from '../protocol/history.js';
import { DurableTaskError } from '../errors.js';
import { applyActions } from './applier/apply.js';
import type { ApplyContext, Turn } from './applier/turn-output.js';
import { cascadedTermination, isMisdirectedCascade } from './links.js';
import { emptyTurnResult, type OutboundMessage, type TurnResult } from './turn-result.js';
import { addEvent, instanceUpdate, isStaleResolution, type RuntimeState } from './runtime-state.js';

export interface TurnRequest {
  /** True for the first turn of a generation started by continue-as-new in this same work item (no past). */
  freshGeneration: boolean;
  /** Events of this turn: WorkflowStarted first, then the accepted inbox events. */
  newEvents: HistoryEvent[];
}

export interface TurnResponse {
  actions: WorkflowAction[];
  customStatus?: Payload;
  version?: WorkflowVersion;
  /** The code cannot continue this history (a deploy changed it): the instance stalls instead of running. */
  stall?: { reason: StalledReason; description: string };
}

export type TurnExecutor = (request: TurnRequest) => Promise<TurnResponse>;

export interface TurnOutcome {
  /** What the backend commits. */
  result: TurnResult;
  /** The state after the turn (a new object after continue-as-new). */
  state: RuntimeState;
  /** Events that were dropped as duplicates, for logging. */
  duplicates: HistoryEvent[];
  /** False when no code ran (nothing new, or the instance was finished or invalid). */
  executed: boolean;
}

/** A stalled instance is woken this long after the stall, so that a capable worker (once deployed) picks it up. */
export const STALL_RETRY_MS = 2000;

/** A tight continue-as-new loop inside one work item stops here (the reference engine's bound). */
export const MAX_CONTINUE_AS_NEW_PER_TURN = 20;

export async function runTurn(
  state: RuntimeState,
  received: readonly HistoryEvent[],
  ctx: ApplyContext,
  execute: TurnExecutor,
): Promise<TurnOutcome> {
  const start = state.startEvent ?? received.find((e): e is ExecutionStartedEvent => e.type === 'executionStarted');
  // A cascade that reached an instance that is not the sender's child (or went round a cycle) changes nothing.
  const misdirected = received.filter((e) => isMisdirectedCascade(state.instanceId, start, e));
  const inbox = misdirected.length === 0 ? received : received.filter((e) => !misdirected.includes(e));
  const terminate = inbox.find((e): e is ExecutionTerminatedEvent => e.type === 'executionTerminated');
  if (!start || state.completedEvent) {
    // Events for a finished (or never started) instance are consumed; a recursive terminate still passes through.
    const messages = terminate?.recurse && state.completedEvent ? cascade(state, terminate, ctx.now) : [];
    return { result: consumeOnly(messages), state, duplicates: [...received], executed: false };
  }
  // Terminated before it ever ran (e.g. while waiting for a scheduled start): end it without running its code.
  const run: TurnExecutor = terminate && !state.startEvent ? async () => ({ actions: [] }) : execute;
  const duplicates: HistoryEvent[] = [...misdirected];
  const accepted = inbox.filter((e) => (!isStaleResolution(state, e) && addEvent(state, e)) || (duplicates.push(e), false));
  if (accepted.length === 0) {
    return { result: consumeOnly(), state, duplicates, executed: false };
  }
  const started = newEvent('workflowStarted', ctx.now, {});
  addEvent(state, started);
  let events: HistoryEvent[] = [started, ...accepted];
  const turn: Turn = { state, out: emptyTurnResult(), ctx };
  let replaced = false;
  for (let generation = 0; ; generation++) {
    const response = await run({ freshGeneration: generation > 0, newEvents: events });
    applyResponse(turn, events, response, terminate);
    if (!turn.out.continuedAsNew) break;
    replaced = true;
    if (generation + 1 >= MAX_CONTINUE_AS_NEW_PER_TURN) {
      // Commit the progress: the next generation's first events become its history, and a WorkflowStarted
      // marker sent to ourselves wakes it in the next work item (abandoning would redo every generation).
      turn.out.messages.push({ targetInstanceId: state.instanceId, event: newEvent('workflowStarted', ctx.now, {}) });
      break;
    }
    // The new generation replaces the history and runs at once on the same work item: its first events
    // are the next execution's input, and the result's history starts again from them.
    events = turn.out.newHistory;
    turn.out.newHistory = [];
    turn.out.continuedAsNew = false;
  }
  if (terminate && !turn.state.completedEvent) forceTermination(turn, terminate);
  if (terminate?.recurse && turn.state.completedEvent) turn.out.messages.push(...cascade(turn.state, terminate, ctx.now));
  turn.out.continuedAsNew = replaced;
  turn.state.historyLength = (turn.out.continuedAsNew ? 0 : state.historyLength) + turn.out.newHistory.length;
  turn.out.instance = instanceUpdate(turn.state, replaced);
  return { result: turn.out, state: turn.state, duplicates, executed: true };
}

/** A turn that runs no code: it only consumes its inbox (and may pass a recursive terminate through). */
function consumeOnly(messages: OutboundMessage[] = []): TurnResult {
  return { ...emptyTurnResult(), messages };
}

function applyResponse(turn: Turn, events: HistoryEvent[], response: TurnResponse, terminate?: ExecutionTerminatedEvent): void {
  turn.state.customStatus = response.customStatus;
  const started = events[0] as WorkflowStartedEvent;
  if (response.version && (response.version.patches.length > 0 || response.version.name)) started.version = response.version;
  // Terminate beats continue-as-new: a terminated workflow never starts another generation.
  const actions = terminate ? response.actions.filter((a) => !(a.type === 'completeWorkflow' && a.workflowStatus === 'CONTINUED_AS_NEW')) : response.actions;
  turn.out.newHistory.push(...events);
  if (response.stall && !terminate) return stall(turn, response.stall);
  const before = turn.out.newHistory.length;
  try {
    applyActions(turn, actions);
  } catch (error) {
    // An action no engine can apply is a bug in the workflow's code: fail the workflow, never loop on it.
    if (!(error instanceof DurableTaskError)) throw error;
    turn.out.newHistory.length = before;
    turn.out = { ...emptyTurnResult(), newHistory: turn.out.newHistory };
    applyActions(turn, [
      { id: -1, type: 'completeWorkflow', workflowStatus: 'FAILED', failureDetails: { errorType: error.name, errorMessage: error.message, isNonRetriable: true } },
    ]);
  }
}

/**
 * The turn's events are kept and the instance records why it cannot go on (status STALLED); a marker sent to
 * itself wakes it later, when a worker whose code matches may run it. Nothing of the code's turn is applied.
 */
function stall(turn: Turn, why: { reason: StalledReason; description: string }): void {
  const { now } = turn.ctx;
  const stalled = newEvent('executionStalled', now, { reason: why.reason, description: why.description });
  addEvent(turn.state, stalled);
  turn.out.newHistory.push(stalled);
  const visibleAt = new Date(now.getTime() + STALL_RETRY_MS);
  turn.out.messages.push({ targetInstanceId: turn.state.instanceId, event: newEvent('workflowStarted', visibleAt, {}), visibleAt });
}

/** The SDK ignored a terminate (or could not see it): drop the turn's outbound work and terminate anyway. */
function forceTermination(turn: Turn, terminate: ExecutionTerminatedEvent): void {
  turn.out.activityTasks = [];
  turn.out.timers = [];
  turn.out.messages = [];
  applyActions(turn, [{ id: -1, type: 'completeWorkflow', workflowStatus: 'TERMINATED', result: terminate.input }]);
}

/**
 * Recursive terminate reaches children only: detached instances are not linked and never terminated with us.
 * Each termination names this execution and the cascade's path, so a recorded child that is not really ours
 * (its start was refused) and a cycle ignore it (core/links.ts).
 */
function cascade(state: RuntimeState, terminate: ExecutionTerminatedEvent, now: Date): OutboundMessage[] {
  const self = { instanceId: state.instanceId, executionId: state.startEvent?.workflowInstance.executionId };
  const fields = cascadedTermination(self, terminate);
  return [...state.children]
    .filter(([childId]) => !fields.cascade!.path.includes(childId))
    .map(([childId, router]) => ({ targetInstanceId: childId, event: newEvent('executionTerminated', now, { ...fields, router }) }));
}
