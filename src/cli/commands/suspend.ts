// `durabletask suspend`: pause an instance, or every instance matching a filter; events queue up until it is resumed.
import type { Command } from 'commander';
import { BULK_TARGETS } from '../../runtime/bulk-control.js';
import { actOnMatching, exitOnFailures, filterOf, withFilterOptions, type FilterOptions } from '../bulk.js';
import { withClient } from '../open-backend.js';
import { globalsOf, print } from '../parse.js';
import { requireLive } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask suspend order-1234
  $ durabletask suspend order-1234 --reason "waiting for a fix of the payment service"
  $ durabletask suspend --name order --status RUNNING --dry-run
  $ durabletask suspend --name order --yes

A filter suspend takes the PENDING and RUNNING instances that match.`;

export function registerSuspend(program: Command): void {
  withFilterOptions(
    program
      .command('suspend')
      .description('suspend running instances (they keep their state and receive events, but do not run): one by ID, or all matching a filter')
      .argument('[id]', 'instance ID (omit to suspend by filter)')
      .option('-r, --reason <text>', 'why; recorded in the history'),
  )
    .addHelpText('after', EXAMPLES)
    .action(async (id: string | undefined, options: FilterOptions & { reason?: string }, command: Command) => {
      const query = filterOf(id, options, [...BULK_TARGETS.suspend]);
      const failed = await withClient(globalsOf(command), async (client) => {
        const suspend = async (target: string) => {
          await client.suspendWorkflow(target, options.reason);
          return `suspend requested for ${target}`;
        };
        if (query) return actOnMatching(client, query, 'suspend', options, suspend);
        await requireLive(client, id!, 'suspend');
        print(await suspend(id!));
        return 0;
      });
      exitOnFailures(failed);
    });
}
