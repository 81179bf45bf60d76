// `durabletask serve`: run the gRPC sidecar on a task hub, so the Durable Task SDKs (Dapr, Microsoft)
// can run workflows against it. Prints one "listening on <address>" line when ready; SIGINT/SIGTERM
// close the server and the database and exit 0.
import type { Command } from 'commander';
import type { Backend } from '../../backends/backend.js';
import type { Logger } from '../../runtime/logger.js';
import { CliError, EXIT_OTHER } from '../exit-codes.js';
import { existsSync, rmSync } from 'node:fs';
import { isPostgresUrl, openBackend } from '../open-backend.js';
import { globalsOf, parsePort, parsePositiveInt, print, untilSignal } from '../parse.js';

const EXAMPLES = `
Examples:
  $ durabletask serve
  $ durabletask serve --port 50001 --host 0.0.0.0
  $ durabletask serve --db ./orders.sqlite
  $ durabletask serve --dashboard-port 8233
  $ durabletask serve --db postgres://postgres@localhost/app --schema orders
  $ durabletask serve --lease-ms 10000 --work-item-timeout-ms 60000

A SQLite --db file is created when missing; a PostgreSQL schema is created or migrated.
Log level: DURABLETASK_LOG_LEVEL (default warn), logs go to stderr as JSON.`;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gRPC sidecar (Durable Task protocol) on the task hub')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 4001)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--lease-ms <ms>', 'lease on a work item; after a crash, its work waits at most this long', parsePositiveInt, 60_000)
    .option('--work-item-timeout-ms <ms>', 'an SDK worker that has not answered a work item in this time loses it (re-dispatched)', parsePositiveInt, 300_000)
    .option('--dashboard-port <port>', 'also serve the web dashboard on this port (same host)', parsePort)
    .addHelpText('after', EXAMPLES)
    .action(async (options: { port: number; host: string; dashboardPort?: number; leaseMs: number; workItemTimeoutMs: number }, command: Command) => {
      const globals = globalsOf(command);
      // A serve that cannot start must leave no new task hub file behind.
      const newFile = !isPostgresUrl(globals.db) && !existsSync(globals.db);
      const backend = await openBackend(globals, { create: true });
      let sidecar: Sidecar;
      try {
        // Loaded here so the other commands neither pay for nor depend on the gRPC stack (or pino).
        const { startSidecar } = await import('../../grpc/sidecar.js');
        const { defaultLogger } = await import('../../runtime/logger.js');
        const logger = defaultLogger();
        await routeGrpcLogs(logger);
        const { host, port, leaseMs, workItemTimeoutMs } = options;
        sidecar = await startSidecar({ backend, host, port, logger, leaseMs, workItemTimeoutMs });
      } catch (error) {
        await backend.close();
        if (newFile) for (const suffix of ['', '-wal', '-shm']) rmSync(`${globals.db}${suffix}`, { force: true });
        // e.g. the port is taken: an expected failure, reported in one line
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(EXIT_OTHER, `cannot serve on ${options.host}:${options.port}: ${message}`, { cause: error });
      }
      print(`listening on ${sidecar.address}`);
      const dashboard = options.dashboardPort === undefined ? undefined : await serveDashboard(backend, sidecar, options.host, options.dashboardPort);
      if (dashboard) print(`dashboard on ${dashboard.url}`);
      await untilSignal();
      await dashboard?.close();
      await sidecar.close();
      await backend.close();
      // Stray handles (a pg pool's idle timer, logger buffers) must not keep a stopped server alive.
      process.exit(0);
    });
}

async function serveDashboard(backend: Backend, sidecar: Sidecar, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  try {
    const { startDashboard } = await import('../../dashboard/dashboard-server.js');
    return await startDashboard({ backend, host, port });
  } catch (error) {
    await sidecar.close();
    await backend.close();
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(EXIT_OTHER, `cannot serve the dashboard on ${host}:${port}: ${message}`, { cause: error });
  }
}

interface Sidecar {
  address: string;
  close(): Promise<void>;
}

/**
 * grpc-js prints its own "E ..." lines on stderr (e.g. for a taken port, which we already report in one
 * line); send them to our logger at debug level instead, unless GRPC_VERBOSITY asks for grpc-js's own.
 */
async function routeGrpcLogs(logger: Logger): Promise<void> {
  if (process.env['GRPC_VERBOSITY']) return;
  const grpc = await import('@grpc/grpc-js');
  grpc.setLogger({ error: (...args: unknown[]) => logger.debug({ source: 'grpc-js' }, args.map(String).join(' ')) });
}
