// Replays recorded histories against the current workflow code, without a backend, a worker or any activity:
// each history goes through the same pure replay executor the worker uses, and the first place where the code
// no longer does what the history recorded comes back as a NonDeterminismError naming the sequence number.
import { ReplayExecution } from '../core/executor/replay-execution.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, decodePayload } from '../core/payload.js';
import { InvalidArgumentError, NonDeterminismError, NotRegisteredError } from '../errors.js';
import { describeAction, type CompleteWorkflowAction, type WorkflowAction } from '../protocol/actions.js';
import type { ExportedHistory } from '../protocol/history-json.js';
import type { ExecutionCompletedEvent, ExecutionStartedEvent, HistoryEvent } from '../protocol/history.js';
import { Registry } from '../sdk/registry.js';
import type { Activity, Workflow } from '../sdk/types.js';
import { ReplayWorkflowContext } from '../sdk/workflow-context.js';

/** Workflows (and the activities they call, for their registered names only: nothing runs) to replay with. */
export interface WorkflowSet {
  workflows: Workflow[] | Record<string, Workflow>;
  /** Only needed when activities are registered under names other than their function names. */
  activities?: Activity[] | Record<string, Activity>;
}

export type ReplayOutcome =
  /** The code makes the same calls, in the same order, as the history recorded. */
  | 'ok'
  /** The code diverges from the history: `error` is the NonDeterminismError. */
  | 'diverged'
  /** No workflow of the history's name is in the set. */
  | 'notRegistered'
  /** The history could not be replayed (malformed, no ExecutionStarted). */
  | 'invalid';

export interface ReplayResult {
  instanceId: string;
  name: string;
  outcome: ReplayOutcome;
  error?: Error;
}

export interface ReplayOptions {
  /** @default 4 MiB */
  maxPayloadBytes?: number;
}

type HistoryInput = HistoryEvent[] | ExportedHistory;

/**
 * Replays one history against a workflow (registered under the history's workflow name) or a set of them.
 * Resolves when the code matches; rejects with a NonDeterminismError at the first divergence, or with
 * NotRegisteredError / InvalidArgumentError when the history cannot be replayed.
 */
export async function replayHistory(workflow: Workflow | WorkflowSet, history: HistoryInput, options: ReplayOptions = {}): Promise<void> {
  const events = eventsOf(history);
  const registry = typeof workflow === 'function' ? new Registry().addWorkflow(workflow, startOf(events).name) : registryOf(workflow);
  const result = await replayEvents(registry, events, options);
  if (result.error) throw result.error;
}

/** Replays every history against the set; one result per history, in order. Never rejects for a divergence. */
export async function replayHistories(
  workflows: WorkflowSet | Workflow[] | Record<string, Workflow>,
  histories: Iterable<HistoryInput> | AsyncIterable<HistoryInput>,
  options: ReplayOptions = {},
): Promise<ReplayResult[]> {
  const registry = registryOf(isWorkflowSet(workflows) ? workflows : { workflows });
  const results: ReplayResult[] = [];
  for await (const history of histories) {
    try {
      results.push(await replayEvents(registry, eventsOf(history), options));
    } catch (error) {
      const entry = Array.isArray(history) ? undefined : history;
      results.push({ instanceId: entry?.instanceId ?? '', name: entry?.name ?? '', outcome: 'invalid', error: error as Error });
    }
  }
  return results;
}

/** A registry of the set, as a worker would build it. */
export function registryOf(set: WorkflowSet): Registry {
  const registry = new Registry();
  addAll(set.workflows, (fn, name) => registry.addWorkflow(fn, name));
  addAll(set.activities, (fn, name) => registry.addActivity(fn, name));
  return registry;
}

/** Replays one history against a registry. Throws only for a history that is not replayable at all. */
export async function replayEvents(registry: Registry, events: readonly HistoryEvent[], options: ReplayOptions = {}): Promise<ReplayResult> {
  const start = startOf(events);
  const instanceId = start.workflowInstance.instanceId;
  const base = { instanceId, name: start.name };
  if (!registry.hasWorkflow(start.name)) return { ...base, outcome: 'notRegistered', error: new NotRegisteredError('workflow', start.name) };
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const execution = new ReplayExecution({
    instanceId,
    maxPayloadBytes,
    run: async (x, started) => registry.getWorkflow(started.name)(new ReplayWorkflowContext(x, { registry, maxPayloadBytes }), decodePayload(started.input)),
  });
  const { actions } = await execution.executeTurn(events, []);
  // A recorded patch the code never checks stalls a worker's turn the same way a divergence does.
  const patchMismatch = execution.stall && new NonDeterminismError(-1, 'a patch on WorkflowStarted.version', 'never checks it with isPatched', execution.stall.description);
  const divergence = execution.divergence ?? patchMismatch ?? endDivergence(events, actions);
  return divergence ? { ...base, outcome: 'diverged', error: divergence } : { ...base, outcome: 'ok' };
}

/**
 * After the whole history, the code must be exactly where the history ends: every call it made is recorded (each
 * turn's actions are committed with it), and it completed if and only if the history did, with that status.
 */
function endDivergence(events: readonly HistoryEvent[], actions: readonly WorkflowAction[]): NonDeterminismError | undefined {
  if (events.some((e) => e.type === 'executionTerminated')) return undefined;
  const recorded = events.findLast((e): e is ExecutionCompletedEvent => e.type === 'executionCompleted');
  const completion = actions.find((a): a is CompleteWorkflowAction => a.type === 'completeWorkflow');
  const extra = actions.find((a) => a.type !== 'completeWorkflow');
  const ended = recorded ? `complete(${recorded.workflowStatus})` : 'nothing more (the history ends here)';
  if (extra) return new NonDeterminismError(extra.id, ended, `called ${describeAction(extra)}`);
  if (recorded && !completion) return new NonDeterminismError(recorded.eventId, ended, 'did not complete: it still waits for a task');
  if (!completion || completion.workflowStatus === recorded?.workflowStatus) return undefined;
  const why = completion.failureDetails ? ` (${completion.failureDetails.errorType}: ${completion.failureDetails.errorMessage})` : '';
  return new NonDeterminismError(completion.id, ended, `completed with ${completion.workflowStatus}${why}`);
}

function eventsOf(history: HistoryInput): HistoryEvent[] {
  const events = Array.isArray(history) ? history : history?.history;
  if (!Array.isArray(events)) throw new InvalidArgumentError('history', 'must be an array of events or an exported history');
  return events;
}

function startOf(events: readonly HistoryEvent[]): ExecutionStartedEvent {
  const start = events.find((e): e is ExecutionStartedEvent => e.type === 'executionStarted');
  if (!start) throw new InvalidArgumentError('history', 'has no executionStarted event');
  return start;
}

function isWorkflowSet(value: unknown): value is WorkflowSet {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'workflows' in value && typeof (value as { workflows: unknown }).workflows === 'object';
}

function addAll<T extends Function>(items: T[] | Record<string, T> | undefined, add: (fn: T, name?: string) => void): void {
  if (!items) return;
  if (Array.isArray(items)) for (const fn of items) add(fn);
  else for (const [name, fn] of Object.entries(items)) add(fn, name);
}
