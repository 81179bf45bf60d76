// Peers: scenarios 1-3 with durabletask-ts on PostgreSQL and with DBOS Transact on the same server, in one
// run, and the ratio durabletask-ts / DBOS of each (for latency and durations lower is better, for
// throughput higher is better). Run: node dist/bench/peers.js [--quick] [--json]
import { progress } from './engine.js';
import type { ScenarioRow } from './result.js';
import { round } from './result.js';
import { runDbos } from './peers/dbos-scenarios.js';
import { fanout } from './scenarios/fanout.js';
import { latency } from './scenarios/latency.js';
import { throughput } from './scenarios/throughput.js';
import { newStore, pgUnavailableReason, pgUrl } from './targets.js';

interface PeerRow {
  name: string;
  metric: string;
  unit: string;
  durabletask: number;
  dbos: number;
  ratio: number;
  better: 'higher' | 'lower';
}

async function runOurs(quick: boolean): Promise<ScenarioRow[]> {
  const rows: ScenarioRow[] = [];
  for (const scenario of [throughput, latency, fanout]) {
    progress(`[durabletask-ts postgres] ${scenario.name}`);
    const store = newStore('postgres');
    try {
      rows.push(...(await scenario.run({ store, quick })));
    } finally {
      await store.destroy();
    }
  }
  return rows;
}

function compare(ours: ScenarioRow[], theirs: ScenarioRow[]): PeerRow[] {
  return ours.flatMap((o) => {
    const t = theirs.find((r) => r.name === o.name && r.metric === o.metric);
    if (!t) return [];
    return [{ name: o.name, metric: o.metric, unit: o.unit, durabletask: o.value, dbos: t.value, ratio: round(o.value / t.value), better: o.unit === 'wf/s' ? 'higher' : 'lower' } as PeerRow];
  });
}

function print(rows: PeerRow[]): void {
  const header = ['scenario', 'metric', 'unit', 'durabletask-ts', 'DBOS', 'ratio dt/DBOS', 'better'];
  const cells = rows.map((r) => [r.name, r.metric, r.unit, String(r.durabletask), String(r.dbos), String(r.ratio), r.better]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...cells]) {
    process.stdout.write(`${line.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  }
}

async function main(): Promise<number> {
  const quick = process.argv.includes('--quick');
  const json = process.argv.includes('--json');
  const reason = await pgUnavailableReason();
  if (reason) {
    process.stdout.write(`peers need PostgreSQL: ${reason}\n`);
    return 1;
  }
  const ours = await runOurs(quick);
  let theirs: ScenarioRow[] = [];
  let dbosError: string | undefined;
  try {
    progress('[DBOS Transact postgres] throughput, latency, fanout');
    theirs = await runDbos(pgUrl(), quick ? { throughput: 50, latencyRuns: 5, fanout: 200 } : { throughput: 1000, latencyRuns: 50, fanout: 10_000 });
  } catch (error) {
    dbosError = `DBOS could not run: ${(error as Error).stack ?? String(error)}`;
    progress(dbosError);
  }
  const rows = compare(ours, theirs);
  print(rows);
  if (dbosError) process.stdout.write(`${dbosError.split('\n')[0]}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ peers: rows, durabletask: ours, dbos: theirs, error: dbosError })}\n`);
  return dbosError ? 1 : 0;
}

process.exitCode = await main();
