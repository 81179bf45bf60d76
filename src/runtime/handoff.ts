// Lease hand-offs between the worker's loops: a commit that can lease work for this worker in its own
// transaction (a turn's activities, the workflow an activity result is for) first reserves slots in the loop
// that will run that work, so the loop never takes more than its concurrency.

export interface Handoff<T, L> {
  /** The lease to take in the committing transaction. */
  lease: L;
  /** Reserves up to n free slots; returns how many were granted. */
  reserve(n: number): number;
  /** Hands leased items over with the reservation; returns those refused (the loop has stopped). */
  adopt(items: T[], reserved: number): T[];
}

/**
 * Runs `commit` with as many reserved slots as were granted (0: lease nothing), gives what came back leased to
 * the loop and abandons whatever the loop refused, so no leased item is left without a runner.
 */
export async function commitWithHandoff<T, L>(
  handoff: Handoff<T, L> | undefined,
  wanted: number,
  commit: (reserved: number) => Promise<T[]>,
  abandon: (item: T) => Promise<void>,
): Promise<void> {
  const reserved = handoff && wanted > 0 ? handoff.reserve(wanted) : 0;
  let leased: T[] = [];
  try {
    leased = await commit(reserved);
  } finally {
    const refused = reserved > 0 ? handoff!.adopt(leased, reserved) : [];
    for (const item of refused) await abandon(item).catch(() => undefined);
  }
}
