// Long history: one workflow of N sequential activities. A turn should cost its new events, not its history,
// so the wall time of turn 100 and of turn N (lock returned to commit done) should be about equal.
// Each is the median of the 21 turns ending there, so one GC pause does not decide the ratio.
// Every step costs several durable commits, so on a slow disk N steps may not fit the time budget: then the
// workflow is terminated there and the last turn reached is reported (the detail says so).
import { progress, startEngine } from '../engine.js';
import { percentile, round, type ScenarioRow } from '../result.js';
import { openBackend } from '../targets.js';
import { timedBackend, type TurnTiming } from '../timed-backend.js';
import { errorNote, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, longChain } from './workflows.js';

export const longHistory: Scenario = {
  name: 'long-history',
  async run({ store, quick }) {
    const count = quick ? 300 : 10_000;
    const budgetMs = quick ? 120_000 : 90_000;
    progress(`  long-history: one workflow of ${count} sequential activities`);
    const inner = await openBackend(store.spec);
    const timed = timedBackend(inner);
    const engine = await startEngine(timed.backend, { workflows: allWorkflows, activities: allActivities });
    try {
      const start = performance.now();
      const id = await engine.client.scheduleNewWorkflow(longChain, { instanceId: 'long', input: count });
      const finished = engine.tracker.wait(id);
      const outcome = await Promise.race([finished, sleep(budgetMs)]);
      const capped = outcome === undefined;
      if (capped) {
        progress(`    time budget of ${budgetMs / 1000} s reached after ${timed.turns.length} turns; terminating`);
        await engine.client.terminateWorkflow(id);
      }
      const done = await finished;
      const seconds = (performance.now() - start) / 1000;
      const expected = capped ? 'TERMINATED' : 'COMPLETED';
      if (done.runtimeStatus !== expected || (!capped && JSON.parse(done.output ?? 'null') !== count)) {
        throw new Error(`long-history: ended ${done.runtimeStatus}: ${done.output ?? done.failureDetails?.errorMessage}`);
      }
      const turns = timed.turns.filter((t) => t.instanceId === id);
      const { hits, misses } = engine.worker.cache;
      const reached = capped ? `stopped by the ${budgetMs / 1000} s budget after ${turns.length} of ${count + 1} turns` : `${count} activities, ${turns.length} turns`;
      const detail = `${reached} in ${round(seconds, 1)} s, cache ${hits}/${misses} hits/misses${errorNote(engine)}`;
      return turnRows(turns.slice(0, capped ? -1 : undefined), 100, detail);
    } finally {
      await engine.stop();
      await inner.close();
    }
  },
};

/** Rows for turn `early` and the last (activity-result) turn, named stably: 'turn 100', 'turn last'. */
function turnRows(turns: TurnTiming[], early: number, detail: string): ScenarioRow[] {
  const late = turns.length - 1; // the final turn only completes the workflow; the one before is a full step
  const a = windowStats(turns, early);
  const b = windowStats(turns, late);
  const describe = (w: ReturnType<typeof windowStats>, turn: number) =>
    `turn ${turn}: execute ${round(w.execute, 3)} + commit ${round(w.commit, 3)} ms, history ${w.historyLength} events`;
  return [
    { name: 'long-history', metric: `turn ${early}`, value: round(a.wall, 3), unit: 'ms', detail: describe(a, early) },
    { name: 'long-history', metric: 'turn last', value: round(b.wall, 3), unit: 'ms', detail: describe(b, late) },
    { name: 'long-history', metric: `ratio last/${early}`, value: round(b.wall / a.wall), unit: 'x', detail },
  ];
}

const sleep = (ms: number): Promise<undefined> => new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());

/** Medians over the 21 turns ending at `turn` (1-based). */
function windowStats(turns: TurnTiming[], turn: number) {
  const end = Math.min(turn, turns.length);
  const window = turns.slice(Math.max(0, end - 21), end);
  return {
    wall: percentile(window.map((t) => t.committedAt - t.lockedAt), 0.5),
    execute: percentile(window.map((t) => t.completeCalledAt - t.lockedAt), 0.5),
    commit: percentile(window.map((t) => t.committedAt - t.completeCalledAt), 0.5),
    historyLength: turns[end - 1]?.historyLength ?? 0,
  };
}
