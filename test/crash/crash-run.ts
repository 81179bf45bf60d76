// Driving crash runs from the test process: spawning and killing worker processes, waiting for a workload to
// settle (with a clear failure naming stuck instances) and reading the activity log the workers append to.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../src/backends/backend.js';
import type { RuntimeStatus } from '../../src/protocol/status.js';
import type { Client } from '../../src/runtime/client.js';
import type { PlannedInstance } from './crash-workflows.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.js', import.meta.url));
const LIVE: RuntimeStatus[] = ['PENDING', 'RUNNING', 'SUSPENDED'];

/** application_name of a crash worker's connections: the tests terminate them by the `dtcrash-<schema>-` prefix. */
export function crashApplicationName(schema: string, pid: number): string {
  return `dtcrash-${schema}-${pid}`;
}

/**
 * Schedules the plan with start times spread evenly over the next spreadMs (scheduled starts), so work keeps
 * arriving during the chaos however fast the machine is: every kill lands mid-run.
 */
export async function scheduleSpread(client: Client, plan: readonly PlannedInstance[], spreadMs: number): Promise<void> {
  const t0 = Date.now();
  await Promise.all(
    plan.map((p, i) =>
      client.scheduleNewWorkflow(p.workflow, { instanceId: p.instanceId, input: p.input, startAt: new Date(t0 + (i * spreadMs) / plan.length) }),
    ),
  );
}

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last stderr output, for failure messages. */
  stderr(): string;
  /** Log lines about a lost lease: a late completion, abandon or renewal the backend rejected. */
  leaseLosses(): number;
}

/** Spawns a worker and resolves once it reports ready (its backend is open and its loops run). */
export function spawnWorker(spec: string, logFile: string, leaseMs: number, readyTimeoutMs = 10_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER_SCRIPT, spec, logFile, String(leaseMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let losses = 0;
  child.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    losses += text.split('\n').filter((line) => line.includes('lease lost')).length;
    err = (err + text).slice(-8000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: WorkerProcess = { pid: child.pid!, child, exited, stderr: () => err, leaseLosses: () => losses };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${child.pid} not ready within ${readyTimeoutMs} ms: ${err}`));
    }, readyTimeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${child.pid} exited (${code}) before it was ready: ${err}`));
    });
  });
}

export async function killHard(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

/** SIGTERM (graceful stop), then SIGKILL if it has not exited after timeoutMs. */
export async function stopWorker(worker: WorkerProcess, timeoutMs = 5000): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), timeoutMs);
  await worker.exited;
  clearTimeout(timer);
}

/** Instances not yet in a terminal status (at most `limit`). */
export async function liveInstances(backend: Backend, limit = 1): Promise<{ instanceId: string; runtimeStatus: RuntimeStatus }[]> {
  const page = await backend.listWorkflows({ statuses: LIVE, pageSize: limit });
  return page.instances.map((m) => ({ instanceId: m.instanceId, runtimeStatus: m.runtimeStatus }));
}

/**
 * Waits until no instance is live, polling every pollMs. Past the deadline it throws an error naming the stuck
 * instances and the tail of their histories, so a hang reads as a diagnosis rather than a test timeout.
 */
export async function waitUntilSettled(backend: Backend, deadline: number, pollMs = 100): Promise<void> {
  for (;;) {
    if ((await liveInstances(backend)).length === 0) return;
    if (Date.now() > deadline) {
      const stuck = await liveInstances(backend, 10);
      const lines = await Promise.all(
        stuck.map(async (s) => {
          const tail = (await backend.getWorkflowHistory(s.instanceId)).slice(-6).map((e) => `${e.type}#${e.eventId}`);
          return `  ${s.instanceId} ${s.runtimeStatus}: ... ${tail.join(', ')}`;
        }),
      );
      throw new Error(`workload did not settle in time; live instances include:\n${lines.join('\n')}`);
    }
    await sleep(pollMs);
  }
}

/** Activity executions by "<instanceId> <taskId>", each with the pids that ran it (one entry per run). */
export function readActivityLog(file: string): Map<string, number[]> {
  const runs = new Map<string, number[]>();
  if (!existsSync(file)) return runs;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const parts = line.split(' ');
    if (parts.length !== 3) continue;
    const key = `${parts[0]} ${parts[1]}`;
    const pids = runs.get(key) ?? [];
    pids.push(Number(parts[2]));
    runs.set(key, pids);
  }
  return runs;
}

export interface ActivityLogSummary {
  executions: number;
  distinctTasks: number;
  /** Tasks in some history that no worker logged. */
  neverRun: string[];
  /** Logged tasks that no history schedules. */
  unknown: string[];
  /** Tasks that ran more than once (a crash between start and completion, or a re-leased task). */
  reExecuted: number;
  /** Executions per worker pid. */
  byPid: Map<number, number>;
}

export function summarizeActivityLog(runs: Map<string, number[]>, scheduled: Set<string>): ActivityLogSummary {
  const byPid = new Map<number, number>();
  let executions = 0;
  let reExecuted = 0;
  for (const pids of runs.values()) {
    executions += pids.length;
    if (pids.length > 1) reExecuted++;
    for (const pid of pids) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
  }
  return {
    executions,
    distinctTasks: runs.size,
    neverRun: [...scheduled].filter((key) => !runs.has(key)),
    unknown: [...runs.keys()].filter((key) => !scheduled.has(key)),
    reExecuted,
    byPid,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A whole number in [min, max]. */
export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}
