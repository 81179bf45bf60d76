// `durabletask rewind` and `durabletask restart`: bring failed work back, one instance by ID or every
// instance matching a filter (--dry-run shows which; a terminal asks first, --yes does not).
import type { Command } from 'commander';
import { actOnMatching, exitOnFailures, filterOf, withFilterOptions, type FilterOptions } from '../bulk.js';
import { usageError } from '../exit-codes.js';
import { withClient } from '../open-backend.js';
import { globalsOf, print } from '../parse.js';

const REWIND_EXAMPLES = `
Examples:
  $ durabletask rewind order-1234
  $ durabletask rewind order-1234 --reason "shipping fixed in 2.4.1"
  $ durabletask rewind --name order --dry-run
  $ durabletask rewind --name order --yes

Only FAILED instances can be rewound: failed activities and child workflows run again, what succeeded is
kept. Deploy the fix first; the instance runs on the workers that have its workflow. A filter rewind takes
the FAILED instances that match.`;

const RESTART_EXAMPLES = `
Examples:
  $ durabletask restart order-1234
  $ durabletask restart order-1234 --new-id order-1234-retry
  $ durabletask restart --status FAILED --name order --dry-run

Restart starts the workflow again from the instance's input. Under the same ID the instance must be
finished (it is replaced, history and all); --new-id starts a copy and leaves the original as it is. A
filter restart takes only finished instances and restarts each under its own ID.`;

export function registerRewind(program: Command): void {
  withFilterOptions(
    program
      .command('rewind')
      .description('rewind FAILED instances past their failures: one by ID, or all matching a filter')
      .argument('[id]', 'instance ID (omit to rewind by filter)')
      .option('-r, --reason <text>', 'why, recorded in the history'),
  )
    .addHelpText('after', REWIND_EXAMPLES)
    .action(async (id: string | undefined, options: FilterOptions & { reason?: string }, command: Command) => {
      const query = filterOf(id, options, ['FAILED']);
      const failed = await withClient(globalsOf(command), async (client) => {
        const rewind = async (target: string) => {
          await client.rewindWorkflow(target, { reason: options.reason });
          return `rewind requested for ${target}`;
        };
        if (query) return actOnMatching(client, query, 'rewind', options, rewind);
        print(await rewind(id!));
        return 0;
      });
      exitOnFailures(failed);
    });
}

export function registerRestart(program: Command): void {
  withFilterOptions(
    program
      .command('restart')
      .description("start instances again from their input: one by ID (optionally as a new ID), or all matching a filter")
      .argument('[id]', 'instance ID (omit to restart by filter)')
      .option('--new-id <id>', 'start a copy under this ID instead of replacing the instance'),
  )
    .addHelpText('after', RESTART_EXAMPLES)
    .action(async (id: string | undefined, options: FilterOptions & { newId?: string }, command: Command) => {
      const query = filterOf(id, options, ['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);
      if (query && options.newId !== undefined) throw usageError('--new-id applies to one instance ID, not to a filter');
      const failed = await withClient(globalsOf(command), async (client) => {
        const restart = async (target: string, newInstanceId?: string) => `restarted ${target} as ${await client.restartWorkflow(target, { newInstanceId })}`;
        if (query) return actOnMatching(client, query, 'restart', options, (target) => restart(target));
        print(await restart(id!, options.newId));
        return 0;
      });
      exitOnFailures(failed);
    });
}
