// The memory backend's instances: row, history and inbox per instance, plus heaps keyed by when each
// instance can next be locked (its earliest visible inbox event, or its lease expiry) so that a lock
// finds the instance whose work has waited longest without scanning every instance. Started instances
// have their own heaps, served before the new (PENDING) ones, as on the other backends; the heaps are per
// workflow name, so a lock reads only the names its worker serves.
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../../protocol/history.js';
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import { MinHeap, dueBefore, type DueKey } from './min-heap.js';

export interface InboxEntry {
  readonly seq: number;
  readonly event: HistoryEvent;
  visibleAt: number;
  /** How many times it was locked. */
  dequeueCount: number;
  /** The lock that took it last; only meaningful while equal to the instance's lockToken. */
  lockToken?: string;
}

export interface InstanceState {
  record: WorkflowMetadata;
  history: HistoryEvent[];
  /** In arrival order. */
  inbox: InboxEntry[];
  lockToken?: string;
  lockedBy?: string;
  /** Lease expiry (ms); meaningful while lockToken is set. */
  lockedUntil: number;
  /** The instance's live heap entry; other entries for it are stale. */
  key?: HeapEntry;
}

interface HeapEntry extends DueKey {
  inst: InstanceState;
}

interface ReadyHeaps {
  started: MinHeap<HeapEntry>;
  fresh: MinHeap<HeapEntry>;
}

/**
 * Whether a lock of this instance takes its first inbox event, its ExecutionStarted, even before that is
 * visible. Only a back-off holds a start back while other events of the instance are visible (a scheduled
 * start holds them back too, and a termination reveals it): such an event then brings the start with it
 * and cuts the back-off short, instead of arriving at an instance with no history and being dropped.
 */
function startGoesAlong(inst: InstanceState): boolean {
  return inst.history.length === 0 && inst.inbox[0]?.event.type === 'executionStarted';
}

export class InstanceTable {
  private readonly instances = new Map<string, InstanceState>();
  /** Per workflow name: started and new instances. */
  private readonly ready = new Map<string, ReadyHeaps>();
  private nextSeq = 1;

  get(instanceId: string): InstanceState | undefined {
    return this.instances.get(instanceId);
  }

  values(): IterableIterator<InstanceState> {
    return this.instances.values();
  }

  /** Adds a new instance; the caller has removed any previous one with that ID. */
  create(record: WorkflowMetadata): InstanceState {
    const inst: InstanceState = { record, history: [], inbox: [], lockedUntil: 0 };
    this.instances.set(record.instanceId, inst);
    return inst;
  }

  delete(inst: InstanceState): void {
    if (this.instances.get(inst.record.instanceId) === inst) this.instances.delete(inst.record.instanceId);
    delete inst.key;
  }

  enqueue(inst: InstanceState, event: HistoryEvent, visibleAt: number): void {
    const entry: InboxEntry = { seq: this.nextSeq++, event, visibleAt, dequeueCount: 0 };
    inst.inbox.push(entry);
    // A new event can only make the instance due earlier; later keys are found again on release.
    const at = Math.max(visibleAt, inst.lockToken === undefined ? 0 : inst.lockedUntil);
    if (!inst.key || dueBefore({ at, seq: entry.seq }, inst.key)) this.push(inst, at, entry.seq);
  }

  /** Makes every inbox event of the instance visible by `now` (a termination cancels its scheduled start). */
  makeVisible(inst: InstanceState, now: number): void {
    for (const entry of inst.inbox) entry.visibleAt = Math.min(entry.visibleAt, now);
    this.reschedule(inst);
  }

  /**
   * Locks the instance due longest among those of `names` (undefined: any name), taking up to maxEvents
   * visible inbox events in arrival order.
   */
  lock(
    now: number,
    lockedBy: string,
    leaseMs: number,
    maxEvents: number,
    names?: readonly string[],
  ): { inst: InstanceState; batch: InboxEntry[] } | undefined {
    for (const kind of ['started', 'fresh'] as const) {
      for (let heap = this.dueHeap(kind, now, names); heap; heap = this.dueHeap(kind, now, names)) {
        const top = heap.pop()!;
        const inst = top.inst;
        if (inst.key !== top || this.instances.get(inst.record.instanceId) !== inst) continue;
        const batch = this.take(inst, now, lockedBy, leaseMs, maxEvents);
        if (batch) return { inst, batch };
        this.reschedule(inst);
      }
    }
    return undefined;
  }

  /** Locks this instance if no lease holds it and it has visible events. */
  lockOne(inst: InstanceState, now: number, lockedBy: string, leaseMs: number, maxEvents: number): InboxEntry[] | undefined {
    if (inst.lockToken !== undefined && inst.lockedUntil > now) return undefined;
    return this.take(inst, now, lockedBy, leaseMs, maxEvents);
  }

  private take(inst: InstanceState, now: number, lockedBy: string, leaseMs: number, maxEvents: number): InboxEntry[] | undefined {
    const batch: InboxEntry[] = [];
    // An instance that has not started takes its start along (see startGoesAlong).
    const start = startGoesAlong(inst) ? inst.inbox[0] : undefined;
    for (const entry of inst.inbox) {
      if (batch.length >= maxEvents) break;
      if (entry.visibleAt <= now || entry === start) batch.push(entry);
    }
    if (batch.length === 1 && batch[0] === start && start.visibleAt > now) return undefined;
    if (batch.length === 0) return undefined;
    const token = randomUUID();
    for (const entry of batch) {
      entry.lockToken = token;
      entry.dequeueCount++;
    }
    inst.lockToken = token;
    inst.lockedBy = lockedBy;
    inst.lockedUntil = now + leaseMs;
    this.reschedule(inst);
    return batch;
  }

  /** The instance if `lockToken` still holds it (an expired lease nobody took over still counts). */
  held(instanceId: string, lockToken: string): InstanceState | undefined {
    const inst = this.instances.get(instanceId);
    return inst && inst.lockToken === lockToken ? inst : undefined;
  }

  renew(inst: InstanceState, until: number): void {
    inst.lockedUntil = until;
    this.reschedule(inst);
  }

  /** Deletes exactly the events the current lock took. */
  consumeLocked(inst: InstanceState): void {
    const token = inst.lockToken;
    inst.inbox = inst.inbox.filter((entry) => entry.lockToken !== token);
  }

  /** Puts the events the current lock took back, visible at visibleAt. */
  returnLocked(inst: InstanceState, visibleAt: number): void {
    for (const entry of inst.inbox) {
      if (entry.lockToken !== inst.lockToken) continue;
      delete entry.lockToken;
      entry.visibleAt = visibleAt;
    }
  }

  unlock(inst: InstanceState): void {
    delete inst.lockToken;
    delete inst.lockedBy;
    inst.lockedUntil = 0;
    this.reschedule(inst);
  }

  /** The earliest time some instance becomes lockable. Stale entries on top are dropped on the way. */
  nextDueAt(): number | undefined {
    let earliest: number | undefined;
    for (const heaps of this.ready.values()) {
      for (const at of [this.liveTop(heaps.started), this.liveTop(heaps.fresh)]) {
        if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
      }
    }
    return earliest;
  }

  private liveTop(heap: MinHeap<HeapEntry>): number | undefined {
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (top.inst.key === top && this.instances.get(top.inst.record.instanceId) === top.inst) return top.at;
      heap.pop();
    }
    return undefined;
  }

  clear(): void {
    this.instances.clear();
    this.ready.clear();
  }

  /** The heap of `kind` among the names whose top is due by now and due longest. */
  private dueHeap(kind: keyof ReadyHeaps, now: number, names: readonly string[] | undefined): MinHeap<HeapEntry> | undefined {
    let best: MinHeap<HeapEntry> | undefined;
    let bestTop: HeapEntry | undefined;
    for (const name of names ?? this.ready.keys()) {
      const heap = this.ready.get(name)?.[kind];
      const top = heap?.peek();
      if (top && top.at <= now && (!bestTop || dueBefore(top, bestTop))) {
        best = heap;
        bestTop = top;
      }
    }
    return best;
  }

  private reschedule(inst: InstanceState): void {
    let first: InboxEntry | undefined;
    for (const entry of inst.inbox) {
      if (!first || entry.visibleAt < first.visibleAt) first = entry;
    }
    if (!first) {
      delete inst.key;
      return;
    }
    const at = Math.max(first.visibleAt, inst.lockToken === undefined ? 0 : inst.lockedUntil);
    this.push(inst, at, first.seq);
  }

  private push(inst: InstanceState, at: number, seq: number): void {
    const entry: HeapEntry = { at, seq, inst };
    inst.key = entry;
    let heaps = this.ready.get(inst.record.name);
    if (!heaps) this.ready.set(inst.record.name, (heaps = { started: new MinHeap<HeapEntry>(dueBefore), fresh: new MinHeap<HeapEntry>(dueBefore) }));
    (inst.record.runtimeStatus === 'PENDING' ? heaps.fresh : heaps.started).push(entry);
  }
}
