// Batched starts on PostgreSQL: the new instances created in one event-loop turn (a client starting many
// workflows at once) are inserted by one statement. An ID that is taken, or that appears twice in the batch,
// takes createInstance's path alone, which reports it exactly as a single create would.
import type { Pool } from 'pg';
import type { ExecutionStartedEvent } from '../../protocol/history.js';
import { encodeEvent } from '../../protocol/codec.js';
import { TickBatcher } from '../shared/tick-batcher.js';
import { createInstance } from './instance-store.js';
import { Params, type Tables } from './queries.js';

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
        created = await insertMany(this.pool, this.t, together.map((p) => p.event));
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

/** Inserts the instances whose IDs are free, each PENDING with its ExecutionStarted in its inbox; returns those IDs. */
async function insertMany(pool: Pool, t: Tables, events: ExecutionStartedEvent[]): Promise<Set<string>> {
  const p = new Params();
  const col = <T>(pick: (e: ExecutionStartedEvent) => T): string => p.add(events.map(pick));
  const sql = `WITH x AS (
      SELECT * FROM unnest(${col((e) => e.workflowInstance.instanceId)}::text[], ${col((e) => e.workflowInstance.executionId ?? '')}::text[],
        ${col((e) => e.name)}::text[], ${col((e) => e.version ?? null)}::text[], ${col((e) => e.timestamp)}::timestamptz[],
        ${col((e) => e.scheduledStartTimestamp ?? null)}::timestamptz[], ${col((e) => e.input ?? null)}::text[],
        ${col((e) => e.parentInstance?.workflowInstance?.instanceId ?? null)}::text[],
        ${col((e) => (e.tags ? JSON.stringify(e.tags) : null))}::text[], ${col((e) => encodeEvent(e))}::text[])
      AS x(id, execution, name, version, created, scheduled, input, parent, tags, event)
    ), ins AS (
      INSERT INTO ${t.instances} (instance_id, execution_id, name, version, runtime_status, created_at, scheduled_start_at,
                                  input, parent_instance_id, tags)
      SELECT id, execution, name, version, 'PENDING', created, scheduled, input, parent, tags FROM x
      ON CONFLICT (instance_id) DO NOTHING
      RETURNING instance_id
    ), inb AS (
      INSERT INTO ${t.inbox} (instance_id, event, visible_at, is_start)
      SELECT x.id, x.event, coalesce(x.scheduled, now()), true FROM x JOIN ins ON ins.instance_id = x.id
    )
    SELECT coalesce(array_agg(instance_id), '{}') AS created FROM ins`;
  const result = await pool.query<{ created: string[] }>(sql, p.values);
  return new Set(result.rows[0]?.created ?? []);
}
