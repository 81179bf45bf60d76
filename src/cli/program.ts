// The commander program: global options, one subcommand per module under commands/, and the error
// boundary that turns every failure into one "durabletask: <message>" line and an exit code.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { classify, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { DEFAULT_DB } from './open-backend.js';
import { registerList } from './commands/list.js';
import { registerShow } from './commands/show.js';
import { registerRaise } from './commands/raise.js';
import { registerSuspend } from './commands/suspend.js';
import { registerResume } from './commands/resume.js';
import { registerTerminate } from './commands/terminate.js';
import { registerPurge } from './commands/purge.js';
import { registerServe } from './commands/serve.js';
import { registerExport } from './commands/export.js';
import { registerCheckReplay } from './commands/check-replay.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerWorkers } from './commands/workers.js';
import { registerStart } from './commands/start.js';
import { registerRestart, registerRewind } from './commands/recover.js';

const EXAMPLES = `
Examples:
  $ durabletask list --status RUNNING
  $ durabletask show order-1234 --history
  $ durabletask raise order-1234 approved '{"by": "alice"}'
  $ durabletask purge --status COMPLETED --before 2025-01-01
  $ durabletask serve --port 4001
  $ durabletask export --status RUNNING > open.jsonl
  $ durabletask check-replay --workflows ./dist/app-workflows.js
  $ durabletask dashboard --port 8233
  $ durabletask workers
  $ durabletask start order --input '{"id": 42}'
  $ durabletask rewind order-1234
  $ durabletask restart --status FAILED --name order --dry-run
  $ durabletask --db postgres://postgres@localhost/app --schema durabletask list

Exit codes: 0 ok, 1 other error, 2 bad usage or input, 3 instance not found,
4 not allowed in the instance's state, 5 database problem (missing, not a task hub, wrong schema version),
6 check-replay found instances that would diverge.`;

function packageVersion(): string {
  // dist/src/cli/program.js -> package.json at the package root
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function createProgram(): Command {
  const program = new Command('durabletask')
    .description('inspect and operate durabletask task hubs (SQLite or PostgreSQL), or serve one over gRPC')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(new Option('--db <path-or-url>', 'SQLite file, or postgres:// URL of the task hub').default(DEFAULT_DB).env('DURABLETASK_DB'))
    .addOption(new Option('--schema <name>', 'PostgreSQL schema of the task hub (default: durabletask)').env('DURABLETASK_SCHEMA'))
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      // commander's own errors ("error: unknown option ...") become our one-line format
      outputError: (text, write) => write(`durabletask: ${text.replace(/^error: /, '').trimEnd().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  registerList(program);
  registerShow(program);
  registerRaise(program);
  registerSuspend(program);
  registerResume(program);
  registerTerminate(program);
  registerPurge(program);
  registerServe(program);
  registerExport(program);
  registerCheckReplay(program);
  registerDashboard(program, packageVersion);
  registerWorkers(program);
  registerStart(program);
  registerRewind(program);
  registerRestart(program);
  return program;
}

/** Runs the CLI on argv (node, script, ...args) and returns the exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (error) {
    // commander has already printed its message (or the help / version)
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const { exitCode, expected } = classify(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`durabletask: ${expected ? '' : 'unexpected error: '}${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (!expected && process.env['DURABLETASK_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}
