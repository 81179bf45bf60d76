// `durabletask workers`: the workers that announced themselves recently, with what they serve.
import type { Command } from 'commander';
import { LIVE_WORKER_MS } from '../../runtime/waiting-reason.js';
import { withClient } from '../open-backend.js';
import { formatTable, formatTime } from '../format.js';
import { globalsOf, print, printJson } from '../parse.js';

const EXAMPLES = `
Examples:
  $ durabletask workers
  $ durabletask workers --json

A worker is listed while its last heartbeat is at most ${LIVE_WORKER_MS / 1000} s old. It locks only the workflows and
activities it lists; work that no listed worker serves waits (durabletask show says so).`;

export function registerWorkers(program: Command): void {
  program
    .command('workers')
    .description('list the live workers: name, host, pid, what they serve, last heartbeat')
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText('after', EXAMPLES)
    .action(async (options: { json?: boolean }, command: Command) => {
      const workers = await withClient(globalsOf(command), (client) => client.listWorkers());
      if (options.json) return printJson(workers);
      if (workers.length === 0) return print(`no worker has sent a heartbeat in the last ${LIVE_WORKER_MS / 1000} s`);
      const list = (names: string[]) => (names.length > 0 ? names.join(',') : '-');
      print(
        formatTable(
          ['NAME', 'HOST', 'PID', 'WORKFLOWS', 'ACTIVITIES', 'HEARTBEAT'],
          workers.map((w) => [w.name, w.host, String(w.pid), list(w.workflows), list(w.activities), formatTime(w.heartbeatAt)]),
        ),
      );
    });
}
