// `durabletask raise <id> <event> [json]`: deliver an external event to an instance.
import type { Command } from 'commander';
import { withClient } from '../open-backend.js';
import { globalsOf, parseJsonArgument, print } from '../parse.js';
import { isTerminalStatus } from '../../protocol/status.js';
import { requireInstance } from '../instance-checks.js';

const EXAMPLES = `
Examples:
  $ durabletask raise order-1234 approved
  $ durabletask raise order-1234 approved true
  $ durabletask raise order-1234 payment '{"amount": 42, "currency": "EUR"}'
  $ durabletask raise order-1234 note '"a JSON string needs its quotes"'`;

export function registerRaise(program: Command): void {
  program
    .command('raise')
    .description('raise an external event on an instance (a finished instance accepts and discards it)')
    .argument('<id>', 'instance ID')
    .argument('<event>', 'event name (what the workflow waits for)')
    .argument('[json]', 'event data as JSON (omit for none)')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, event: string, json: string | undefined, _options: unknown, command: Command) => {
      const data = parseJsonArgument(json, "argument 'json'");
      // As in the reference engine, and as Client and gRPC do: a finished instance accepts and discards it.
      const state = await withClient(globalsOf(command), async (client) => {
        const found = await requireInstance(client, id);
        await client.raiseEvent(id, event, data);
        return found;
      });
      const note = isTerminalStatus(state.runtimeStatus) ? ` (it is ${state.runtimeStatus}: a finished instance discards events)` : '';
      print(`raised event '${event}' on ${id}${note}`);
    });
}
