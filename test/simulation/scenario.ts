// Runs one scenario on a fresh hub and returns every problem found: the roots are started with their up-front
// events, driven through their gates while workers crash, lose leases and receive duplicates; then the hub is
// checked against the model, purged as the scenario says, and checked again. Nothing here asserts: a run
// reports, so a failing seed shows all it found at once.
import type { Backend } from '../../src/backends/backend.js';
import { Client } from '../../src/runtime/client.js';
import type { Scenario } from './arbitraries.js';
import { listAll } from './checks.js';
import { driveRoot, raiseUpFront, sleep, StuckError } from './driver.js';
import { SENTINEL, settle, simInput } from './settle.js';
import type { Features } from './features.js';
import { openHub, type BackendKind } from './hubs.js';
import { SIM_WORKFLOW } from './interpreter.js';
import { predictRoot, type Expected, type GateOp } from './model.js';
import type { Program } from './program.js';
import { purgeAroundLiveChildren, purgeNonTerminalFilter, runPurges } from './purge-checks.js';
import { replaceRoots } from './replace.js';
import { verifyHub } from './verify.js';
import { WorkerPool } from './worker-pool.js';

const SENTINEL_PROGRAM: Program = { generations: [[{ k: 'gate', n: 0 }]] };

export interface RunOptions {
  kind: BackendKind;
  features: Features;
  /** How long the run may take before what is still live is reported as stuck. @default 30000 */
  timeoutMs?: number;
}

export interface RunReport {
  problems: string[];
  instances: number;
  crashes: number;
  activityRuns: number;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunReport> {
  const hub = await openHub(options.kind);
  const { backend } = hub;
  const { faults } = scenario;
  const leaseMs = faults.crashes.length > 0 || faults.lostLease ? 400 : 30_000;
  const pool = new WorkerPool({
    backend,
    slots: faults.twoWorkers ? 2 : 1,
    crashes: faults.crashes,
    leaseMs,
    lostLease: faults.lostLease,
    duplicatePerMille: faults.duplicatePerMille,
    random: seededRandom(JSON.stringify(scenario)),
  });
  const client = new Client({ backend });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const problems: string[] = [];
  let instances = 0;
  try {
    await pool.start();
    instances = await runPhases(scenario, options.features, { backend, client, pool, deadline, problems });
  } catch (error) {
    // Anything a client call throws is a finding too (the engine refused or broke on a valid operation).
    problems.push(error instanceof StuckError ? error.message : `threw: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await pool.stop();
    await hub.dispose();
  }
  return { problems, instances, crashes: pool.crashesFired, activityRuns: [...pool.runs.values()].reduce((a, b) => a + b, 0) };
}

interface Run {
  backend: Backend;
  client: Client;
  pool: WorkerPool;
  deadline: number;
  problems: string[];
}

async function runPhases(scenario: Scenario, f: Features, run: Run): Promise<number> {
  const { backend, client, problems } = run;
  let expected: Expected[] = [{ origin: SENTINEL, id: SENTINEL, kind: 'root', status: 'COMPLETED', output: [['g']] }];
  await client.scheduleNewWorkflow(SIM_WORKFLOW, { instanceId: SENTINEL, input: simInput(SENTINEL_PROGRAM, SENTINEL) });
  const rootIds = scenario.roots.map((_, i) => `r${i}`);
  for (const [i, spec] of scenario.roots.entries()) {
    const id = rootIds[i]!;
    expected.push(...predictRoot(id, spec.program, new Map<number, GateOp>(spec.ops.map((op, n) => [n, op]))).all);
    await client.scheduleNewWorkflow(SIM_WORKFLOW, { instanceId: id, input: simInput(spec.program, id) });
    await raiseUpFront(client, id, spec);
  }
  const lister = f.listWhileRunning ? new ListWatcher(backend, scenario.end.pageSize) : undefined;
  const deferred: string[] = [];
  const drive = { client, deadline: run.deadline, deferReleases: f.purgeWithLiveChild, deferred, problems };
  await Promise.all(scenario.roots.map((spec, i) => driveRoot(rootIds[i]!, spec, drive)));
  await settle(run, [SENTINEL, ...deferred]);

  if (f.nonTerminalFilterPurge) problems.push(...(await purgeNonTerminalFilter(client, backend, ['RUNNING'])));
  if (deferred.length > 0) {
    const purged = await purgeAroundLiveChildren(client, backend);
    problems.push(...purged.problems);
    expected = expected.filter((e) => !purged.removed.has(e.origin));
    for (const id of deferred) await client.raiseEvent(id, 'release', 'release').catch(() => undefined);
    await settle(run, [SENTINEL]);
  }
  await client.raiseEvent(SENTINEL, 'gate-0', 'go');
  await settle(run, []);
  if (lister) problems.push(...(await lister.stop()));

  const verified = await verifyHub(backend, expected, run.pool.runs, scenario.end.pageSize);
  problems.push(...verified.problems);
  if (scenario.end.replace.length > 0) problems.push(...(await replaceRoots(run, verified.tracked, rootIds, scenario.end.replace)));
  problems.push(...(await runPurges(client, backend, verified.tracked, rootIds, scenario.end)));
  problems.push(...(await finalListing(backend, verified.tracked, scenario.end.pageSize)));
  return verified.instances.length;
}

async function finalListing(backend: Backend, tracked: Map<string, { id: string }>, pageSize: number): Promise<string[]> {
  const listing = await listAll(backend, { pageSize });
  const problems = [...listing.problems];
  const listed = new Set(listing.instances.map((m) => m.instanceId));
  for (const t of tracked.values()) {
    const exists = (await backend.getWorkflowMetadata(t.id)) !== undefined;
    if (exists !== listed.has(t.id)) problems.push(`final listing: ${t.id} ${exists ? 'exists but is not listed' : 'is listed but does not exist'}`);
  }
  const ids = new Set([...tracked.values()].map((t) => t.id));
  for (const id of listed) if (!ids.has(id)) problems.push(`final listing: unexpected ${id}`);
  return problems;
}

/** Pages through the hub while the run is live: no page repeats an instance, no createdAt ever moves. */
class ListWatcher {
  private readonly createdAt = new Map<string, number>();
  private readonly problems: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly backend: Backend,
    private readonly pageSize: number,
  ) {
    this.loop = this.watch();
  }

  private async watch(): Promise<void> {
    while (this.running && this.problems.length < 5) {
      await this.pass();
      await sleep(10);
    }
  }

  private async pass(): Promise<void> {
    const listing = await listAll(this.backend, { pageSize: this.pageSize }, 1000);
    this.problems.push(...listing.problems);
    for (const m of listing.instances) {
      const first = this.createdAt.get(m.instanceId);
      if (first === undefined) this.createdAt.set(m.instanceId, m.createdAt.getTime());
      else if (first !== m.createdAt.getTime()) {
        this.problems.push(`${m.instanceId}: createdAt moved from ${new Date(first).toISOString()} to ${m.createdAt.toISOString()}`);
        this.createdAt.set(m.instanceId, m.createdAt.getTime());
      }
    }
  }

  async stop(): Promise<string[]> {
    this.running = false;
    await this.loop;
    await this.pass();
    return [...new Set(this.problems)];
  }
}

/** A deterministic random source for the run's fault draws (mulberry32 seeded by a string hash). */
export function seededRandom(text: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
