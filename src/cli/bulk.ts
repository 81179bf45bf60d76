// Recovery commands over many instances: the instances matching a filter, shown with --dry-run, confirmed
// on a terminal (or with --yes), then acted on one by one, each failure reported and counted.
import { createInterface } from 'node:readline/promises';
import type { WorkflowQuery } from '../backends/backend.js';
import type { Client } from '../runtime/client.js';
import { usageError } from './exit-codes.js';
import { print } from './parse.js';

export interface BulkOptions {
  dryRun?: boolean;
  yes?: boolean;
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
  for (const id of ids) {
    try {
      print(await act(id));
    } catch (error) {
      failed++;
      process.stderr.write(`durabletask: ${id}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed;
}
