// `durabletask purge`: delete finished instances and their history, one by ID or all matching a filter.
import type { Command } from 'commander';
import { isTerminalStatus, type RuntimeStatus } from '../../protocol/status.js';
import { usageError } from '../exit-codes.js';
import { withClient } from '../open-backend.js';
import { ageToInstant, collectStatuses, globalsOf, parseDate, parseDuration, print } from '../parse.js';
import { requireInstance } from '../instance-checks.js';

interface PurgeOptions {
  recursive?: boolean;
  status?: RuntimeStatus[];
  name?: string;
  before?: Date;
  olderThan?: number;
}

const EXAMPLES = `
Examples:
  $ durabletask purge order-1234
  $ durabletask purge order-1234 --no-recursive
  $ durabletask purge --status COMPLETED --before 2025-01-01
  $ durabletask purge --status COMPLETED,FAILED --older-than 30d
  $ durabletask purge --status COMPLETED,FAILED,TERMINATED,CANCELED
  $ durabletask purge --before 2025-06-30T00:00:00Z --name nightly-report

Only finished instances (COMPLETED, FAILED, TERMINATED, CANCELED) can be purged; purging a running
instance by ID is refused (exit code 4). A filter purge needs --status, --before or --name, takes
only finished instances, and lists those it skipped (a parent whose child still runs) with the reason. Child workflows are purged with their parent unless --no-recursive;
detached workflows never are.`;

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description('delete finished instances and their history: one by ID, or all matching a filter')
    .argument('[id]', 'instance ID (omit to purge by filter)')
    .option('--recursive', 'also purge child workflows (the default)')
    .option('--no-recursive', 'keep child workflows')
    .option('-s, --status <status>', 'filter: only these terminal statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'filter: only instances of this workflow name')
    .option('--before <iso>', 'filter: only instances created at or before this time', parseDate)
    .option('--older-than <age>', 'filter: only instances created at least this long ago (e.g. 7d, 12h, 30m)', parseDuration)
    .addHelpText('after', EXAMPLES)
    .action(async (id: string | undefined, options: PurgeOptions, command: Command) => {
      const recursive = options.recursive ?? true;
      if (options.before !== undefined && options.olderThan !== undefined) throw usageError('give --before or --older-than, not both');
      if (options.olderThan !== undefined) options.before = ageToInstant(options.olderThan);
      const byFilter = options.status !== undefined || options.before !== undefined || options.name !== undefined;
      if (id !== undefined && byFilter) throw usageError('give either an instance ID or filter options (--status, --before, --name), not both');
      if (id === undefined && !byFilter) throw usageError('give an instance ID, or --status, --before or --name to purge by filter');
      const live = (options.status ?? []).filter((s) => !isTerminalStatus(s));
      if (live.length > 0) throw usageError(`only finished instances can be purged; --status ${live.join(',')} is not a terminal status`);
      const { deleted, skipped } = await withClient(globalsOf(command), async (client) => {
        if (id === undefined) {
          const result = await client.purgeWorkflows({ statuses: options.status, name: options.name, createdTo: options.before }, { recursive });
          return { deleted: result.deletedInstanceCount, skipped: result.skipped };
        }
        await requireInstance(client, id);
        return { deleted: await client.purgeWorkflow(id, { recursive }), skipped: [] };
      });
      print(`purged ${deleted} instance${deleted === 1 ? '' : 's'}`);
      if (skipped.length > 0) {
        print([`skipped ${skipped.length} instance${skipped.length === 1 ? '' : 's'} that cannot be purged yet:`, ...skipped.map((s) => `  ${s.instanceId}: ${s.reason}`)]);
      }
    });
}
