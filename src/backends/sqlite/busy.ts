// SQLITE_BUSY handling: several processes may share one file. busy_timeout makes SQLite wait inside a
// statement; whatever still comes back busy is retried here so no busy error reaches a caller.
import { UnavailableError } from '../../errors.js';

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Backoff before retry number `attempt` (1-based): 5 ms doubling to 200 ms, with jitter. */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(200, 5 * 2 ** Math.min(attempt, 6));
  return base / 2 + Math.random() * (base / 2);
}

/** Runs a read, retrying while the database is busy, for at most giveUpMs. */
export async function retryBusy<T>(read: () => T, giveUpMs: number): Promise<T> {
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return read();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (Date.now() - start >= giveUpMs) {
        throw new UnavailableError(`the SQLite database stayed busy for ${giveUpMs} ms`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
  }
}
