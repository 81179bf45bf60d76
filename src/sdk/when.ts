// Composing durable tasks. Both settle in history order because the executor settles one task per event.
import { DurableTask } from '../core/executor/durable-task.js';
import { InvalidArgumentError } from '../errors.js';

type Awaited2<T> = T extends PromiseLike<infer U> ? U : T;

/** Completes with every result (in the given order) or fails with the first failure, like Promise.all. */
export function whenAll<T extends readonly PromiseLike<unknown>[]>(tasks: T): DurableTask<{ -readonly [K in keyof T]: Awaited2<T[K]> }> {
  const all = new DurableTask<{ -readonly [K in keyof T]: Awaited2<T[K]> }>();
  Promise.all(tasks).then(
    (values) => all.complete(values as { -readonly [K in keyof T]: Awaited2<T[K]> }),
    (error) => all.fail(error),
  );
  return all;
}

/**
 * Completes with the index of the first task to settle, completed or failed (it never rejects); read the winner
 * with `await tasks[index]`. It cannot complete with the task itself: awaiting a promise that resolves to a
 * thenable (every durable task is one) yields that task's value instead, and rejects when the winner failed.
 */
export function whenAny(tasks: readonly PromiseLike<unknown>[]): DurableTask<number> {
  if (tasks.length === 0) throw new InvalidArgumentError('tasks', 'whenAny needs at least one task');
  const any = new DurableTask<number>();
  tasks.forEach((task, index) => {
    task.then(
      () => any.complete(index),
      () => any.complete(index),
    );
  });
  return any;
}
