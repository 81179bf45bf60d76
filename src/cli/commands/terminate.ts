// `durabletask terminate <id>`: stop an instance for good (and by default its child workflows).
import type { Command } from 'commander';
import { withClient } from '../open-backend.js';
import { globalsOf, parseJsonArgument, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask terminate order-1234
  $ durabletask terminate order-1234 --output '{"reason": "duplicate order"}'
  $ durabletask terminate order-1234 --no-recursive

Child workflows are terminated too unless --no-recursive; detached workflows never are.`;

export function registerTerminate(program: Command): void {
  program
    .command('terminate')
    .description('terminate an instance; it ends TERMINATED with the given output')
    .argument('<id>', 'instance ID')
    .option('-o, --output <json>', 'output to record, as JSON')
    .option('--recursive', 'also terminate child workflows (the default)')
    .option('--no-recursive', 'leave child workflows running')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, options: { output?: string; recursive?: boolean }, command: Command) => {
      const output = parseJsonArgument(options.output, "option '--output'");
      await withClient(globalsOf(command), async (client) => {
        await requireLive(client, id, 'terminate');
        await client.terminateWorkflow(id, { output, recursive: options.recursive ?? true });
      });
      print(`terminate requested for ${id}${options.recursive === false ? ' (children left running)' : ''}`);
    });
}
