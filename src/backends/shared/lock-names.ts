// Whether a lock may take work of a name: the locking worker serves it, or serves any name.
import type { LockOptions } from '../backend.js';

export function servesName(options: Pick<LockOptions, 'names'>, name: string): boolean {
  return options.names === undefined || options.names.includes(name);
}
