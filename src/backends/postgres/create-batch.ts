// Batched starts on PostgreSQL: the new instances created in one event-loop turn (a client starting many
// workflows at once) are inserted by one statement. An ID that is taken, or that appears twice in the batch,
// takes createInstance's path alone, which reports it exactly as a single create would.
import type { Pool } from 'pg';
import type { ExecutionStartedEvent } from '../../protocol/history.js';
import { TickBatcher } from '../shared/tick-batcher.js';
import { createInstance, insertInstances } from './instance-store.js';
import type { Tables } from './queries.js';

interface Pending {
  event: ExecutionStartedEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class CreateBatcher {
  private readonly batcher = new TickBatcher<Pending>((batch) => this.flush(batch));

  constructor(
    private readonly pool: Pool,
    private readonly t: Tables,
  ) {}

  /** Creates the instance (reuse policy 'error'). */
  create(event: ExecutionStartedEvent): Promise<void> {
    return new Promise((resolve, reject) => this.batcher.add({ event, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
    const seen = new Set<string>();
    const together: Pending[] = [];
    const alone: Pending[] = [];
    for (const p of batch) {
      const id = p.event.workflowInstance.instanceId;
      (seen.has(id) ? alone : together).push(p);
      seen.add(id);
    }
    if (together.length === 1) alone.unshift(together.pop()!);
    if (together.length > 0) {
      let created: Set<string>;
      try {
        created = await insertInstances(this.pool, this.t, together.map((p) => ({ event: p.event })));
      } catch {
        // The statement rolled back (or its reply was lost after the commit: then the retries report the IDs
        // as taken). Each start gets its own statement and outcome.
        created = new Set();
      }
      for (const p of together) (created.has(p.event.workflowInstance.instanceId) ? p.resolve() : alone.push(p));
    }
    // In order, so that of two starts with one ID the first one wins, as it would alone.
    for (const p of alone) await createInstance(this.pool, this.t, p.event, 'error').then(p.resolve, p.reject);
  }
}
