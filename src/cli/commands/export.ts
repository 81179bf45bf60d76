// `durabletask export`: instances with their histories as JSON Lines, one instance per line, events in history
// order, for replay tests (durabletask-ts/testing replayHistories) and fixtures. Opens the task hub read-only.
import type { Command } from 'commander';
import type { Backend, WorkflowQuery } from '../../backends/backend.js';
import { WorkflowNotFoundError } from '../../errors.js';
import { exportedHistoryLine } from '../../protocol/history-json.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { usageError } from '../exit-codes.js';
import { openBackend } from '../open-backend.js';
import { collectStatuses, globalsOf, parseDate } from '../parse.js';

interface ExportOptions {
  status?: RuntimeStatus[];
  name?: string;
  createdFrom?: Date;
  createdTo?: Date;
  all?: boolean;
}

const EXAMPLES = `
Examples:
  $ durabletask export order-1234 order-1235 > orders.jsonl
  $ durabletask export --status RUNNING,SUSPENDED > open.jsonl
  $ durabletask export --name order-workflow --created-from 2025-01-01 > orders.jsonl
  $ durabletask export --all > everything.jsonl

Each line is {"instanceId","name","runtimeStatus","history":[...]}; the history is what
"show <id> --history --json" prints.`;

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write instances and their histories as JSON Lines (one instance per line) to stdout')
    .argument('[ids...]', 'instance IDs')
    .option('-s, --status <status>', 'instances with these statuses (repeatable or comma-separated)', collectStatuses)
    .option('-n, --name <name>', 'instances of this workflow name')
    .option('--created-from <iso>', 'instances created at or after this time', parseDate)
    .option('--created-to <iso>', 'instances created at or before this time', parseDate)
    .option('--all', 'every instance of the task hub')
    .addHelpText('after', EXAMPLES)
    .action(async (ids: string[], options: ExportOptions, command: Command) => {
      const query: WorkflowQuery = { statuses: options.status, name: options.name, createdFrom: options.createdFrom, createdTo: options.createdTo };
      const filtered = Object.values(query).some((v) => v !== undefined) || (options.all ?? false);
      if (ids.length > 0 && filtered) throw usageError('give instance IDs or filters (--status, --name, --created-from, --created-to, --all), not both');
      if (ids.length === 0 && !filtered) throw usageError('give instance IDs, or filters (--status, --name, --created-from, --created-to), or --all');
      const backend = await openBackend(globalsOf(command), { readOnly: true });
      try {
        for await (const id of ids.length > 0 ? ids : matchingIds(backend, query)) await writeLine(backend, id);
      } finally {
        await backend.close();
      }
    });
}

/** The IDs of every instance matching the query, page by page, oldest first. */
export async function* matchingIds(backend: Backend, query: WorkflowQuery): AsyncGenerator<string> {
  let continuationToken: string | undefined;
  do {
    const page = await backend.listWorkflows({ ...query, pageSize: 500, continuationToken });
    for (const instance of page.instances) yield instance.instanceId;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

async function writeLine(backend: Backend, instanceId: string): Promise<void> {
  const metadata = await backend.getWorkflowMetadata(instanceId);
  if (!metadata) throw new WorkflowNotFoundError(instanceId);
  const history = await backend.getWorkflowHistory(instanceId);
  const line = exportedHistoryLine({ instanceId, name: metadata.name, runtimeStatus: metadata.runtimeStatus, history });
  if (!process.stdout.write(`${line}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
