// Parent-child links, as cascades (recursive terminate, recursive purge) follow them. A link is a fact the
// engine made, not a record a workflow asked for: a parent's ChildWorkflowInstanceCreated only names a
// candidate (the start may have been refused because the ID was taken), and the child is that parent's only
// when its own ExecutionStarted names the parent's execution. Every cascade also keeps a visited set.
import { InvalidArgumentError } from '../errors.js';
import type { WorkflowInstanceRef } from '../protocol/common.js';
import type { ExecutionStartedEvent, ExecutionTerminatedEvent, HistoryEvent } from '../protocol/history.js';

/** The instance IDs a generation's history recorded creating as children, each once, in history order. */
export function recordedChildIds(history: readonly HistoryEvent[]): string[] {
  const ids = new Set<string>();
  for (const event of history) if (event.type === 'childWorkflowInstanceCreated') ids.add(event.instanceId);
  return [...ids];
}

/** The parent execution a history belongs to, or undefined when it has no start (yet). */
export function executionOf(history: readonly HistoryEvent[]): WorkflowInstanceRef | undefined {
  return startOf(history)?.workflowInstance;
}

export function startOf(history: readonly HistoryEvent[]): ExecutionStartedEvent | undefined {
  return history.find((e): e is ExecutionStartedEvent => e.type === 'executionStarted');
}

/**
 * Whether the instance that `start` began was created by `parent`: its start names the parent, and the
 * parent's execution when both are known (an instance created by an earlier holder of the parent's ID, or a
 * reused ID, is no child of this one).
 */
export function isChildOf(start: ExecutionStartedEvent | undefined, parent: WorkflowInstanceRef): boolean {
  const link = start?.parentInstance?.workflowInstance;
  if (!link || link.instanceId !== parent.instanceId) return false;
  return !link.executionId || !parent.executionId || link.executionId === parent.executionId;
}

/**
 * A termination passed on by a cascade that must not act on this instance: its sender is not this instance's
 * parent (a refused child start, or an unrelated instance holding the ID), or the cascade already went through
 * this instance (a cycle). A termination a client or a workflow sent directly has no cascade and always acts.
 */
export function isMisdirectedCascade(instanceId: string, start: ExecutionStartedEvent | undefined, event: HistoryEvent): boolean {
  if (event.type !== 'executionTerminated' || !event.cascade) return false;
  return event.cascade.path.includes(instanceId) || !isChildOf(start, event.cascade.parent);
}

/** The termination a cascade passes to one child of `parent`, extending the visited path of `incoming`. */
export function cascadedTermination(
  parent: WorkflowInstanceRef,
  incoming: ExecutionTerminatedEvent,
): Pick<ExecutionTerminatedEvent, 'input' | 'recurse' | 'cascade'> {
  return { input: incoming.input, recurse: true, cascade: { parent, path: [...(incoming.cascade?.path ?? []), parent.instanceId] } };
}

/** A workflow can never be its own child: the start would be refused, and the record would be a cycle. */
export function selfChildError(instanceId: string): InvalidArgumentError {
  return new InvalidArgumentError('instanceId', `a workflow cannot be its own child: callChildWorkflow was given this instance's own ID '${instanceId}'`);
}
