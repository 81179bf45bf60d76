// Reuse of a finished root's ID with reuse 'replaceTerminal' and a new program: the new instance must run the
// new program from scratch (no state of the old one may leak in, whichever worker held it in its cache).
import type { Backend } from '../../src/backends/backend.js';
import type { Client } from '../../src/runtime/client.js';
import type { EndOps } from './arbitraries.js';
import { historyProblems, outcomeProblems } from './checks.js';
import { SIM_WORKFLOW } from './interpreter.js';
import { predictRoot } from './model.js';
import { settle, simInput } from './settle.js';
import type { Tracked } from './verify.js';
import type { WorkerPool } from './worker-pool.js';

interface ReplaceRun {
  backend: Backend;
  client: Client;
  pool: WorkerPool;
  deadline: number;
}

export async function replaceRoots(run: ReplaceRun, tracked: Map<string, Tracked>, rootIds: string[], replace: EndOps['replace']): Promise<string[]> {
  const problems: string[] = [];
  for (const r of replace) {
    const id = rootIds[r.root]!;
    const old = tracked.get(id);
    if (!old) continue;
    const predicted = predictRoot(id, r.program, new Map());
    if (predicted.all.length !== 1) continue; // the generator gives replacements no spawns; keep the model simple
    await run.client.scheduleNewWorkflow(SIM_WORKFLOW, { instanceId: id, input: simInput(r.program, id), reuse: 'replaceTerminal' });
    await settle(run, []);
    const m = await run.backend.getWorkflowMetadata(id);
    if (!m) {
      problems.push(`${id}: missing after replaceTerminal`);
      continue;
    }
    problems.push(...outcomeProblems(predicted.root, m, undefined).map((p) => `after replaceTerminal: ${p}`));
    problems.push(...historyProblems(id, await run.backend.getWorkflowHistory(id), m).map((p) => `after replaceTerminal: ${p}`));
    tracked.set(id, { expected: predicted.root, id });
    // The old instance's children name the old execution as their parent: a cascade from the new one never
    // reaches them.
    for (const t of tracked.values()) if (t.expected.parent === id) t.expected.earlierGeneration = true;
  }
  return problems;
}
