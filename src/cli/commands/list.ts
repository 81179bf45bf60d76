// `durabletask list`: instances of the task hub as a table or JSON, filtered by status, name and creation time.
import type { Command } from 'commander';
import type { WorkerInfo, WorkflowQuery } from '../../backends/backend.js';
import { waitingReason } from '../../runtime/waiting-reason.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import type { Client } from '../../runtime/client.js';
import type { WorkflowState } from '../../runtime/workflow-state.js';
import { usageError } from '../exit-codes.js';
import { withClient } from '../open-backend.js';
import { formatTable, formatTime, stateToJson } from '../format.js';
import { ageToInstant, collectStatuses, globalsOf, parseDate, parseDuration, parsePositiveInt, print, printJson } from '../parse.js';

interface ListOptions {
  status?: RuntimeStatus[];
  name?: string;
  createdFrom?: Date;
  createdTo?: Date;
  olderThan?: number;
  limit: number;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ durabletask list
  $ durabletask list --status RUNNING,SUSPENDED
  $ durabletask list --status FAILED --name order-workflow --limit 20
  $ durabletask list --created-from 2025-01-01 --created-to 2025-01-31T23:59:59Z --json
  $ durabletask list --db postgres://postgres@localhost/app --schema durabletask`;

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list workflow instances (oldest first)')
    .option('-s, --status <status>', 'only these statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'only instances of this workflow name')
    .option('--created-from <iso>', 'only instances created at or after this time', parseDate)
    .option('--created-to <iso>', 'only instances created at or before this time', parseDate)
    .option('--older-than <age>', 'only instances created at least this long ago (e.g. 7d, 12h, 30m)', parseDuration)
    .option('-l, --limit <n>', 'at most this many instances', parsePositiveInt, 100)
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ListOptions, command: Command) => {
      if (options.createdTo !== undefined && options.olderThan !== undefined) throw usageError('give --created-to or --older-than, not both');
      if (options.olderThan !== undefined) options.createdTo = ageToInstant(options.olderThan);
      const query: WorkflowQuery = { statuses: options.status, name: options.name, createdFrom: options.createdFrom, createdTo: options.createdTo };
      const { instances, more, workers } = await withClient(globalsOf(command), async (client) => ({
        ...(await collect(client, query, options.limit, options.json ?? false)),
        workers: await client.listWorkers(),
      }), { readOnly: true });
      // Hints go to stderr, so the table and the JSON stay as they are for scripts.
      for (const line of waitingNotes(instances, workers)) process.stderr.write(`${line}\n`);
      if (options.json) return printJson(instances.map(stateToJson));
      if (instances.length === 0) return print('no workflow instances match');
      print(formatTable(['INSTANCE ID', 'NAME', 'STATUS', 'CREATED', 'UPDATED'], instances.map((s) => [s.instanceId, s.name, s.runtimeStatus, formatTime(s.createdAt), formatTime(s.lastUpdatedAt)])));
      if (more) process.stderr.write(`(showing the first ${options.limit}; use --limit or filters to see more)\n`);
    });
}

/** One line per reason: how many listed instances wait for a worker, and why. */
function waitingNotes(instances: WorkflowState[], workers: WorkerInfo[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const s of instances) {
    const reason = waitingReason(s, workers);
    if (reason) byReason.set(reason, [...(byReason.get(reason) ?? []), s.instanceId]);
  }
  return [...byReason].map(([reason, ids]) => {
    const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? ', ...' : '');
    return `(${ids.length} waiting: ${reason}: ${shown})`;
  });
}

async function collect(
  client: Client,
  query: WorkflowQuery,
  limit: number,
  includePayloads: boolean,
): Promise<{ instances: WorkflowState[]; more: boolean }> {
  const instances: WorkflowState[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await client.listWorkflows({ ...query, includePayloads, pageSize: Math.min(500, limit - instances.length), continuationToken });
    instances.push(...page.instances);
    continuationToken = page.continuationToken;
  } while (continuationToken && instances.length < limit);
  return { instances: instances.slice(0, limit), more: continuationToken !== undefined };
}
