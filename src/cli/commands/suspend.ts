// `durabletask suspend <id>`: pause an instance; events queue up until it is resumed.
import type { Command } from 'commander';
import { withClient } from '../open-backend.js';
import { globalsOf, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask suspend order-1234
  $ durabletask suspend order-1234 --reason "waiting for a fix of the payment service"`;

export function registerSuspend(program: Command): void {
  program
    .command('suspend')
    .description('suspend a running instance (it keeps its state and receives events, but does not run)')
    .argument('<id>', 'instance ID')
    .option('-r, --reason <text>', 'why; recorded in the history')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      await withClient(globalsOf(command), async (client) => {
        await requireLive(client, id, 'suspend');
        await client.suspendWorkflow(id, options.reason);
      });
      print(`suspend requested for ${id}`);
    });
}
