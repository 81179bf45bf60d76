// `durabletask show <id>`: one instance's state, and with --history its timeline of events.
import type { Command } from 'commander';
import { WorkflowNotFoundError } from '../../errors.js';
import { withClient } from '../open-backend.js';
import { formatState, formatTimeline, stateToJson } from '../format.js';
import { globalsOf, print, printJson } from '../parse.js';
import { historyToJson } from '../../protocol/history-json.js';

const EXAMPLES = `
Examples:
  $ durabletask show order-1234
  $ durabletask show order-1234 --history
  $ durabletask show order-1234 --history --json

An instance whose work no live worker serves says so ("Waiting: no worker has registered workflow 'X'
in the last 60 s"); it runs once a worker that has it starts (durabletask workers lists them).

The timeline shows one event per line: index, time since the first event, event type and its key facts
(activity name and task id, timer fire time, "child <id>" for child workflows, "detached <id>" for
detached workflows, event names, completion results and failures).`;

export function registerShow(program: Command): void {
  program
    .command('show')
    .description("show an instance's status, input, output and failure; with --history its event timeline")
    .argument('<id>', 'instance ID')
    .option('-H, --history', 'also print the history as a timeline')
    .option('--json', 'print JSON ({ state, history? }) instead of text')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, options: { history?: boolean; json?: boolean }, command: Command) => {
      const { state, history, waiting } = await withClient(globalsOf(command), async (client) => {
        const state = await client.getWorkflowState(id);
        if (!state) throw new WorkflowNotFoundError(id);
        const waiting = await client.getWaitingReason(id);
        return { state, history: options.history ? await client.getWorkflowHistory(id) : undefined, waiting };
      }, { readOnly: true });
      // The same history JSON as a line of `durabletask export`.
      if (options.json) return printJson({ state: stateToJson(state), ...(waiting && { waiting }), ...(history && { history: historyToJson(history) }) });
      print(formatState(state));
      if (waiting) print(`Waiting:       ${waiting}`);
      if (history) print(['', `History (${history.length} events):`, ...formatTimeline(history)]);
    });
}
