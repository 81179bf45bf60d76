// A Backend wrapper that timestamps every workflow turn: lock returned, completion called, completion
// committed. The engine needs no hook: the worker sees an ordinary Backend.
import type { Backend, TurnResult, WorkflowWorkItem } from '../src/backends/backend.js';

export interface TurnTiming {
  instanceId: string;
  historyLength: number;
  newEvents: number;
  lockedAt: number;
  completeCalledAt: number;
  committedAt: number;
}

export interface TimedBackend {
  backend: Backend;
  turns: TurnTiming[];
}

export function timedBackend(inner: Backend): TimedBackend {
  const turns: TurnTiming[] = [];
  const lockedAt = new WeakMap<WorkflowWorkItem, number>();
  const lockWorkflowWorkItem: Backend['lockWorkflowWorkItem'] = async (options) => {
    const item = await inner.lockWorkflowWorkItem(options);
    if (item) lockedAt.set(item, performance.now());
    return item;
  };
  const completeWorkflowWorkItem: Backend['completeWorkflowWorkItem'] = async (item, result, options) => {
    const completeCalledAt = performance.now();
    const leased = await inner.completeWorkflowWorkItem(item, result, options);
    turns.push({
      instanceId: item.instanceId,
      historyLength: item.historyLength,
      newEvents: item.newEvents.length,
      lockedAt: lockedAt.get(item) ?? completeCalledAt,
      completeCalledAt,
      committedAt: performance.now(),
    });
    return leased;
  };
  const overrides: Partial<Backend> = { lockWorkflowWorkItem, completeWorkflowWorkItem };
  const backend = new Proxy(inner, {
    get(target, prop, receiver) {
      const own = overrides[prop as keyof Backend];
      if (own) return own;
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { backend, turns };
}
