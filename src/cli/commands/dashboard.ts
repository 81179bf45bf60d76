// `durabletask dashboard`: serve the web dashboard over a task hub (SQLite file or PostgreSQL URL).
// Prints one "dashboard on <url>" line when ready; SIGINT/SIGTERM close the server and the database.
import type { Command } from 'commander';
import { CliError, EXIT_OTHER } from '../exit-codes.js';
import { openBackend } from '../open-backend.js';
import { globalsOf, parsePort, print, untilSignal } from '../parse.js';

const EXAMPLES = `
Examples:
  $ durabletask dashboard
  $ durabletask dashboard --db ./orders.sqlite --port 9000
  $ durabletask dashboard --db postgres://postgres@localhost/app --read-only
  $ durabletask dashboard --host 0.0.0.0   # reachable from other machines: anyone who can connect can act

It binds to 127.0.0.1 unless --host says otherwise. --read-only hides the actions and the server refuses them.`;

export function registerDashboard(program: Command, packageVersion: () => string): void {
  program
    .command('dashboard')
    .description('serve the web dashboard (instances, timelines, families, actions) over the task hub')
    .option('-p, --port <port>', 'TCP port (0 picks a free one)', parsePort, 8233)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--read-only', 'hide the actions; the server refuses them (403)')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { port: number; host: string; readOnly?: boolean }, command: Command) => {
      const backend = await openBackend(globalsOf(command));
      let dashboard: { url: string; close(): Promise<void> };
      try {
        const { startDashboard } = await import('../../dashboard/dashboard-server.js');
        dashboard = await startDashboard({ backend, host: options.host, port: options.port, readOnly: options.readOnly ?? false, version: packageVersion() });
      } catch (error) {
        await backend.close();
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(EXIT_OTHER, `cannot serve the dashboard on ${options.host}:${options.port}: ${message}`, { cause: error });
      }
      print(`dashboard on ${dashboard.url}${options.readOnly ? ' (read-only)' : ''}`);
      await untilSignal();
      await dashboard.close();
      await backend.close();
      process.exit(0);
    });
}
