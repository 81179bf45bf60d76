// `durabletask resume`: continue a suspended instance, or every suspended instance matching a filter.
import type { Command } from 'commander';
import { BULK_TARGETS } from '../../runtime/bulk-control.js';
import { actOnMatching, exitOnFailures, filterOf, withFilterOptions, type FilterOptions } from '../bulk.js';
import { withClient } from '../open-backend.js';
import { globalsOf, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask resume order-1234
  $ durabletask resume order-1234 --reason "payment service fixed"
  $ durabletask resume --name order --dry-run
  $ durabletask resume --status SUSPENDED --yes

A filter resume takes the SUSPENDED instances that match.`;

export function registerResume(program: Command): void {
  withFilterOptions(
    program
      .command('resume')
      .description('resume suspended instances: one by ID, or all matching a filter')
      .argument('[id]', 'instance ID (omit to resume by filter)')
      .option('-r, --reason <text>', 'why; recorded in the history'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (id: string | undefined, options: FilterOptions & { reason?: string }, command: Command) => {
      const query = filterOf(id, options, [...BULK_TARGETS.resume]);
      const failed = await withClient(globalsOf(command), async (client) => {
        const resume = async (target: string) => {
          await client.resumeWorkflow(target, options.reason);
          return `resume requested for ${target}`;
        };
        if (query) return actOnMatching(client, query, 'resume', options, resume);
        await requireLive(client, id!, 'resume');
        print(await resume(id!));
        return 0;
      });
      exitOnFailures(failed);
    });
}
