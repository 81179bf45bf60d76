// LISTEN side of the wake-ups: one dedicated connection (outside the pool) listening on the schema's channel,
// reconnected with back-off when it drops. Payloads: 'w' workflow work, 'a' activity work, 't:<status>:<id>'
// a status change (schema version 2 on), 's:<id>' a status change without the status (version 1 triggers).
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

export class Notifier {
  private client: pg.Client | undefined;
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
      if (err) this.options.onError?.(err);
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
    };
    client.on('error', (err) => drop(err));
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel) return;
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
    this.connects++;
    this.backoffMs = 50;
    if (this.connects > 1) {
      // Signals sent while we were away are lost: tell idle loops to look for work once.
      this.options.emit({ kind: 'workflowWork' });
      this.options.emit({ kind: 'activityWork' });
    }
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
