// A worker process for the crash tests: `node dist/test/crash/worker-process.js <backend-spec> <log-file> [leaseMs]`.
// backend-spec is `sqlite:<file>` or `postgres:<schema>` (server from DURABLETASK_TEST_PG_URL). It runs the crash
// workload until killed, appending "<instanceId> <taskId> <pid>" to the log file as each activity starts: one
// appendFileSync (a single O_APPEND write) per line, so the counts survive SIGKILL. SIGTERM stops it gracefully.
import { appendFileSync } from 'node:fs';
import type { Backend } from '../../src/backends/backend.js';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Worker } from '../../src/runtime/worker.js';
import { testPgUrl } from '../support/postgres.js';
import { crashApplicationName } from './crash-run.js';
import { crashActivities, crashWorkflows } from './crash-workflows.js';

function openBackend(spec: string): Backend {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'sqlite') return new SqliteBackend({ path: rest });
  if (kind === 'postgres') {
    return new PostgresBackend({
      connectionString: testPgUrl(),
      schema: rest,
      poolSize: 8,
      applicationName: crashApplicationName(rest, process.pid),
      onError: (err) => process.stderr.write(`backend error (${process.pid}): ${err.message}\n`),
    });
  }
  throw new Error(`unknown backend spec '${spec}': use sqlite:<file> or postgres:<schema>`);
}

async function main(): Promise<void> {
  const [spec, logFile, leaseArg] = process.argv.slice(2);
  if (!spec || !logFile) throw new Error('usage: worker-process.js <backend-spec> <log-file> [leaseMs]');
  const backend = openBackend(spec);
  await backend.init();
  const record = (ctx: { instanceId: string; taskId: number }) => appendFileSync(logFile, `${ctx.instanceId} ${ctx.taskId} ${process.pid}\n`);
  const worker = new Worker({
    backend,
    workflows: crashWorkflows,
    activities: crashActivities(record),
    leaseMs: Number(leaseArg ?? 1500),
    workflowConcurrency: 8,
    activityConcurrency: 16,
    minPollMs: 2,
    maxPollMs: 50,
  });
  await worker.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker
      .stop(2000)
      .then(() => backend.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`worker-process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
