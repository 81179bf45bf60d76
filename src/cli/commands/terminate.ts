// `durabletask terminate`: stop an instance for good (and by default its child workflows), or every live
// instance matching a filter.
import type { Command } from 'commander';
import { BULK_TARGETS } from '../../runtime/bulk-control.js';
import { actOnMatching, exitOnFailures, filterOf, withFilterOptions, type FilterOptions } from '../bulk.js';
import { withClient } from '../open-backend.js';
import { globalsOf, parseJsonArgument, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask terminate order-1234
  $ durabletask terminate order-1234 --output '{"reason": "duplicate order"}'
  $ durabletask terminate order-1234 --no-recursive
  $ durabletask terminate --name import --status PENDING --dry-run
  $ durabletask terminate --name import --yes

Child workflows are terminated too unless --no-recursive; detached workflows never are. A filter
terminate takes the live (PENDING, RUNNING, SUSPENDED, STALLED) instances that match.`;

export function registerTerminate(program: Command): void {
  withFilterOptions(
    program
      .command('terminate')
      .description('terminate instances; they end TERMINATED with the given output: one by ID, or all matching a filter')
      .argument('[id]', 'instance ID (omit to terminate by filter)')
      .option('-o, --output <json>', 'output to record, as JSON')
      .option('--recursive', 'also terminate child workflows (the default)')
      .option('--no-recursive', 'leave child workflows running'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (id: string | undefined, options: FilterOptions & { output?: string; recursive?: boolean }, command: Command) => {
      const output = parseJsonArgument(options.output, "option '--output'");
      const query = filterOf(id, options, [...BULK_TARGETS.terminate]);
      const recursive = options.recursive ?? true;
      const failed = await withClient(globalsOf(command), async (client) => {
        const terminate = async (target: string) => {
          await client.terminateWorkflow(target, { output, recursive });
          return `terminate requested for ${target}${recursive ? '' : ' (children left running)'}`;
        };
        if (query) return actOnMatching(client, query, 'terminate', options, terminate);
        await requireLive(client, id!, 'terminate');
        print(await terminate(id!));
        return 0;
      });
      exitOnFailures(failed);
    });
}
