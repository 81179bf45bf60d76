// `durabletask serve`: run the gRPC sidecar on a task hub, so the Durable Task SDKs (Dapr, Microsoft)
// can run workflows against it. Prints one "listening on <address>" line when ready; SIGINT/SIGTERM
// close the server and the database and exit 0.
import type { Command } from 'commander';
import { openBackend } from '../open-backend.js';
import { globalsOf, parsePositiveInt, print } from '../parse.js';

const EXAMPLES = `
Examples:
  $ durabletask serve
  $ durabletask serve --port 50001 --host 0.0.0.0
  $ durabletask serve --db ./orders.sqlite
  $ durabletask serve --db postgres://postgres@localhost/app --schema orders

A SQLite --db file is created when missing; a PostgreSQL schema is created or migrated.
Log level: DURABLETASK_LOG_LEVEL (default warn), logs go to stderr as JSON.`;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gRPC sidecar (Durable Task protocol) on the task hub')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 4001)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { port: number; host: string }, command: Command) => {
      const backend = await openBackend(globalsOf(command), { create: true });
      let sidecar: Sidecar;
      try {
        // Loaded here so the other commands neither pay for nor depend on the gRPC stack (or pino).
        const { startSidecar } = await import('../../grpc/sidecar.js');
        const { defaultLogger } = await import('../../runtime/logger.js');
        sidecar = await startSidecar({ backend, host: options.host, port: options.port, logger: defaultLogger() });
      } catch (error) {
        await backend.close();
        throw error;
      }
      print(`listening on ${sidecar.address}`);
      await untilSignal();
      await sidecar.close();
      await backend.close();
      // Stray handles (a pg pool's idle timer, logger buffers) must not keep a stopped server alive.
      process.exit(0);
    });
}

interface Sidecar {
  address: string;
  close(): Promise<void>;
}

function parsePort(value: string): number {
  return value === '0' ? 0 : parsePositiveInt(value);
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
