// `durabletask check-replay`: the determinism gate before a deploy. Replays the open instances of the task hub
// against the candidate build's workflows and lists those that would diverge; exits 6 when any would. The task
// hub is opened read-only (no migration, no lock, no write) and no activity runs.
import type { Command } from 'commander';
import { NonDeterminismError } from '../../errors.js';
import type { RuntimeStatus } from '../../protocol/status.js';
import { checkReplay, OPEN_STATUSES, type InstanceCheck } from '../../testing/check-replay.js';
import { loadWorkflowModule } from '../../testing/workflow-module.js';
import { CliError, EXIT_DIVERGED } from '../exit-codes.js';
import { openBackend } from '../open-backend.js';
import { formatTable } from '../format.js';
import { collectStatuses, globalsOf, parsePositiveInt, print, printJson } from '../parse.js';

interface CheckReplayOptions {
  workflows: string;
  status?: RuntimeStatus[];
  sample?: number;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ durabletask check-replay --workflows ./dist/app-workflows.js
  $ durabletask --db postgres://ci@db/app check-replay --workflows ./dist/app-workflows.js --status RUNNING,SUSPENDED
  $ durabletask check-replay --workflows ./dist/app-workflows.js --sample 500 --json

The module exports the build's registry, as WorkerOptions takes it:
  export const workflows = [orderWorkflow, shipWorkflow];   // or { 'order': orderWorkflow }
  export const activities = { 'charge-card': chargeCard };  // optional, for registered names only
  export const versions = { '1.4.0': { workflows: [...] } }; // optional, code of pinned older versions
Exit code 6 when any instance would diverge or its workflow is missing from the build.`;

export function registerCheckReplay(program: Command): void {
  program
    .command('check-replay')
    .description('replay open instances against a build of the workflows; list those that would diverge (read-only)')
    .requiredOption('-w, --workflows <module>', 'JavaScript module exporting the build\'s workflows (see below)')
    .option('-s, --status <status>', `instances with these statuses (default ${OPEN_STATUSES.join(',')})`, collectStatuses)
    .option('--sample <n>', 'check a random sample of at most n instances', parsePositiveInt)
    .option('--json', 'print the report as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (options: CheckReplayOptions, command: Command) => {
      const module = await loadWorkflowModule(options.workflows);
      const backend = await openBackend(globalsOf(command), { readOnly: true });
      const report = await checkReplay(backend, module, { statuses: options.status, sample: options.sample }).finally(() => backend.close());
      if (options.json) {
        printJson({ matched: report.matched, checked: report.checks.length, problems: report.problems.map(problemToJson) });
      } else {
        if (report.problems.length > 0) {
          print(formatTable(['WORKFLOW', 'INSTANCE', 'SEQ', 'RECORDED', 'NEW CALL'], report.problems.map(problemRow)));
        }
        print(`checked ${report.checks.length} of ${report.matched} open instances: ${report.problems.length} would diverge`);
      }
      if (report.problems.length > 0) {
        throw new CliError(EXIT_DIVERGED, `${report.problems.length} of ${report.checks.length} instances would diverge from ${options.workflows}`);
      }
    });
}

function problemRow(check: InstanceCheck): string[] {
  const name = check.version !== undefined ? `${check.name}@${check.version}` : check.name;
  const error = check.error;
  if (error instanceof NonDeterminismError) return [name, check.instanceId, String(error.sequenceNumber), error.expected, error.actual];
  if (check.outcome === 'notRegistered') return [name, check.instanceId, '-', '-', 'workflow not in this build: would stall'];
  return [name, check.instanceId, '-', '-', `cannot replay: ${error?.message ?? 'unknown error'}`];
}

function problemToJson(check: InstanceCheck): object {
  const error = check.error;
  return {
    instanceId: check.instanceId,
    name: check.name,
    version: check.version,
    checkedAgainst: check.checkedAgainst,
    outcome: check.outcome,
    ...(error instanceof NonDeterminismError ? { sequenceNumber: error.sequenceNumber, recorded: error.expected, actual: error.actual } : {}),
    message: error?.message,
  };
}
