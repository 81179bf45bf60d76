// Recovery commands over many instances: the instances matching a filter, shown with --dry-run, confirmed
// on a terminal (or with --yes), then acted on one by one, each failure reported and counted.
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { WorkflowQuery } from '../backends/backend.js';
import type { RuntimeStatus } from '../protocol/status.js';
import type { Client } from '../runtime/client.js';
import { CliError, usageError } from './exit-codes.js';
import { collectStatuses, print } from './parse.js';

export interface BulkOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface FilterOptions extends BulkOptions {
  status?: RuntimeStatus[];
  name?: string;
}

/** The query of a filter command, or undefined when it acts on one ID; `only` are the statuses it can act on. */
export function filterOf(id: string | undefined, options: FilterOptions, only: RuntimeStatus[]): WorkflowQuery | undefined {
  const byFilter = options.status !== undefined || options.name !== undefined;
  if (id !== undefined && byFilter) throw usageError('give either an instance ID or filter options (--status, --name), not both');
  if (id === undefined && !byFilter) throw usageError('give an instance ID, or --status or --name to act on every match');
  if (id !== undefined && (options.dryRun || options.yes)) throw usageError('--dry-run and --yes apply to a filter, not to one instance ID');
  if (!byFilter) return undefined;
  const wrong = (options.status ?? []).filter((s) => !only.includes(s));
  if (wrong.length > 0) throw usageError(`--status ${wrong.join(',')} cannot be used here; allowed: ${only.join(', ')}`);
  return { statuses: options.status ?? only, name: options.name };
}

/** --status, --name, --dry-run and --yes. */
export function withFilterOptions(command: Command): Command {
  return command
    .option('-s, --status <status>', 'filter: only these statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'filter: only instances of this workflow name')
    .option('--dry-run', 'filter: list the instances that would change, change nothing')
    .option('-y, --yes', 'filter: do not ask for confirmation');
}

export function exitOnFailures(failed: number): void {
  if (failed > 0) throw new CliError(1, `${failed} instance${failed === 1 ? '' : 's'} could not be changed (see above)`);
}

async function matching(client: Client, query: WorkflowQuery): Promise<string[]> {
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.listWorkflows({ ...query, pageSize: 500, continuationToken });
    ids.push(...page.instances.map((s) => s.instanceId));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return ids;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw usageError(`${question} needs a confirmation: add --yes (or see the list with --dry-run)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Applies `act` to every instance matching `query`; returns how many failed. */
export async function actOnMatching(
  client: Client,
  query: WorkflowQuery,
  verb: string,
  options: BulkOptions,
  act: (id: string) => Promise<string>,
): Promise<number> {
  const ids = await matching(client, query);
  if (ids.length === 0) {
    print('no workflow instances match');
    return 0;
  }
  if (options.dryRun) {
    print([`would ${verb} ${ids.length} instance${ids.length === 1 ? '' : 's'}:`, ...ids.map((id) => `  ${id}`)]);
    return 0;
  }
  if (!options.yes && !(await confirm(`${verb} ${ids.length} instance${ids.length === 1 ? '' : 's'}?`))) {
    print('nothing changed');
    return 0;
  }
  let failed = 0;
  const width = String(ids.length).length;
  for (const [i, id] of ids.entries()) {
    try {
      // Progress on large sets: each line says how far along it is.
      print(ids.length > 1 ? `[${String(i + 1).padStart(width)}/${ids.length}] ${await act(id)}` : await act(id));
    } catch (error) {
      failed++;
      process.stderr.write(`durabletask: ${id}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed;
}
