// `durabletask list`: instances of the task hub as a table or JSON, newest first, filtered by status, name and
// creation time, a page at a time (--limit, --continue) or all of them (--all).
import type { Command } from 'commander';
import type { WorkerInfo, WorkflowQuery } from '../../backends/backend.js';
import { waitingReason } from '../../runtime/waiting-reason.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import type { Client } from '../../runtime/client.js';
import type { WorkflowState } from '../../runtime/workflow-state.js';
import { usageError } from '../exit-codes.js';
import { withClient } from '../open-backend.js';
import { formatTable, formatTime, stateToJson } from '../format.js';
import { colorEnabled, fitToWidth, paintStatus } from '../terminal.js';
import { ageToInstant, collectStatuses, globalsOf, parseDate, parseDuration, parsePositiveInt, print, printJson } from '../parse.js';

interface ListOptions {
  status?: RuntimeStatus[];
  name?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  olderThan?: number;
  limit: number;
  all?: boolean;
  continue?: string;
  oldestFirst?: boolean;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ durabletask list
  $ durabletask list --status RUNNING,SUSPENDED
  $ durabletask list --status FAILED --name order-workflow --name refund --limit 20
  $ durabletask list --limit 50 --continue <token printed by the previous page>
  $ durabletask list --status COMPLETED --older-than 7d --all --oldest-first
  $ durabletask list --created-from 2025-01-01 --created-to 2025-01-31T23:59:59Z --json
  $ durabletask list --db postgres://postgres@localhost/app --schema durabletask`;

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list workflow instances (newest first)')
    .option('-s, --status <status>', 'only these statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'only instances of this workflow name (repeatable: any of them)', collectNames)
    .option('--created-from <iso>', 'only instances created at or after this time', parseDate)
    .option('--created-to <iso>', 'only instances created at or before this time', parseDate)
    .option('--older-than <age>', 'only instances created at least this long ago (e.g. 7d, 12h, 30m)', parseDuration)
    .option('-l, --limit <n>', 'at most this many instances (one page)', parsePositiveInt, 100)
    .option('--continue <token>', 'the next page: the token printed after the previous page')
    .option('--all', 'every matching instance, however many (no --limit)')
    .option('--oldest-first', 'oldest instances first')
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ListOptions, command: Command) => {
      if (options.createdTo !== undefined && options.olderThan !== undefined) throw usageError('give --created-to or --older-than, not both');
      if (options.all && options.continue !== undefined) throw usageError('give --all or --continue, not both');
      if (options.olderThan !== undefined) options.createdTo = ageToInstant(options.olderThan);
      const query: WorkflowQuery = {
        statuses: options.status,
        name: options.name,
        createdFrom: options.createdFrom,
        createdTo: options.createdTo,
        newestFirst: !options.oldestFirst,
        includePayloads: options.json ?? false,
      };
      const limit = options.all ? Infinity : options.limit;
      const { instances, next, workers } = await withClient(globalsOf(command), async (client) => ({
        ...(await collect(client, query, limit, options.continue)),
        workers: await client.listWorkers(),
      }), { readOnly: true });
      // Hints go to stderr, so the table and the JSON stay as they are for scripts.
      for (const line of waitingNotes(instances, workers)) process.stderr.write(`${line}\n`);
      if (options.json) printJson(instances.map(stateToJson));
      else if (instances.length === 0) print('no workflow instances match');
      else print(fitToWidth(table(instances)));
      // The token goes to stderr so that stdout stays the table or the JSON array.
      if (next) process.stderr.write(`(${instances.length} shown; the next page: --continue ${next})\n`);
    });
}

function table(instances: WorkflowState[]): string[] {
  const color = colorEnabled();
  const width = Math.max('STATUS'.length, ...instances.map((s) => s.runtimeStatus.length));
  const rows = instances.map((s) => [s.instanceId, s.name, s.runtimeStatus.padEnd(width), formatTime(s.createdAt), formatTime(s.lastUpdatedAt)]);
  const lines = formatTable(['INSTANCE ID', 'NAME', 'STATUS', 'CREATED', 'UPDATED'], rows);
  if (!color) return lines;
  // Colour after layout, so escape codes never count as width: the status column starts after two padded columns.
  const start = [0, 1].reduce((sum, c) => sum + Math.max(c === 0 ? 'INSTANCE ID'.length : 'NAME'.length, ...rows.map((r) => r[c]!.length)) + 2, 0);
  return lines.map((line, i) =>
    i === 0 ? line : line.slice(0, start) + paintStatus(line.slice(start, start + width), instances[i - 1]!.runtimeStatus, true) + line.slice(start + width),
  );
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

function collectNames(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Up to `limit` instances from the token on, and the token of what follows (undefined at the end). */
async function collect(client: Client, query: WorkflowQuery, limit: number, from: string | undefined): Promise<{ instances: WorkflowState[]; next?: string }> {
  const instances: WorkflowState[] = [];
  let continuationToken = from;
  do {
    const page = await client.listWorkflows({ ...query, pageSize: Math.min(500, limit - instances.length), continuationToken });
    instances.push(...page.instances);
    continuationToken = page.continuationToken;
  } while (continuationToken && instances.length < limit);
  return { instances, next: continuationToken };
}
