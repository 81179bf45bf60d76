// The benchmark runner: every scenario on SQLite (a temp file, shipped durable settings) and on PostgreSQL
// (a fresh schema; skipped with the reason when the server is unreachable). Progress goes to stderr, a table
// to stdout; with --json the last stdout line is {"scenarios":[...]}.
import { parseArgs } from './args.js';
import { progress } from './engine.js';
import type { BackendName, Row } from './result.js';
import { SCENARIOS } from './scenarios/index.js';
import { formatTable } from './table.js';
import { newStore, pgUnavailableReason } from './targets.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), SCENARIOS.map((s) => s.name));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const scenarios = SCENARIOS.filter((s) => args.only.length === 0 || args.only.includes(s.name));
  const rows: Row[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  const started = performance.now();
  for (const backend of args.backends) {
    const reason = backend === 'postgres' ? await pgUnavailableReason() : undefined;
    if (reason) {
      progress(`skipping postgres: ${reason}`);
      skipped.push(`postgres: ${reason}`);
      continue;
    }
    for (const scenario of scenarios) {
      progress(`[${backend}] ${scenario.name}${args.quick ? ' (quick)' : ''}`);
      const store = newStore(backend);
      const t0 = performance.now();
      try {
        const result = await scenario.run({ store, quick: args.quick });
        rows.push(...result.map((r) => ({ ...r, backend: backend as BackendName })));
        progress(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = `${backend} ${scenario.name}: ${(error as Error).stack ?? String(error)}`;
        progress(`  FAILED ${message}`);
        failed.push(message.split('\n')[0]!);
      } finally {
        await store.destroy().catch((e: unknown) => progress(`  cleanup failed: ${(e as Error).message}`));
      }
    }
  }
  progress(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`${formatTable(rows)}\n`);
  for (const s of skipped) process.stdout.write(`skipped ${s}\n`);
  for (const f of failed) process.stdout.write(`FAILED ${f}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify({ scenarios: rows, skipped, failed })}\n`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
