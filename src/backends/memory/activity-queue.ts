// The memory backend's activity queue. A heap per activity name keyed by the time each task can next be
// locked (insert time, abandon delay, or lease expiry) makes a lock O(log n) per name the worker serves,
// so a fan-out of 10,000 tasks stays linear and tasks no worker can run are never read.
import { randomUUID } from 'node:crypto';
import type { TaskScheduledEvent } from '../../protocol/history.js';
import { MinHeap, dueBefore, type DueKey } from './min-heap.js';

export interface TaskRow {
  readonly id: string;
  readonly seq: number;
  readonly instanceId: string;
  readonly event: TaskScheduledEvent;
  /** Lockable from then on: visibility while unlocked, lease expiry while locked. */
  availableAt: number;
  lockToken?: string;
  lockedBy?: string;
  /** How many times it was locked. */
  dequeueCount: number;
}

interface HeapEntry extends DueKey {
  task: TaskRow;
}

export class ActivityQueue {
  private readonly tasks = new Map<string, TaskRow>();
  private readonly byInstance = new Map<string, Set<TaskRow>>();
  private readonly heaps = new Map<string, MinHeap<HeapEntry>>();
  private nextSeq = 1;

  get size(): number {
    return this.tasks.size;
  }

  get(id: string): TaskRow | undefined {
    return this.tasks.get(id);
  }

  insert(instanceId: string, event: TaskScheduledEvent, now: number, lease?: { lockedBy: string; leaseMs: number }): TaskRow {
    const seq = this.nextSeq++;
    const task: TaskRow = { id: String(seq), seq, instanceId, event, availableAt: now, dequeueCount: 0 };
    this.tasks.set(task.id, task);
    let set = this.byInstance.get(instanceId);
    if (!set) this.byInstance.set(instanceId, (set = new Set()));
    set.add(task);
    if (lease) this.take(task, now, lease.lockedBy, lease.leaseMs);
    this.enqueue(task);
    return task;
  }

  private take(task: TaskRow, now: number, lockedBy: string, leaseMs: number): void {
    task.lockToken = randomUUID();
    task.lockedBy = lockedBy;
    task.dequeueCount++;
    task.availableAt = now + leaseMs;
  }

  /** Locks the task of `names` (undefined: any name) that has been lockable longest, or returns undefined. */
  lock(now: number, lockedBy: string, leaseMs: number, names?: readonly string[]): TaskRow | undefined {
    for (let heap = this.dueHeap(now, names); heap; heap = this.dueHeap(now, names)) {
      const top = heap.pop()!;
      const task = top.task;
      // Entries go stale when the task is deleted, renewed or abandoned; the task's current key decides.
      if (this.tasks.get(task.id) !== task || task.availableAt !== top.at) continue;
      this.take(task, now, lockedBy, leaseMs);
      this.enqueue(task);
      return task;
    }
    return undefined;
  }

  /** The task if `lockToken` still holds it (an expired lease nobody took over still counts). */
  held(id: string, lockToken: string): TaskRow | undefined {
    const task = this.tasks.get(id);
    return task && task.lockToken === lockToken ? task : undefined;
  }

  renew(task: TaskRow, until: number): void {
    task.availableAt = until;
    this.enqueue(task);
  }

  release(task: TaskRow, visibleAt: number): void {
    delete task.lockToken;
    delete task.lockedBy;
    task.availableAt = visibleAt;
    this.enqueue(task);
  }

  delete(task: TaskRow): void {
    this.tasks.delete(task.id);
    const set = this.byInstance.get(task.instanceId);
    set?.delete(task);
    if (set?.size === 0) this.byInstance.delete(task.instanceId);
  }

  deleteForInstance(instanceId: string): void {
    for (const task of this.byInstance.get(instanceId) ?? []) this.tasks.delete(task.id);
    this.byInstance.delete(instanceId);
  }

  /** The earliest time some task may become lockable (stale entries may make it early). */
  /** The earliest time some task becomes lockable. Stale entries on top are dropped on the way. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const heap of this.heaps.values()) {
      const at = this.liveTop(heap);
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  /** The due time of the heap's first live entry; stale entries on top are dropped. */
  private liveTop(heap: MinHeap<HeapEntry>): number | undefined {
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (this.tasks.get(top.task.id) === top.task && top.task.availableAt === top.at) return top.at;
      heap.pop();
    }
    return undefined;
  }

  clear(): void {
    this.tasks.clear();
    this.byInstance.clear();
    this.heaps.clear();
  }

  /** The heap among the names whose top is due by now and due longest. */
  private dueHeap(now: number, names: readonly string[] | undefined): MinHeap<HeapEntry> | undefined {
    let best: MinHeap<HeapEntry> | undefined;
    let bestTop: HeapEntry | undefined;
    for (const name of names ?? this.heaps.keys()) {
      const heap = this.heaps.get(name);
      const top = heap?.peek();
      if (top && top.at <= now && (!bestTop || dueBefore(top, bestTop))) {
        best = heap;
        bestTop = top;
      }
    }
    return best;
  }

  private enqueue(task: TaskRow): void {
    let heap = this.heaps.get(task.event.name);
    if (!heap) this.heaps.set(task.event.name, (heap = new MinHeap<HeapEntry>(dueBefore)));
    heap.push({ at: task.availableAt, seq: task.seq, task });
  }
}
