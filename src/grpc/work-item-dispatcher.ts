// Hands work items to the connected GetWorkItems streams (round robin) and routes each answer back to the
// dispatch that is waiting for it, by completion token. A dispatch is registered BEFORE its item is written
// (a fast worker may answer before write returns); a stream that goes away cancels everything it holds.
import { randomUUID } from 'node:crypto';
import { DurableTaskError, InvalidArgumentError, TimeoutError, UnavailableError } from '../errors.js';
import type { Dialect, WorkerStreamOptions } from '../protocol/wire/dialect-wire.js';

export type DispatchKind = 'workflow' | 'activity';

/** What a dispatch knows of the stream it was given to, so it can encode the item for that stream. */
export interface StreamInfo {
  readonly id: number;
  readonly dialect: Dialect;
  readonly options: WorkerStreamOptions;
}

interface WorkerStream extends StreamInfo {
  /** Writes an item already encoded for this stream's dialect. */
  readonly write: (item: Uint8Array) => void;
  readonly pending: Set<Pending>;
}

interface Pending {
  readonly token: string;
  readonly kind: DispatchKind;
  readonly key: string;
  readonly stream: WorkerStream;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

export interface DispatcherOptions {
  /** A dispatch not answered in this time is cancelled (its item is abandoned and re-dispatched). @default 300000 */
  timeoutMs?: number;
}

export const DEFAULT_WORK_ITEM_TIMEOUT_MS = 300_000;

export interface Dispatch<R> {
  readonly token: string;
  /** Settles with the worker's parsed answer, or rejects when the dispatch is cancelled. */
  readonly answer: Promise<R>;
}

export class WorkItemDispatcher {
  private readonly streams: WorkerStream[] = [];
  private readonly byToken = new Map<string, Pending>();
  private readonly byKey = new Map<string, Pending[]>();
  private readonly connectListeners = new Set<() => void>();
  private closed: Error | undefined;
  private nextStreamId = 1;
  private roundRobin = 0;
  private readonly timeoutMs: number;

  constructor(options: DispatcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WORK_ITEM_TIMEOUT_MS;
  }

  get streamCount(): number {
    return this.streams.length;
  }

  get pendingCount(): number {
    return this.byToken.size;
  }

  /**
   * The names the connected streams can run for `kind` (their workItemFilters), or undefined when some stream
   * declared no filter and so takes any name. An empty list: no connected stream runs anything of that kind.
   */
  servedNames(kind: DispatchKind): string[] | undefined {
    const names = new Set<string>();
    for (const stream of this.streams) {
      const served = namesServed(stream, kind);
      if (served === undefined) return undefined;
      for (const name of served) names.add(name);
    }
    return [...names];
  }

  /** Called whenever a stream connects or goes away (idle loops wake up and lock work; announcements change). */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /** Registers a connected stream; the returned function detaches it and cancels what it still holds. */
  attach(write: (item: Uint8Array) => void, dialect: Dialect, options: WorkerStreamOptions): () => void {
    const stream: WorkerStream = { id: this.nextStreamId++, dialect, options, write, pending: new Set() };
    this.streams.push(stream);
    for (const listener of this.connectListeners) listener();
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      const index = this.streams.indexOf(stream);
      if (index >= 0) this.streams.splice(index, 1);
      for (const listener of this.connectListeners) listener();
      for (const pending of [...stream.pending]) {
        this.settle(pending, undefined, new UnavailableError(`worker stream ${stream.id} disconnected before answering`));
      }
    };
  }

  /**
   * Sends an item to the next stream that serves `name` (the workflow or activity name); `build` encodes it for
   * that stream, with the fresh completion token.
   */
  dispatch<R>(kind: DispatchKind, key: string, name: string, build: (token: string, stream: StreamInfo) => Uint8Array): Dispatch<R> {
    const token = randomUUID();
    if (this.closed) return { token, answer: Promise.reject(this.closed) };
    const stream = this.nextStreamServing(kind, name);
    if (!stream) {
      const why = this.streams.length === 0 ? 'no worker is connected to GetWorkItems' : `no connected worker serves ${kind} '${name}'`;
      return { token, answer: Promise.reject(new UnavailableError(why)) };
    }
    let pending: Pending | undefined;
    const answer = new Promise<R>((resolve, reject) => {
      pending = { token, kind, key, stream, resolve: resolve as (value: unknown) => void, reject };
    });
    const entry = pending as unknown as Pending;
    let bytes: Uint8Array;
    try {
      bytes = build(token, stream);
    } catch (error) {
      // The item cannot be built for this stream (e.g. too large): the caller's error, not the stream's.
      return { token, answer: Promise.reject(error instanceof Error ? error : new Error(String(error))) };
    }
    this.register(entry);
    entry.timer = setTimeout(() => {
      this.settle(entry, undefined, new TimeoutError(`worker stream ${stream.id} did not answer ${kind} work item '${key}' within ${this.timeoutMs} ms; it is re-dispatched`));
    }, this.timeoutMs);
    entry.timer.unref();
    try {
      stream.write(bytes);
    } catch (error) {
      this.settle(entry, undefined, new UnavailableError(`could not write to worker stream ${stream.id}`, { cause: error }));
    }
    return { token, answer };
  }

  /**
   * Delivers a worker's answer. `token` may be empty (older SDKs): the oldest dispatch for `key` takes it.
   * An unknown or stale token, or a token for another key, throws and changes nothing. When `parse` rejects the
   * body, the dispatch is cancelled with that error (the engine abandons the item) and the error is rethrown.
   */
  complete(kind: DispatchKind, key: string, token: string, parse: () => unknown): void {
    const pending = token === '' ? this.byKey.get(`${kind}:${key}`)?.[0] : this.byToken.get(token);
    if (!pending) {
      const what = token === '' ? `no ${kind} work item is waiting for an answer for '${key}'` : `no ${kind} work item is waiting with completion token '${token}'`;
      throw new DurableTaskError('NOT_FOUND', `${what} (stale, already answered, abandoned or unknown)`);
    }
    if (pending.kind !== kind || pending.key !== key) {
      throw new DurableTaskError('FAILED_PRECONDITION', `completion token '${token}' belongs to ${pending.kind} work item '${pending.key}', not ${kind} '${key}'`);
    }
    let value: unknown;
    try {
      value = parse();
    } catch (error) {
      const reason = error instanceof DurableTaskError ? error : new InvalidArgumentError('response', String(error));
      this.settle(pending, undefined, reason);
      throw reason;
    }
    this.settle(pending, value);
  }

  /** The dialect of the stream holding the dispatch with `token`; undefined when no dispatch has it. */
  dialectOf(token: string): Dialect | undefined {
    return this.byToken.get(token)?.stream.dialect;
  }

  /** Cancels a dispatch by its token (AbandonTask*WorkItem); false when no dispatch has that token. */
  cancel(token: string, reason: Error, kind?: DispatchKind): boolean {
    const pending = this.byToken.get(token);
    if (!pending || (kind !== undefined && pending.kind !== kind)) return false;
    this.settle(pending, undefined, reason);
    return true;
  }

  /** Cancels every dispatch and refuses new ones (shutdown). */
  close(reason: Error): void {
    this.closed = reason;
    for (const pending of [...this.byToken.values()]) this.settle(pending, undefined, reason);
  }

  private nextStreamServing(kind: DispatchKind, name: string): WorkerStream | undefined {
    const count = this.streams.length;
    for (let i = 0; i < count; i++) {
      const stream = this.streams[this.roundRobin++ % count] as WorkerStream;
      const served = namesServed(stream, kind);
      if (served === undefined || served.includes(name)) return stream;
    }
    return undefined;
  }

  private register(pending: Pending): void {
    this.byToken.set(pending.token, pending);
    const key = `${pending.kind}:${pending.key}`;
    const list = this.byKey.get(key);
    if (list) list.push(pending);
    else this.byKey.set(key, [pending]);
    pending.stream.pending.add(pending);
  }

  private settle(pending: Pending, value: unknown, error?: Error): void {
    if (this.byToken.get(pending.token) !== pending) return;
    this.byToken.delete(pending.token);
    const key = `${pending.kind}:${pending.key}`;
    const list = this.byKey.get(key) ?? [];
    const rest = list.filter((p) => p !== pending);
    if (rest.length > 0) this.byKey.set(key, rest);
    else this.byKey.delete(key);
    pending.stream.pending.delete(pending);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }
}

/** The names a stream's workItemFilters let it run for `kind`; undefined when it declared no filter. */
function namesServed(stream: StreamInfo, kind: DispatchKind): string[] | undefined {
  const filters = stream.options.filters;
  if (!filters) return undefined;
  return (kind === 'workflow' ? filters.orchestrations : filters.activities).map((f) => f.name);
}
