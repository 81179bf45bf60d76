// Batched workflow locks on PostgreSQL: the lock requests of one event-loop turn (a worker asks for several
// work items at once) become one statement that leases up to that many instances, under the same rules as
// lockWorkflow: started instances first, then new ones, each oldest first, SKIP LOCKED, delivered events
// invisible until their lease ends.
import type { Pool } from 'pg';
import type { WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import { TickBatcher } from '../shared/tick-batcher.js';
import type { Tables } from './queries.js';
import { lockWorkflow, lockWorkflows } from './workflow-queue.js';

interface Pending {
  options: WorkflowLockOptions;
  resolve: (item: WorkflowWorkItem | undefined) => void;
  reject: (error: unknown) => void;
}

export class LockBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  lock(options: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    return new Promise((resolve, reject) => this.batcher.add({ options, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
    // Requests with the same options share a statement (one worker's loop asks with the same ones).
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = JSON.stringify([p.options.lockedBy, p.options.leaseMs, p.options.maxEvents ?? null, p.options.names ?? null]);
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    await Promise.all([...groups.values()].map((group) => this.serve(group)));
  }

  private async serve(group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const p = group[0]!;
      return lockWorkflow(this.pool, this.t, p.options).then(p.resolve, p.reject);
    }
    let items: WorkflowWorkItem[];
    try {
      ({ items } = await lockWorkflows(this.pool, this.t, group[0]!.options, group.length));
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, i) => p.resolve(items[i]));
  }
}
