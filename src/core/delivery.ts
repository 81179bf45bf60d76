// Delivery is decided once, here: a pure function of each message and the current state of its target
// turns a turn's outbound messages into a plan (create, replace, enqueue visible at..., or refuse with a
// warning), and a backend only reads the targets' state and executes the plan in its commit transaction.
// A start message (child or detached) on an ID that is taken is never silent: a child's parent is told its
// child failed, a detached caller gets a warning recorded on it (the reference engine drops both).
import { newEvent, type ExecutionStartedEvent, type HistoryEvent } from '../protocol/history.js';
import { isTerminalStatus, type RuntimeStatus } from '../protocol/status.js';
import type { OutboundMessage, TurnResult } from './turn-result.js';

/** What delivery needs to know of an existing instance. */
export interface TargetState {
  runtimeStatus: RuntimeStatus;
  /** Its scheduled start, if it has one; only a PENDING instance still waits for it. */
  scheduledStartAt?: Date;
}

/** One write of a delivery plan, in order. */
export type DeliveryStep =
  /** Create the instance (PENDING) with this start event as its first inbox event, visible at visibleAt. */
  | { kind: 'create'; start: ExecutionStartedEvent; visibleAt: Date }
  /** Delete the terminal instance that holds the ID (row, history, inbox, tasks), then create as above. */
  | { kind: 'replace'; start: ExecutionStartedEvent; visibleAt: Date }
  /**
   * Append the event to the target's inbox, visible at visibleAt. With revealsStart (a termination of an
   * instance that waits for its scheduled start) the target's waiting inbox becomes visible at visibleAt too.
   */
  | { kind: 'enqueue'; targetInstanceId: string; event: HistoryEvent; visibleAt: Date; revealsStart: boolean };

export type EnqueueStep = Extract<DeliveryStep, { kind: 'enqueue' }>;

export interface DeliveryPlan {
  steps: DeliveryStep[];
  /** To record on the sending instance: its detached starts that were refused. */
  warnings: string[];
}

export function isStartMessage(message: OutboundMessage): message is OutboundMessage & { event: ExecutionStartedEvent } {
  return message.event.type === 'executionStarted';
}

/**
 * A termination does not wait for a scheduled start: the instance's whole inbox (its ExecutionStarted first)
 * becomes visible at once, and the turn ends the instance without running its code.
 */
export function cancelsScheduledStart(event: HistoryEvent): boolean {
  return event.type === 'executionTerminated';
}

/** The start time an instance still waits for, if any. */
export function pendingStartAt(target: TargetState | undefined): Date | undefined {
  return target?.runtimeStatus === 'PENDING' ? target.scheduledStartAt : undefined;
}

/**
 * When an event for an existing instance becomes visible: at the time asked (now by default), but never
 * before the start the instance still waits for, so that no event is processed before ExecutionStarted.
 */
export function eventVisibleAt(target: TargetState | undefined, requested: Date | undefined, now: Date): Date {
  const at = requested && requested > now ? requested : now;
  const start = pendingStartAt(target);
  return start && start > at ? start : at;
}

/**
 * The delivery of one event to an instance (a client's raise or terminate, an activity result):
 * undefined when the instance does not exist.
 */
export function planEvent(targetInstanceId: string, event: HistoryEvent, target: TargetState | undefined, now: Date, requested?: Date): EnqueueStep | undefined {
  if (!target) return undefined;
  if (cancelsScheduledStart(event) && pendingStartAt(target)) {
    return { kind: 'enqueue', targetInstanceId, event, visibleAt: now, revealsStart: true };
  }
  return { kind: 'enqueue', targetInstanceId, event, visibleAt: eventVisibleAt(target, requested, now), revealsStart: false };
}

export interface TurnDeliveryInput {
  /** The instance whose turn sends the messages. */
  senderId: string;
  result: Pick<TurnResult, 'messages' | 'instance'>;
  /**
   * The stored state of every instance the messages target (absent or undefined: no such instance), read in
   * the commit transaction. The sender's own entry, if any, is superseded by the turn's instance update.
   */
  targets: ReadonlyMap<string, TargetState | undefined>;
  now: Date;
}

/** The IDs whose state planTurnDelivery needs: the targets of the turn's messages, and the parents that a refused child start tells. */
export function deliveryTargets(messages: readonly OutboundMessage[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.targetInstanceId);
    const parent = isStartMessage(m) ? m.event.parentInstance?.workflowInstance?.instanceId : undefined;
    if (parent !== undefined) ids.add(parent);
  }
  return [...ids];
}

/**
 * The plan for a turn's messages, in message order. Each decision sees the effect of the ones before it
 * (a second start of one ID in a turn is refused, an event after a start waits for that start), and the
 * sender is seen as the turn leaves it: a start message never replaces its own sender, whose turn is the
 * one being committed, and a refusal names the status the sender has after that turn.
 */
export function planTurnDelivery(input: TurnDeliveryInput): DeliveryPlan {
  const { senderId, result, now } = input;
  const states = new Map(input.targets);
  const sender = result.instance ? { runtimeStatus: result.instance.runtimeStatus } : states.get(senderId);
  if (states.has(senderId) || result.instance) states.set(senderId, sender);
  const plan: DeliveryPlan = { steps: [], warnings: [] };
  const enqueue = (message: OutboundMessage): void => {
    const step = planEvent(message.targetInstanceId, message.event, states.get(message.targetInstanceId), now, message.visibleAt);
    if (!step) return;
    plan.steps.push(step);
    // The revealed start no longer holds back what follows in this turn.
    if (step.revealsStart) states.set(message.targetInstanceId, { runtimeStatus: 'PENDING' });
  };
  for (const message of result.messages) {
    if (!isStartMessage(message)) {
      enqueue(message);
      continue;
    }
    const start = message.event;
    const target = message.targetInstanceId;
    const existing = states.get(target);
    const self = target === senderId;
    if (existing && (self || !isTerminalStatus(existing.runtimeStatus))) {
      const refusal = refuseStart(start, target, existing.runtimeStatus, self, now);
      if (refusal.notify) enqueue(refusal.notify);
      if (refusal.warning) plan.warnings.push(refusal.warning);
      continue;
    }
    const visibleAt = message.visibleAt ?? start.scheduledStartTimestamp ?? now;
    plan.steps.push({ kind: existing ? 'replace' : 'create', start, visibleAt });
    states.set(target, { runtimeStatus: 'PENDING', scheduledStartAt: start.scheduledStartTimestamp });
  }
  return plan;
}

/** A refused start: a child's parent is told with ChildWorkflowInstanceFailed, a detached caller by a warning. */
function refuseStart(
  start: ExecutionStartedEvent,
  target: string,
  status: RuntimeStatus,
  self: boolean,
  now: Date,
): { notify?: OutboundMessage; warning?: string } {
  const holder = self ? `is the calling instance itself, which is ${status}` : `already exists and is ${status}`;
  const parent = start.parentInstance;
  if (parent?.workflowInstance) {
    const failed: HistoryEvent = newEvent('childWorkflowInstanceFailed', now, {
      taskScheduledId: parent.taskScheduledId,
      failureDetails: {
        errorType: 'WorkflowAlreadyExists',
        errorMessage: `cannot start child workflow '${start.name}': instance '${target}' ${holder}`,
        isNonRetriable: true,
      },
    });
    return { notify: { targetInstanceId: parent.workflowInstance.instanceId, event: failed } };
  }
  const why = self ? `that ID is the calling instance's own, which is ${status}` : `an instance with that ID is ${status}`;
  return { warning: `scheduleNewWorkflow('${start.name}') did not start instance '${target}': ${why}; it was left untouched` };
}
