// The workers of one simulated run: one or two slots on one hub, each worker behind its own FaultyBackend.
// A crash point is given to the next worker started; when it fires, that worker is stopped without grace (its
// backend is already dead) and a fresh worker takes its slot, as a supervisor would restart a killed process.
import type { Backend } from '../../src/backends/backend.js';
import { Worker } from '../../src/runtime/worker.js';
import { MemoryLogger } from '../support/harness.js';
import type { CrashPoint } from './arbitraries.js';
import { FaultyBackend } from './faulty-backend.js';
import { AttemptTracker, SIM_ACTIVITY, SIM_WORKFLOW, simActivity, simWorkflow, type ActivityRun } from './interpreter.js';

export interface PoolOptions {
  backend: Backend;
  slots: number;
  crashes: CrashPoint[];
  leaseMs: number;
  /** Slot 0's workers drop their lease renewals and its activities may stall past the lease. */
  lostLease: boolean;
  duplicatePerMille: number;
  random: () => number;
}

export class WorkerPool {
  readonly logger = new MemoryLogger();
  readonly runs = new Map<string, number>();
  crashesFired = 0;
  private readonly o: PoolOptions;
  private readonly tracker = new AttemptTracker();
  private readonly crashQueue: CrashPoint[];
  private readonly workers: Worker[] = [];
  private readonly restarts: Promise<void>[] = [];
  private readonly lateDeliveries: Promise<void>[] = [];
  private stopped = false;

  constructor(options: PoolOptions) {
    this.o = options;
    this.crashQueue = [...options.crashes];
  }

  async start(): Promise<void> {
    for (let slot = 0; slot < this.o.slots; slot++) await this.startWorker(slot);
  }

  private async startWorker(slot: number): Promise<void> {
    if (this.stopped) return;
    const crash = this.crashQueue.shift();
    const lostLease = this.o.lostLease && slot === 0;
    let worker: Worker | undefined;
    const faulty = new FaultyBackend(this.o.backend, {
      crashAtCall: crash?.afterCalls,
      crashAfterCommit: crash?.afterCommit,
      dropRenewals: lostLease,
      duplicatePerMille: this.o.duplicatePerMille,
      random: this.o.random,
      track: (p) => this.lateDeliveries.push(p),
      onCrash: () => {
        this.crashesFired++;
        // Off the crashing call's stack: the dead worker's loops unwind while a new worker starts.
        this.restarts.push(
          Promise.resolve().then(async () => {
            await worker?.stop(0);
            await this.startWorker(slot);
          }),
        );
      },
    });
    const onRun = (run: ActivityRun) => {
      const key = `${run.instanceId} ${run.taskId}`;
      this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
    };
    worker = new Worker({
      backend: faulty,
      logger: this.logger,
      workflows: { [SIM_WORKFLOW]: simWorkflow },
      activities: { [SIM_ACTIVITY]: simActivity({ tracker: this.tracker, onRun, stallMs: lostLease ? this.o.leaseMs * 2 : 0 }) },
      leaseMs: this.o.leaseMs,
      workflowConcurrency: 8,
      activityConcurrency: 8,
      minPollMs: 2,
      maxPollMs: 25,
    });
    this.workers.push(worker);
    await worker.start();
  }

  /** Waits for duplicates still on their way (they are part of the run). */
  async drainLateDeliveries(): Promise<void> {
    while (this.lateDeliveries.length > 0) await Promise.all(this.lateDeliveries.splice(0));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.restarts.length > 0) await Promise.all(this.restarts.splice(0));
    await this.drainLateDeliveries();
    await Promise.all(this.workers.map((w) => w.stop(100)));
  }
}
