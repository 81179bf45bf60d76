// Retention: finished instances older than a period per terminal status are purged, in batches, by a job that
// one worker of the task hub runs at a time. Children go with their parent by the recursive-purge rules
// (purge.ts); a child is a candidate by itself only once its parent is gone.
import type { Backend } from '../backends/backend.js';
import type { Clock } from '../core/clock.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { WorkflowMetadata } from '../protocol/metadata.js';
import { isTerminalStatus, type RuntimeStatus } from '../protocol/status.js';
import { purgeTree, type PurgeSkip } from './purge.js';

export type TerminalStatus = 'COMPLETED' | 'FAILED' | 'TERMINATED' | 'CANCELED';

export interface RetentionPolicy {
  /**
   * How long (ms) an instance is kept after it finished, per terminal status, e.g.
   * `{ COMPLETED: 7 * DAY, FAILED: 30 * DAY }`. A status not named is kept forever.
   */
  after: Partial<Record<TerminalStatus, number>>;
  /** How often the job looks for expired instances. @default 60000 */
  everyMs?: number;
  /** Instances looked at per batch; the job yields to live work between batches. @default 100 */
  batchSize?: number;
}

/** What one retention run did. */
export interface RetentionRunResult {
  deletedInstanceCount: number;
  /** Expired instances left in place (e.g. a child still running), and why. */
  skipped: PurgeSkip[];
}

/** Checks a policy, naming the wrong field; returns it with defaults filled in. */
export function validRetentionPolicy(policy: RetentionPolicy): Required<RetentionPolicy> {
  if (typeof policy !== 'object' || policy === null) throw new InvalidArgumentError('retention', 'must be an object');
  if (typeof policy.after !== 'object' || policy.after === null) throw new InvalidArgumentError('retention.after', 'must map terminal statuses to periods in ms');
  for (const [status, ms] of Object.entries(policy.after)) {
    if (!isTerminalStatus(status as RuntimeStatus)) {
      throw new InvalidArgumentError(`retention.after.${status}`, `'${status}' is not a terminal status (one of COMPLETED, FAILED, TERMINATED, CANCELED)`);
    }
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError(`retention.after.${status}`, 'must be a period in ms (a finite number >= 0)');
  }
  const everyMs = policy.everyMs ?? 60_000;
  const batchSize = policy.batchSize ?? 100;
  if (!Number.isInteger(everyMs) || everyMs < 1) throw new InvalidArgumentError('retention.everyMs', 'must be a positive integer');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('retention.batchSize', 'must be a positive integer');
  return { after: { ...policy.after }, everyMs, batchSize };
}

/**
 * One pass over the task hub: purges every instance that finished with a status of the policy longer ago
 * than its period. Only instances created before the cutoff can qualify, so the scan is bounded by them.
 */
export async function purgeExpired(backend: Backend, policy: Required<RetentionPolicy>, clock: Clock): Promise<RetentionRunResult> {
  const result: RetentionRunResult = { deletedInstanceCount: 0, skipped: [] };
  for (const [status, keepMs] of Object.entries(policy.after) as [TerminalStatus, number][]) {
    const cutoff = clock.now() - keepMs;
    let continuationToken: string | undefined;
    do {
      // Tokens are key positions: deleting listed rows moves nothing after the token (as in purgeMatching).
      const page = await backend.listWorkflows({ statuses: [status], createdTo: new Date(cutoff), pageSize: policy.batchSize, continuationToken });
      for (const instance of page.instances) {
        if (finishedAt(instance) > cutoff) continue;
        if (instance.parentInstanceId !== undefined && (await backend.getWorkflowMetadata(instance.parentInstanceId))) continue;
        try {
          result.deletedInstanceCount += await purgeTree(backend, instance.instanceId, true);
        } catch (error) {
          if (!(error instanceof FailedPreconditionError)) throw error;
          result.skipped.push({ instanceId: instance.instanceId, reason: error.message });
        }
      }
      continuationToken = page.continuationToken;
      // Live work on this worker gets the event loop between batches.
      await new Promise((resolve) => setImmediate(resolve));
    } while (continuationToken !== undefined);
  }
  return result;
}

function finishedAt(instance: WorkflowMetadata): number {
  return (instance.completedAt ?? instance.lastUpdatedAt).getTime();
}

export interface RetentionJobOptions {
  backend: Backend;
  policy: RetentionPolicy;
  clock: Clock;
  /** This worker's ID, as in its heartbeat. */
  workerId: string;
  /** Workers that heartbeated within this window count as alive when electing the one that purges. */
  aliveMs: number;
  onResult(result: RetentionRunResult): void;
  onError(error: unknown): void;
}

/**
 * Runs purgeExpired every policy.everyMs on the one live worker with the smallest ID, so several workers do
 * not purge the same instances; if two overlap while the set of workers changes, purges are idempotent and a
 * deleted instance is counted once.
 */
export class RetentionJob {
  private readonly policy: Required<RetentionPolicy>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: RetentionJobOptions) {
    this.policy = validRetentionPolicy(options.policy);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run if this worker is the elected one; resolves with what it did, or undefined when it is not. */
  async runOnce(): Promise<RetentionRunResult | undefined> {
    if (!(await this.isElected())) return undefined;
    return purgeExpired(this.options.backend, this.policy, this.options.clock);
  }

  private async isElected(): Promise<boolean> {
    const { backend, workerId, aliveMs } = this.options;
    // Liveness is wall-clock time in every backend (heartbeats are stamped so), not the injectable clock.
    const alive = await backend.listWorkers({ since: new Date(Date.now() - aliveMs) });
    const ids = alive.map((w) => w.workerId);
    if (!ids.includes(workerId)) ids.push(workerId);
    ids.sort();
    return ids[0] === workerId;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((result) => result && this.options.onResult(result), this.options.onError)
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.policy.everyMs);
    this.timer.unref();
  }
}
