// Group commit of activity completions on PostgreSQL: the completions of one event-loop turn share one
// statement (completeActivities), each still checked against its own task lease. A batch whose statement
// fails is retried completion by completion, so each gets its own outcome.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { ActivityResultEvent, ActivityWorkItem, WorkflowLockOptions, WorkflowWorkItem } from '../backend.js';
import { TickBatcher } from '../shared/tick-batcher.js';
import { completeActivities, type Completion } from './activity-queue.js';
import type { Tables } from './queries.js';

interface Pending extends Completion {
  resolve: (leased: WorkflowWorkItem | undefined) => void;
  reject: (error: unknown) => void;
}

export class ActivityBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  complete(item: ActivityWorkItem, result: ActivityResultEvent, lease?: WorkflowLockOptions): Promise<WorkflowWorkItem | undefined> {
    return new Promise((resolve, reject) => {
      this.batcher.add({ item, result, lease, token: randomUUID(), resolve, reject });
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    let outcomes;
    try {
      outcomes = await completeActivities(this.pool, this.t, batch);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // A failed statement rolled back; if instead the connection died after the commit, the retries find the
      // tasks gone and fail as lost leases (a workflow the batch leased then waits for that lease to expire).
      await Promise.all(batch.map((p) => this.flush([p])));
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? batch[i]!.resolve(outcome.leased) : batch[i]!.reject(outcome.error)));
  }
}
