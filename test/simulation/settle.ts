// Shared by the phases of a run: the sentinel root, the input of a root, and waiting for the hub to settle
// (with a report of what is stuck when it does not).
import type { Backend } from '../../src/backends/backend.js';
import { sleep, StuckError } from './driver.js';
import type { Program, SimInput } from './program.js';
import type { WorkerPool } from './worker-pool.js';

/** A root blocked at a gate until the end of the run: the live instance a 'taken' child asks for. */
export const SENTINEL = 'sentinel';

export function simInput(program: Program, origin: string): SimInput {
  return { program, origin, gen: 0, acc: [], sentinel: SENTINEL };
}

/** Waits until nothing is live except the excluded instances (and their held descendants), or reports what is stuck. */
export async function settle(run: { backend: Backend; pool: WorkerPool; deadline: number }, excluded: string[]): Promise<void> {
  const isExcluded = (id: string) => excluded.some((x) => id === x || id.startsWith(`${x}~h`));
  for (let drained = false; ; ) {
    const live = (await run.backend.listWorkflows({ statuses: ['PENDING', 'RUNNING', 'SUSPENDED'], pageSize: 1000 })).instances.filter((m) => !isExcluded(m.instanceId));
    if (live.length === 0) {
      if (drained) return;
      // Late duplicates are part of the run: deliver them, then settle again.
      await run.pool.drainLateDeliveries();
      drained = true;
      continue;
    }
    if (Date.now() > run.deadline) {
      const lines = await Promise.all(
        live.slice(0, 8).map(async (m) => {
          const tail = (await run.backend.getWorkflowHistory(m.instanceId)).slice(-6).map((e) => `${e.type}#${e.eventId}`);
          return `  ${m.instanceId} ${m.runtimeStatus}: ... ${tail.join(', ')}`;
        }),
      );
      throw new StuckError(`stuck: ${live.length} instance(s) still live at the deadline:\n${lines.join('\n')}`);
    }
    await sleep(10);
  }
}
