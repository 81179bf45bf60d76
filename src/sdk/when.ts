// Composing durable tasks. Both settle in history order because the executor settles one task per event.
import { DurableTask } from '../core/executor/durable-task.js';

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

/** Completes with the first task to settle (completed or failed): the winner itself, so its result can be read. */
export function whenAny<T extends PromiseLike<unknown>>(tasks: readonly T[]): DurableTask<T> {
  const any = new DurableTask<T>();
  for (const task of tasks) {
    task.then(
      () => any.complete(task),
      () => any.complete(task),
    );
  }
  return any;
}
