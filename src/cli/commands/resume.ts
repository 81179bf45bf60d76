// `durabletask resume <id>`: continue a suspended instance.
import type { Command } from 'commander';
import { withClient } from '../open-backend.js';
import { globalsOf, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask resume order-1234
  $ durabletask resume order-1234 --reason "payment service fixed"`;

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description('resume a suspended instance')
    .argument('<id>', 'instance ID')
    .option('-r, --reason <text>', 'why; recorded in the history')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      await withClient(globalsOf(command), async (client) => {
        await requireLive(client, id, 'resume');
        await client.resumeWorkflow(id, options.reason);
      });
      print(`resume requested for ${id}`);
    });
}
