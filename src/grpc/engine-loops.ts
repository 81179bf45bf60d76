// The sidecar's two work loops (workflow turns, activities). They lock work only while at least one
// GetWorkItems stream is connected, so an engine with no SDK worker leaves its queues alone, and they renew
// each item's lease while the remote worker takes its time.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ActivityWorkItem, Backend, WorkflowWorkItem } from '../backends/backend.js';
import type { Logger } from '../runtime/logger.js';
import { Wake } from '../runtime/wake.js';
import { WorkLoop } from '../runtime/work-loop.js';
import { RemoteActivityProcessor } from './remote-activity-executor.js';
import { RemoteWorkflowProcessor } from './remote-workflow-executor.js';
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
}

export class EngineLoops {
  readonly lockedBy = `${hostname()},${process.pid},${randomUUID()}`;
  private readonly o: EngineLoopOptions;
  private readonly wakes: Wake[];
  private readonly workflow: WorkLoop<WorkflowWorkItem>;
  private readonly activity: WorkLoop<ActivityWorkItem>;
  private readonly unsubscribe: () => void;

  constructor(options: EngineLoopOptions) {
    this.o = options;
    const { backend, dispatcher, logger } = options;
    const leaseMs = options.leaseMs ?? 60_000;
    const lease = { lockedBy: this.lockedBy, leaseMs };
    const workflows = new RemoteWorkflowProcessor(options);
    const activities = new RemoteActivityProcessor(options);
    const workflowWake = new Wake(backend, 'workflowWork');
    const activityWake = new Wake(backend, 'activityWork');
    this.wakes = [workflowWake, activityWake];
    this.unsubscribe = dispatcher.onConnect(() => this.wakes.forEach((w) => w.notify()));
    const poll = { minPollMs: 5, maxPollMs: 250, logger };
    const connected = () => dispatcher.streamCount > 0;
    this.workflow = new WorkLoop<WorkflowWorkItem>({
      ...poll,
      name: 'grpc-workflow',
      concurrency: options.workflowConcurrency ?? 128,
      wake: workflowWake,
      lock: async () => (connected() ? backend.lockWorkflowWorkItem(lease) : undefined),
      process: (item) => this.withRenewal(() => backend.renewWorkflowWorkItem(item, leaseMs), () => workflows.process(item)),
    });
    this.activity = new WorkLoop<ActivityWorkItem>({
      ...poll,
      name: 'grpc-activity',
      concurrency: options.activityConcurrency ?? 512,
      wake: activityWake,
      lock: async () => (connected() ? backend.lockActivityWorkItem(lease) : undefined),
      process: (item) => this.withRenewal(() => backend.renewActivityWorkItem(item, leaseMs), () => activities.process(item)),
    });
  }

  start(): void {
    this.workflow.start();
    this.activity.start();
  }

  /** Stops locking; in-flight items get graceMs (callers cancel their dispatches first so they abandon fast). */
  async stop(graceMs: number): Promise<void> {
    this.unsubscribe();
    await Promise.all([this.workflow.stop(graceMs), this.activity.stop(graceMs)]);
    for (const wake of this.wakes) wake.close();
  }

  private async withRenewal(renew: () => Promise<void>, work: () => Promise<void>): Promise<void> {
    const every = Math.max(10, Math.floor((this.o.leaseMs ?? 60_000) / 2));
    const timer = setInterval(() => {
      renew().catch((error: unknown) => this.o.logger.warn({ err: error }, 'lease renewal failed'));
    }, every);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }
}
