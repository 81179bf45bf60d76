// Replays one generation of a workflow function against its history, one event at a time.
// Every durable call takes the next sequence number when it is called; each history event is matched to the
// action at its sequence number (non-determinism otherwise) or settles the task waiting on it. After each
// settlement the workflow runs until blocked (a macrotask boundary drains all microtasks) before the next
// event applies, so races resolve in history order. Kept alive between turns, a turn costs its new events.
import type { CompleteWorkflowAction, WorkflowAction, WorkflowActionType } from '../../protocol/actions.js';
import { describeAction } from '../../protocol/actions.js';
import type { Payload } from '../../protocol/common.js';
import type { EventRaisedEvent, ExecutionStartedEvent, HistoryEvent, StalledReason } from '../../protocol/history.js';
import { DurableTaskError, NonDeterminismError, TaskFailedError, TimeoutError } from '../../errors.js';
import { decodePayload, encodePayload, failureFromError } from '../payload.js';
import type { TurnResponse } from '../turn.js';
import { DurableTask } from './durable-task.js';
import { describeHistoryEvent } from './describe.js';

type TaskKind = 'activity' | 'child' | 'timer';

interface OpenTask {
  kind: TaskKind;
  name: string;
  task: DurableTask<unknown>;
  /** For event-wait timeout timers: what to do when the timer fires. */
  onFired?: () => void;
}

export interface ExecutionOptions {
  instanceId: string;
  maxPayloadBytes: number;
  /** Starts the workflow function when ExecutionStarted is replayed; resolves with its output. */
  run(execution: ReplayExecution, start: ExecutionStartedEvent): Promise<unknown>;
}

/** Why this code cannot continue the instance (a deploy changed it): the instance waits, STALLED, for code that can. */
export interface Stall {
  reason: StalledReason;
  description: string;
}

export interface ContinueAsNewRequest {
  input: unknown;
  saveEvents: boolean;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ReplayExecution {
  readonly instanceId: string;
  executionId = '';
  /** 0 for the original start, then one more per continue-as-new (default IDs differ per generation). */
  generation = 0;
  name = '';
  currentUtcDateTime = new Date(0);
  isReplaying = true;
  private customStatus: Payload;
  private continueAsNewRequest?: ContinueAsNewRequest;
  private readonly options: ExecutionOptions;
  private sequence = 0;
  private detachedCount = 0;
  private guidCount = 0;
  private readonly pending = new Map<number, WorkflowAction>();
  private readonly emitted = new Set<number>();
  private readonly suppressed = new Set<number>();
  private readonly open = new Map<number, OpenTask>();
  private readonly early = new Map<string, HistoryEvent>();
  private readonly waiters = new Map<string, DurableTask<unknown>[]>();
  private readonly buffered: EventRaisedEvent[] = [];
  private suspendedEvents: HistoryEvent[] | undefined;
  private completion: CompleteWorkflowAction | undefined;
  private started = false;
  private inTurn = false;
  /** Replay diverged from history: only the failure is reported, no other action. */
  private diverged = false;
  /** The first divergence from history, with both sides (replay checks read it). */
  divergence: NonDeterminismError | undefined;
  /** Set when the code does not match the history (a divergence or a patch mismatch): no action is reported. */
  stall: Stall | undefined;
  /** Patches recorded by earlier turns (their WorkflowStarted.version). */
  private readonly historyPatches = new Set<string>();
  /** isPatched answers, fixed for the life of the execution (a replay must get the same answer again). */
  private readonly patchAnswers = new Map<string, boolean>();
  /** Patches found true during this turn, in call order: recorded in the turn's WorkflowVersion. */
  private turnPatches: string[] = [];

  constructor(options: ExecutionOptions) {
    this.options = options;
    this.instanceId = options.instanceId;
  }

  get isComplete(): boolean {
    return this.completion !== undefined || this.stall !== undefined;
  }

  /** Processes past events (replaying) then new ones, and returns the actions history has not seen yet. */
  async executeTurn(past: readonly HistoryEvent[], events: readonly HistoryEvent[]): Promise<TurnResponse> {
    this.inTurn = true;
    this.turnPatches = [];
    try {
      for (const [list, replaying] of [[past, true], [events, false]] as const) {
        for (const event of list) {
          if (this.completion) {
            // Past actions the finished code never called mean it was changed to finish earlier.
            if (replaying && this.finishedByCode()) this.matchRecorded(event);
            continue;
          }
          this.isReplaying = replaying;
          await this.process(event);
        }
        if (replaying && list.length > 0) this.detectPatchMismatch();
      }
      this.detectNonDurableWait();
    } finally {
      this.inTurn = false;
    }
    if (this.stall) return { actions: [], customStatus: this.customStatus, stall: this.stall };
    const version = this.turnPatches.length > 0 ? { patches: this.turnPatches } : undefined;
    return { actions: this.collectActions(), customStatus: this.customStatus, version };
  }

  /**
   * Dapr/Go patching: true when history recorded the patch; false while replaying a history that did not;
   * true on first execution. A true answer is recorded in this turn's WorkflowVersion.
   */
  isPatched(name: string): boolean {
    let answer = this.patchAnswers.get(name);
    if (answer === undefined) {
      answer = this.historyPatches.has(name) || !this.isReplaying;
      this.patchAnswers.set(name, answer);
    }
    if (answer) this.turnPatches.push(name);
    return answer;
  }

  /** The code asked to continue as new: taken up when the workflow function returns. */
  requestContinueAsNew(request: ContinueAsNewRequest): void {
    this.continueAsNewRequest = request;
  }

  /** Reported with every turn's answer, so it is set again on replay (core/turn.ts). */
  setCustomStatus(payload: Payload): void {
    this.customStatus = payload;
  }

  /** The turn's actions are durable now: they count as matched by history from here on. */
  markCommitted(): void {
    for (const id of this.emitted) this.pending.delete(id);
    this.emitted.clear();
  }

  // ---- used by the workflow context -------------------------------------------------------------

  assertInTurn(call: string): void {
    if (!this.inTurn) {
      throw nonDurableAwait(`${call} was called outside of a workflow turn: the workflow`);
    }
  }

  nextSequenceNumber(): number {
    return this.sequence++;
  }

  nextDetachedIndex(): number {
    return this.detachedCount++;
  }

  nextGuidIndex(): number {
    return this.guidCount++;
  }

  /** Records an action that produces a result later (activity, child, timer) and returns its task. */
  schedule<T>(action: WorkflowAction, kind: TaskKind, name: string, onFired?: () => void): DurableTask<T> {
    const task = new DurableTask<T>(action.id);
    this.pending.set(action.id, action);
    this.open.set(action.id, { kind, name, task: task as DurableTask<unknown>, onFired });
    const early = this.early.get(`${kind}:${action.id}`);
    if (early) {
      // The result arrived before the call (reference engine fix baf7de9): settle now, never dispatch again.
      this.early.delete(`${kind}:${action.id}`);
      this.suppressed.add(action.id);
      this.resolve(kind, action.id, early);
    }
    return task;
  }

  /** Records a fire-and-forget action (detached start, event sent, terminate): no task. */
  record(action: WorkflowAction): void {
    this.pending.set(action.id, action);
  }

  /** The oldest buffered event of that name, or a task that the next such event completes. */
  waitForEvent<T>(name: string): DurableTask<T> {
    const key = name.toUpperCase();
    const index = this.buffered.findIndex((e) => e.name.toUpperCase() === key);
    const task = new DurableTask<T>();
    if (index >= 0) {
      const [event] = this.buffered.splice(index, 1);
      task.complete(decodePayload<T>(event!.input));
      return task;
    }
    const queue = this.waiters.get(key) ?? [];
    queue.push(task as DurableTask<unknown>);
    this.waiters.set(key, queue);
    return task;
  }

  /** Stops waiting (timeout): a later event of that name is buffered instead. */
  cancelWait(name: string, task: DurableTask<unknown>, timeoutMs: number): void {
    const queue = this.waiters.get(name.toUpperCase());
    const index = queue?.indexOf(task) ?? -1;
    if (index < 0 || task.isComplete) return;
    queue!.splice(index, 1);
    task.fail(new TimeoutError(`waitForExternalEvent('${name}') timed out after ${timeoutMs} ms`));
  }

  /** Raised events not consumed by a wait, in arrival order (carried over by continue-as-new). */
  unconsumedEvents(): EventRaisedEvent[] {
    return [...this.buffered];
  }

  // ---- history processing -------------------------------------------------------------------------

  private async process(event: HistoryEvent): Promise<void> {
    if (event.type === 'workflowStarted') {
      this.currentUtcDateTime = event.timestamp;
      for (const patch of event.version?.patches ?? []) this.historyPatches.add(patch);
      return;
    }
    if (event.type === 'executionTerminated') {
      this.complete({ id: -1, type: 'completeWorkflow', workflowStatus: 'TERMINATED', result: event.input });
      return;
    }
    if (event.type === 'executionResumed') {
      const held = this.suspendedEvents ?? [];
      this.suspendedEvents = undefined;
      for (const e of held) if (!this.completion) await this.process(e);
      return;
    }
    if (event.type === 'executionSuspended') {
      // Idempotent: a second suspend keeps the events held so far (one resume releases them all).
      this.suspendedEvents ??= [];
      return;
    }
    if (this.suspendedEvents) {
      this.suspendedEvents.push(event);
      return;
    }
    if (this.matchRecorded(event)) return;
    switch (event.type) {
      case 'executionStarted':
        return this.start(event);
      case 'taskCompleted':
      case 'taskFailed':
        return this.settle('activity', event.taskScheduledId, event);
      case 'childWorkflowInstanceCompleted':
      case 'childWorkflowInstanceFailed':
        return this.settle('child', event.taskScheduledId, event);
      case 'timerFired':
        return this.settle('timer', event.timerId, event);
      case 'eventRaised':
        return this.raise(event);
      default:
        return; // completion and stall markers need no replay
    }
  }

  private async start(event: ExecutionStartedEvent): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.executionId = event.workflowInstance.executionId ?? '';
    this.generation = event.continuation?.generation ?? 0;
    this.name = event.name;
    this.options.run(this, event).then(
      (output) => this.onFunctionDone(output),
      (error) => this.onFunctionFailed(error),
    );
    await nextMacrotask();
  }

  /** Matches an event that records an action (scheduled, created, sent) to the call; false for other events. */
  private matchRecorded(event: HistoryEvent): boolean {
    switch (event.type) {
      case 'taskScheduled':
        this.match(event, 'scheduleTask', event.name);
        return true;
      case 'childWorkflowInstanceCreated':
        this.match(event, 'createChildWorkflow', event.name);
        return true;
      case 'timerCreated':
        this.match(event, 'createTimer');
        return true;
      case 'eventSent':
        this.match(event, 'sendEvent', event.name);
        return true;
      case 'detachedWorkflowInstanceCreated':
        this.matchDetached(event.eventId, event.instanceId);
        return true;
      default:
        return false;
    }
  }

  /** The code returned or threw (not a termination, not a divergence already reported). */
  private finishedByCode(): boolean {
    return this.completion !== undefined && !this.diverged && this.completion.workflowStatus !== 'TERMINATED';
  }

  private match(event: HistoryEvent, type: WorkflowActionType, name?: string): void {
    const action = this.pending.get(event.eventId);
    if (action && action.type === type && (name === undefined || !('name' in action) || action.name === name)) {
      this.pending.delete(event.eventId);
      this.suppressed.delete(event.eventId);
      return;
    }
    const actual = action
      ? `called ${describeAction(action)}`
      : this.completion
        ? `finished (${describeAction(this.completion)}) before calling it`
        : 'has no action with this sequence number';
    this.diverge(new NonDeterminismError(event.eventId, describeHistoryEvent(event), actual));
  }

  /**
   * Replay left the history: the failure replaces any completion the code reached, and the instance stalls
   * (a deploy changed the code; it must not fail, it waits for a worker whose code matches).
   */
  private diverge(error: NonDeterminismError): void {
    this.diverged = true;
    this.divergence ??= error;
    this.stall ??= { reason: 'PATCH_MISMATCH', description: error.message };
    this.completion = undefined;
    this.fail(error);
  }

  /** After replaying history, every patch it recorded must have been asked again: otherwise the code lacks it. */
  private detectPatchMismatch(): void {
    if (this.stall) return;
    const missing = [...this.historyPatches].filter((p) => !this.patchAnswers.has(p));
    if (missing.length === 0) return;
    this.stall = {
      reason: 'PATCH_MISMATCH',
      description: `history recorded patch${missing.length > 1 ? 'es' : ''} ${missing.map((p) => `'${p}'`).join(', ')} that this code never checks with isPatched`,
    };
  }

  private matchDetached(id: number, instanceId: string): void {
    const action = this.pending.get(id);
    if (action?.type === 'createDetachedWorkflow' && action.instanceId === instanceId) {
      this.pending.delete(id);
      return;
    }
    const prefix = `a previous execution called scheduleNewWorkflow for instance ID '${instanceId}' and sequence number ${id} at this point in the workflow logic, but the current execution`;
    const actual =
      action?.type === 'createDetachedWorkflow'
        ? `scheduled instance ID '${action.instanceId}'`
        : action
          ? `called ${describeAction(action)} with this sequence number`
          : this.completion
            ? `finished (${describeAction(this.completion)}) before calling it`
            : "doesn't have this action with this sequence number";
    this.diverge(new NonDeterminismError(id, `scheduleNewWorkflow(instance '${instanceId}')`, actual, `${prefix} ${actual}`));
  }

  private async settle(kind: TaskKind, id: number, event: HistoryEvent): Promise<void> {
    const open = this.open.get(id);
    if (!open || open.kind !== kind) {
      // Not scheduled yet: keep it for the call that will take this number (reference fix baf7de9).
      if (id >= this.sequence) this.early.set(`${kind}:${id}`, event);
      return;
    }
    this.resolve(kind, id, event);
    await nextMacrotask();
  }

  private resolve(kind: TaskKind, id: number, event: HistoryEvent): void {
    const open = this.open.get(id);
    if (!open) return;
    this.open.delete(id);
    if (open.onFired) return open.onFired();
    if (event.type === 'taskFailed' || event.type === 'childWorkflowInstanceFailed') {
      const details = event.failureDetails ?? { errorType: 'UnknownFailure', errorMessage: `${kind} failed without details` };
      open.task.fail(new TaskFailedError(open.name, details));
    } else if (event.type === 'taskCompleted' || event.type === 'childWorkflowInstanceCompleted') {
      open.task.complete(decodePayload(event.result));
    } else {
      open.task.complete(undefined);
    }
  }

  private async raise(event: EventRaisedEvent): Promise<void> {
    const queue = this.waiters.get(event.name.toUpperCase());
    const waiter = queue?.shift();
    if (!waiter) {
      this.buffered.push(event);
      return;
    }
    waiter.complete(decodePayload(event.input));
    await nextMacrotask();
  }

  // ---- completion ---------------------------------------------------------------------------------

  private onFunctionDone(output: unknown): void {
    if (this.completion) return;
    if (!this.inTurn) return this.fail(this.outOfTurnError());
    try {
      const request = this.continueAsNewRequest;
      if (request) {
        this.complete({
          id: this.nextSequenceNumber(),
          type: 'completeWorkflow',
          workflowStatus: 'CONTINUED_AS_NEW',
          result: encodePayload(request.input, 'continueAsNew input', this.options.maxPayloadBytes),
          carryoverEvents: request.saveEvents ? this.unconsumedEvents() : undefined,
        });
      } else {
        const result = encodePayload(output, 'workflow output', this.options.maxPayloadBytes);
        this.complete({ id: this.nextSequenceNumber(), type: 'completeWorkflow', workflowStatus: 'COMPLETED', result });
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private onFunctionFailed(error: unknown): void {
    if (this.completion) return;
    this.fail(this.inTurn ? error : this.outOfTurnError());
  }

  private outOfTurnError(): Error {
    return nonDurableAwait('the workflow continued outside of a turn: it');
  }

  private fail(error: unknown): void {
    this.complete({ id: this.nextSequenceNumber(), type: 'completeWorkflow', workflowStatus: 'FAILED', failureDetails: failureFromError(error) });
  }

  private complete(action: CompleteWorkflowAction): void {
    if (this.completion) return;
    this.completion = action;
  }

  /** Blocked with nothing durable to wait for: the code awaits something replay cannot reproduce. */
  private detectNonDurableWait(): void {
    if (!this.started || this.completion || this.suspendedEvents) return;
    // Only tasks with a result to come count: a fire-and-forget call (detached start, sent event) is an action
    // still pending for this turn, but nothing of it ever flows back to wake the code.
    const waiting = [...this.waiters.values()].some((q) => q.length > 0);
    if (this.open.size === 0 && !waiting) {
      this.fail(nonDurableAwait('the workflow is blocked but waits for no durable task: it'));
    }
  }

  private collectActions(): WorkflowAction[] {
    const done = this.completion;
    if (done && (done.workflowStatus === 'TERMINATED' || this.diverged)) return [done];
    if (this.suspendedEvents && !done) return [];
    const actions = [...this.pending.values()].filter((a) => !this.suppressed.has(a.id));
    actions.sort((a, b) => a.id - b.id);
    for (const a of actions) this.emitted.add(a.id);
    if (done) actions.push(done);
    return actions;
  }
}

/** The one text for code that awaited something replay cannot reproduce; `who` says how it was noticed. */
function nonDurableAwait(who: string): DurableTaskError {
  return new DurableTaskError(
    'NON_DETERMINISM',
    `${who} awaited something that is not a durable task (setTimeout, I/O, a plain promise); ` +
      'use ctx.createTimer, activities and ctx.waitForExternalEvent instead',
  );
}
