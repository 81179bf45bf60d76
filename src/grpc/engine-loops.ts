// The sidecar's two work loops (workflow turns, activities). They lock work only while at least one
// GetWorkItems stream is connected, so an engine with no SDK worker leaves its queues alone, and they renew
// each item's lease while the remote worker takes its time. They lock only the names the connected streams
// serve (workItemFilters), so an item no connected worker can run stays queued, and they announce those names
// with a worker heartbeat (an unfiltered stream serves any name: announced as '*').
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ActivityWorkItem, Backend, WorkflowWorkItem } from '../backends/backend.js';
import type { Logger } from '../runtime/logger.js';
import { Wake } from '../runtime/wake.js';
import { WorkLoop } from '../runtime/work-loop.js';
import { ActivityProcessor } from '../runtime/activity-processor.js';
import { withLeaseRenewal } from '../runtime/lease-renewal.js';
import { WorkflowProcessor } from '../runtime/workflow-processor.js';
import { systemClock } from '../core/clock.js';
import { RemoteActivityExecutor } from './remote-activity-executor.js';
import { RemoteWorkflowExecutor } from './remote-workflow-executor.js';
import type { WorkItemDispatcher } from './work-item-dispatcher.js';

export interface EngineLoopOptions {
  backend: Backend;
  dispatcher: WorkItemDispatcher;
  logger: Logger;
  /** @default 128 */
  workflowConcurrency?: number;
  /** @default 512 */
  activityConcurrency?: number;
  /** @default 60000 */
  leaseMs?: number;
  /** How often the sidecar announces what its connected workers serve. @default 10000 */
  heartbeatMs?: number;
}

/** The announced name of a sidecar whose connected worker takes any name (waitingReason reads it). */
export const ANY_NAME = '*';

export class EngineLoops {
  readonly lockedBy = `${hostname()},${process.pid},${randomUUID()}`;
  private readonly options: EngineLoopOptions;
  private readonly wakes: Wake[];
  private readonly workflow: WorkLoop<WorkflowWorkItem>;
  private readonly activity: WorkLoop<ActivityWorkItem>;
  private readonly unsubscribe: () => void;
  private readonly startedAt = new Date();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: EngineLoopOptions) {
    this.options = options;
    const { backend, dispatcher, logger } = options;
    const leaseMs = options.leaseMs ?? 60_000;
    const lease = { lockedBy: this.lockedBy, leaseMs };
    const workflows = new WorkflowProcessor({ backend, logger, clock: systemClock, executor: new RemoteWorkflowExecutor(options) });
    const activities = new ActivityProcessor({ backend, logger, executor: new RemoteActivityExecutor(options) });
    const workflowWake = new Wake(backend, 'workflowWork');
    const activityWake = new Wake(backend, 'activityWork');
    this.wakes = [workflowWake, activityWake];
    this.unsubscribe = dispatcher.onConnect(() => {
      this.wakes.forEach((w) => w.notify());
      if (this.heartbeat) void this.announce();
    });
    const poll = { minPollMs: 5, maxPollMs: 250, logger };
    /** The lock options for what the connected streams serve; undefined when nothing can be locked. */
    const leaseFor = (kind: 'workflow' | 'activity') => {
      if (dispatcher.streamCount === 0) return undefined;
      const names = dispatcher.servedNames(kind);
      return names?.length === 0 ? undefined : { ...lease, names };
    };
    this.workflow = new WorkLoop<WorkflowWorkItem>({
      ...poll,
      name: 'grpc-workflow',
      concurrency: options.workflowConcurrency ?? 128,
      wake: workflowWake,
      lock: async () => {
        const options = leaseFor('workflow');
        return options ? backend.lockWorkflowWorkItem(options) : undefined;
      },
      process: (item) => withLeaseRenewal(leaseMs, logger, () => backend.renewWorkflowWorkItem(item, leaseMs), () => workflows.process(item)),
    });
    this.activity = new WorkLoop<ActivityWorkItem>({
      ...poll,
      name: 'grpc-activity',
      concurrency: options.activityConcurrency ?? 512,
      wake: activityWake,
      lock: async () => {
        const options = leaseFor('activity');
        return options ? backend.lockActivityWorkItem(options) : undefined;
      },
      process: (item) => withLeaseRenewal(leaseMs, logger, () => backend.renewActivityWorkItem(item, leaseMs), () => activities.process(item)),
    });
  }

  start(): void {
    this.workflow.start();
    this.activity.start();
    this.heartbeat = setInterval(() => void this.announce(), this.options.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
    void this.announce();
  }

  /** Announces the names the connected streams serve (none while no stream is connected). */
  private announce(): Promise<void> {
    const { dispatcher } = this.options;
    const served = (kind: 'workflow' | 'activity') =>
      dispatcher.streamCount === 0 ? [] : (dispatcher.servedNames(kind) ?? [ANY_NAME]);
    return this.options.backend
      .heartbeatWorker({
        workerId: this.lockedBy,
        name: 'sidecar',
        host: hostname(),
        pid: process.pid,
        workflows: served('workflow'),
        activities: served('activity'),
        startedAt: this.startedAt,
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'sidecar worker heartbeat failed'));
  }

  /** Stops locking; in-flight items get graceMs (callers cancel their dispatches first so they abandon fast). */
  async stop(graceMs: number): Promise<void> {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await Promise.all([this.workflow.stop(graceMs), this.activity.stop(graceMs)]);
    for (const wake of this.wakes) wake.close();
    await this.options.backend.removeWorker(this.lockedBy).catch((error: unknown) => this.options.logger.warn({ err: error }, 'removing the sidecar worker announcement failed'));
  }
}
