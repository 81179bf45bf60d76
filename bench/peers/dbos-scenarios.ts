// DBOS Transact running scenarios 1-3 (throughput, latency, fan-out) on the same PostgreSQL server, in its
// own system database, with the same shapes: workflows of steps that return a short string or a number.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { progress } from '../engine.js';
import { percentile, round, type ScenarioRow } from '../result.js';

export interface DbosSizes {
  throughput: number;
  latencyRuns: number;
  fanout: number;
}

async function echoStep(input: string): Promise<string> {
  return `ok:${input}`;
}

async function oneStep(input: number): Promise<number> {
  return input;
}

/** The system database URL: the same server, database `dbos_bench`. */
export function dbosUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = '/dbos_bench';
  return url.toString();
}

/** Drops the benchmark's system database so every run starts empty (DBOS creates it on launch). */
async function resetDatabase(serverUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query('DROP DATABASE IF EXISTS dbos_bench WITH (FORCE)');
  } finally {
    await client.end();
  }
}

export async function runDbos(serverUrl: string, sizes: DbosSizes): Promise<ScenarioRow[]> {
  await resetDatabase(serverUrl);
  const echo = DBOS.registerStep(echoStep, { name: 'echo' });
  const one = DBOS.registerStep(oneStep, { name: 'one' });
  const sequence3 = DBOS.registerWorkflow(
    async () => {
      const a = await echo('a');
      const b = await echo('b');
      const c = await echo('c');
      return `${a}${b}${c}`;
    },
    { name: 'sequence3' },
  );
  const fanOut = DBOS.registerWorkflow(
    async (count: number) => {
      const results = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
      return results.reduce((sum, x) => sum + x, 0);
    },
    { name: 'fanOut' },
  );
  DBOS.setConfig({ name: 'durabletask-bench', systemDatabaseUrl: dbosUrl(serverUrl), logLevel: 'warn' });
  await DBOS.launch();
  try {
    const rows: ScenarioRow[] = [];
    progress(`  dbos throughput: ${sizes.throughput} workflows x 3 steps`);
    let start = performance.now();
    const handles = await Promise.all(Array.from({ length: sizes.throughput }, () => DBOS.startWorkflow(sequence3, { workflowID: randomUUID() })()));
    await Promise.all(handles.map((h) => h.getResult()));
    const seconds = (performance.now() - start) / 1000;
    rows.push({ name: 'throughput', metric: 'workflows/s', value: round(sizes.throughput / seconds, 1), unit: 'wf/s', detail: `DBOS ${sizes.throughput} wf x 3 steps` });

    progress(`  dbos latency: ${sizes.latencyRuns} sequential runs`);
    const samples: number[] = [];
    for (let i = 0; i < sizes.latencyRuns; i++) {
      start = performance.now();
      const handle = await DBOS.startWorkflow(sequence3, { workflowID: randomUUID() })();
      await handle.getResult();
      samples.push(performance.now() - start);
    }
    rows.push({ name: 'latency', metric: 'p50', value: round(percentile(samples, 0.5)), unit: 'ms', detail: `DBOS ${sizes.latencyRuns} runs` });
    rows.push({ name: 'latency', metric: 'p99', value: round(percentile(samples, 0.99)), unit: 'ms', detail: `DBOS ${sizes.latencyRuns} runs` });

    progress(`  dbos fanout: ${sizes.fanout} steps at once`);
    start = performance.now();
    const fan = await DBOS.startWorkflow(fanOut, { workflowID: randomUUID() })(sizes.fanout);
    const sum = await fan.getResult();
    if (sum !== (sizes.fanout * (sizes.fanout - 1)) / 2) throw new Error(`DBOS fan-out returned ${sum}`);
    rows.push({ name: 'fanout', metric: 'duration', value: round((performance.now() - start) / 1000), unit: 's', detail: `DBOS ${sizes.fanout} steps (Promise.all)` });
    return rows;
  } finally {
    await DBOS.shutdown();
  }
}
