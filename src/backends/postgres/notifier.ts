// Wake-ups between processes: one dedicated connection (outside the pool) LISTENs on the schema's channel,
// reconnected with back-off when it drops, and sends this process's wake-ups after its commits, coalesced per
// event-loop turn (a NOTIFY inside a writing transaction would serialise commits: see migrations.ts).
// Payloads: 'w' workflow work, 'a' activity work, 't:<status>:<id>' a status change, 's:<id>' a status change
// whose status is not known.
import pg from 'pg';
import type { BackendSignal } from '../backend.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { quoteIdent } from './queries.js';

export interface NotifierOptions {
  connectionString: string;
  applicationName: string;
  channel: string;
  /** Called for every signal received. */
  emit: (signal: BackendSignal) => void;
  /** Reports connection problems (they are never thrown). */
  onError?: (err: Error) => void;
}

export function parseSignal(payload: string | undefined): BackendSignal | undefined {
  if (payload === 'w') return { kind: 'workflowWork' };
  if (payload === 'a') return { kind: 'activityWork' };
  if (payload?.startsWith('s:')) return { kind: 'statusChanged', instanceId: payload.slice(2) };
  if (payload?.startsWith('t:')) {
    // A status never contains ':'; an instance ID may.
    const colon = payload.indexOf(':', 2);
    if (colon < 0) return undefined;
    return { kind: 'statusChanged', instanceId: payload.slice(colon + 1), runtimeStatus: payload.slice(2, colon) as RuntimeStatus };
  }
  return undefined;
}

export function formatSignal(signal: BackendSignal): string {
  if (signal.kind === 'workflowWork') return 'w';
  if (signal.kind === 'activityWork') return 'a';
  return signal.runtimeStatus ? `t:${signal.runtimeStatus}:${signal.instanceId}` : `s:${signal.instanceId}`;
}

/** PostgreSQL refuses payloads of 8000 bytes or more; a longer instance ID is announced without it. */
const MAX_PAYLOAD_BYTES = 7999;

export class Notifier {
  private client: pg.Client | undefined;
  /** Whether `client` is connected and listening (it is set before it connects). */
  private ready = false;
  private readonly outbox = new Set<string>();
  private sending = false;
  private sendingDone: Promise<void> | undefined;
  private flushScheduled = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 50;
  private listening: Promise<void> | undefined;
  /** Number of times LISTEN was (re-)established; lets tests and diagnostics see reconnects. */
  connects = 0;

  constructor(private readonly options: NotifierOptions) {}

  /** Connects and LISTENs; resolves once listening (or rejects on the first failure, while retrying in the background). */
  start(): Promise<void> {
    // A failed first attempt keeps retrying in the background; a later start() makes the next attempt now.
    if (!this.listening && this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.listening ??= this.connect().catch((err: unknown) => {
      this.listening = undefined;
      throw err;
    });
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      keepAlive: true,
    });
    this.client = client;
    let dropped = false;
    const drop = (err?: Error): void => {
      if (dropped) return;
      dropped = true;
      this.ready = false;
      if (err) this.options.onError?.(err);
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
    };
    client.on('error', (err) => drop(err));
    client.on('end', () => drop());
    client.on('notification', (message) => {
      // This process told its own subscribers already when it published.
      if (message.channel !== this.options.channel || message.processId === (client as { processID?: number }).processID) return;
      const signal = parseSignal(message.payload);
      if (signal) this.options.emit(signal);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.options.channel)}`);
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    if (this.closed) return;
    this.ready = true;
    this.connects++;
    this.backoffMs = 50;
    if (this.connects > 1) {
      // Signals sent while we were away are lost: tell idle loops to look for work once.
      this.options.emit({ kind: 'workflowWork' });
      this.options.emit({ kind: 'activityWork' });
    }
  }

  /**
   * Queues a wake-up for the other processes; sent after the current event-loop turn, each distinct one once.
   * Best effort: while the connection is down they are dropped (the others poll, and a reconnect wakes them).
   */
  publish(signal: BackendSignal): void {
    const payload = formatSignal(signal);
    this.outbox.add(Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? 'w' : payload);
    if (this.flushScheduled || this.sending) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** One statement per batch, and one batch in flight at a time (the connection runs queries in order). */
  private async flush(): Promise<void> {
    const client = this.client;
    const payloads = [...this.outbox];
    this.outbox.clear();
    if (!client || !this.ready || this.closed || payloads.length === 0) return;
    this.sending = true;
    this.sendingDone = client
      .query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.options.channel, payloads])
      .then(
        () => undefined,
        (err: unknown) => this.options.onError?.(err as Error),
      );
    await this.sendingDone;
    this.sending = false;
    if (this.outbox.size > 0) await this.flush();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => undefined);
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    // Wake-ups of the last writes still go out (a short-lived process such as the CLI writes, then closes).
    await this.sendingDone;
    if (this.outbox.size > 0) await this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
