// The memory backend's worker announcements, by worker id.
import type { WorkerInfo } from '../backend.js';
import { FORGET_WORKER_AFTER_MS } from '../shared/worker-registry.js';
import { copyData } from './copy-data.js';

export class WorkerTable {
  private readonly workers = new Map<string, WorkerInfo>();

  heartbeat(worker: Omit<WorkerInfo, 'heartbeatAt'>, now: number): void {
    this.workers.set(worker.workerId, { ...copyData(worker), heartbeatAt: new Date(now) });
    for (const [id, w] of this.workers) if (w.heartbeatAt.getTime() < now - FORGET_WORKER_AFTER_MS) this.workers.delete(id);
  }

  remove(workerId: string): void {
    this.workers.delete(workerId);
  }

  list(since?: Date): WorkerInfo[] {
    const live = [...this.workers.values()].filter((w) => !since || w.heartbeatAt >= since);
    return copyData(live.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()));
  }

  clear(): void {
    this.workers.clear();
  }
}
