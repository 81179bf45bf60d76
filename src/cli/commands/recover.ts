// `durabletask rewind` and `durabletask restart`: bring failed work back, one instance by ID or every
// instance matching a filter (--dry-run shows which; a terminal asks first, --yes does not).
import type { Command } from 'commander';
import type { WorkflowQuery } from '../../backends/backend.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { actOnMatching, type BulkOptions } from '../bulk.js';
import { CliError, usageError } from '../exit-codes.js';
import { withClient } from '../open-backend.js';
import { collectStatuses, globalsOf, print } from '../parse.js';

interface FilterOptions extends BulkOptions {
  status?: RuntimeStatus[];
  name?: string;
}

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

function filterOf(id: string | undefined, options: FilterOptions, only: RuntimeStatus[]): WorkflowQuery | undefined {
  const byFilter = options.status !== undefined || options.name !== undefined;
  if (id !== undefined && byFilter) throw usageError('give either an instance ID or filter options (--status, --name), not both');
  if (id === undefined && !byFilter) throw usageError('give an instance ID, or --status or --name to act on every match');
  if (id !== undefined && (options.dryRun || options.yes)) throw usageError('--dry-run and --yes apply to a filter, not to one instance ID');
  if (!byFilter) return undefined;
  const wrong = (options.status ?? []).filter((s) => !only.includes(s));
  if (wrong.length > 0) throw usageError(`--status ${wrong.join(',')} cannot be used here; allowed: ${only.join(', ')}`);
  return { statuses: options.status ?? only, name: options.name };
}

function withFilterOptions(command: Command): Command {
  return command
    .option('-s, --status <status>', 'filter: only these statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'filter: only instances of this workflow name')
    .option('--dry-run', 'filter: list the instances that would change, change nothing')
    .option('-y, --yes', 'filter: do not ask for confirmation');
}

function exitOnFailures(failed: number): void {
  if (failed > 0) throw new CliError(1, `${failed} instance${failed === 1 ? '' : 's'} could not be changed (see above)`);
}

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
