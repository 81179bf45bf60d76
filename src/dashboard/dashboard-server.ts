// The dashboard's HTTP server: a Hono app with the JSON API under /api and the page at /, served by
// @hono/node-server. It binds to loopback unless told otherwise, and closes its live streams on close().
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Backend } from '../backends/backend.js';
import { Client } from '../runtime/client.js';
import type { InfoJson } from './api-types.js';
import { addActionRoutes } from './action-routes.js';
import { addAssetRoutes } from './assets.js';
import { errorResponse } from './http-errors.js';
import { addLiveRoutes } from './live-routes.js';
import { addReadRoutes } from './read-routes.js';

export interface DashboardOptions {
  backend: Backend;
  /** Refuse every action (403) and hide them on the page. @default false */
  readOnly?: boolean;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8233 */
  port?: number;
  /** Shown on the page. @default '0.0.0' */
  version?: string;
}

export interface Dashboard {
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

export const DEFAULT_DASHBOARD_PORT = 8233;

/** The app alone, for tests that call app.request() and for embedding. */
export function createDashboardApp(options: Omit<DashboardOptions, 'host' | 'port'>, closing: AbortSignal = new AbortController().signal): Hono {
  const client = new Client({ backend: options.backend });
  const readOnly = options.readOnly ?? false;
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body } = errorResponse(error);
    return c.json(body, status as 400);
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  app.get('/api/info', (c) => {
    const info: InfoJson = { readOnly, version: options.version ?? '0.0.0', actions: readOnly ? [] : ['raise', 'suspend', 'resume', 'terminate', 'purge'] };
    return c.json(info);
  });
  addReadRoutes(app, client);
  addActionRoutes(app, client, readOnly);
  addLiveRoutes(app, options.backend, closing);
  addAssetRoutes(app);
  return app;
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const closing = new AbortController();
  const app = createDashboardApp(options, closing.signal);
  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? DEFAULT_DASHBOARD_PORT }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
