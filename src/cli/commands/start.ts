// `durabletask start <name>`: schedule a new instance of a workflow from the command line.
import type { Command } from 'commander';
import { withClient } from '../open-backend.js';
import { globalsOf, parseDate, parseJsonArgument, print } from '../parse.js';

const EXAMPLES = `
Examples:
  $ durabletask start order --input '{"id": 42}'
  $ durabletask start order --id order-42 --input '{"id": 42}'
  $ durabletask start nightly-report --start-at 2025-01-31T02:00:00Z

Prints the instance ID. The instance runs on a worker that has registered the workflow (durabletask
workers); until one does, durabletask show says it waits.`;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start a new workflow instance; prints its ID')
    .argument('<name>', 'workflow name')
    .option('-i, --input <json>', 'input, as JSON')
    .option('--id <id>', 'instance ID (default: a random UUID)')
    .option('--start-at <iso>', 'stay PENDING until this time', parseDate)
    .addHelpText('after', EXAMPLES)
    .action(async (name: string, options: { input?: string; id?: string; startAt?: Date }, command: Command) => {
      const input = parseJsonArgument(options.input, "option '--input'");
      const id = await withClient(globalsOf(command), (client) =>
        client.scheduleNewWorkflow(name, { input, instanceId: options.id, startAt: options.startAt }),
      );
      print(id);
    });
}
