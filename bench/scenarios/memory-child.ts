// The memory scenario's own process: start N waiting workflows, sample RSS, raise every event, check every
// output, and print {"rows":[...]} as the last stdout line.
import { expectCompleted, progress, startEngine } from '../engine.js';
import { round, type ScenarioRow } from '../result.js';
import { openBackend } from '../targets.js';
import type { MemoryChildArgs } from './memory.js';
import { errorNote } from './scenario.js';
import { allActivities, allWorkflows, waiter } from './workflows.js';
import type { Client } from '../../src/runtime/client.js';

const mb = (bytes: number) => bytes / (1024 * 1024);

async function main(args: MemoryChildArgs): Promise<ScenarioRow[]> {
  const backend = await openBackend(args.spec);
  const engine = await startEngine(backend, { workflows: allWorkflows, activities: allActivities, cacheSize: args.cacheSize });
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const ids = Array.from({ length: args.count }, (_, i) => `mem-${i}`);
    for (let i = 0; i < ids.length; i += 1000) {
      await Promise.all(ids.slice(i, i + 1000).map((id) => engine.client.scheduleNewWorkflow(waiter, { instanceId: id })));
    }
    await waitUntilNonePending(engine.client);
    const blockedRss = process.memoryUsage.rss();
    const cache = engine.worker.cache;
    const before = { hits: cache.hits, misses: cache.misses };
    progress(`    all ${args.count} blocked (RSS ${round(mb(blockedRss), 0)} MB, cache ${cache.size}); raising events`);
    for (let i = 0; i < ids.length; i += 1000) {
      await Promise.all(ids.slice(i, i + 1000).map((id, j) => engine.client.raiseEvent(id, 'go', i + j)));
    }
    const done = await engine.tracker.waitAll(ids, 300_000);
    expectCompleted(done, 'memory');
    const wrong = done.filter((m, i) => JSON.parse(m.output ?? 'null') !== 2 * i).length;
    if (wrong > 0) throw new Error(`memory: ${wrong} workflows resumed with a wrong output`);
    const hits = cache.hits - before.hits;
    const misses = cache.misses - before.misses;
    peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    return [
      { name: 'memory', metric: 'peak RSS', value: round(mb(peak), 0), unit: 'MB', detail: `${args.count} wf blocked on an event; RSS ${round(mb(blockedRss), 0)} MB when all blocked` },
      {
        name: 'memory',
        metric: 'resumed correctly',
        value: args.count - wrong,
        unit: 'wf',
        detail: `cacheSize ${args.cacheSize}: ${misses} resumes replayed from history, ${hits} from cache${errorNote(engine)}`,
      },
    ];
  } finally {
    clearInterval(sampler);
    await engine.stop();
    await backend.close();
  }
}

async function waitUntilNonePending(client: Client): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const page = await client.listWorkflows({ statuses: ['PENDING'], pageSize: 1 });
    if (page.instances.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('memory: workflows still PENDING after 300 s');
}

const rows = await main(JSON.parse(process.argv[2] ?? '{}') as MemoryChildArgs);
process.stdout.write(`${JSON.stringify({ rows })}\n`);
