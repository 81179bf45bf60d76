// Long history: one workflow of N sequential activities. A turn should cost its new events, not its history,
// so the wall time of turn 100 and of turn N (lock returned to commit done) should be about equal.
// Each is the median of the 21 turns ending there, so one GC pause does not decide the ratio.
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
    progress(`  long-history: one workflow of ${count} sequential activities`);
    const inner = await openBackend(store.spec);
    const timed = timedBackend(inner);
    const engine = await startEngine(timed.backend, { workflows: allWorkflows, activities: allActivities });
    try {
      const start = performance.now();
      const id = await engine.client.scheduleNewWorkflow(longChain, { instanceId: 'long', input: count });
      const [done] = await engine.tracker.waitAll([id], 600_000);
      const seconds = (performance.now() - start) / 1000;
      if (done!.runtimeStatus !== 'COMPLETED' || JSON.parse(done!.output ?? 'null') !== count) {
        throw new Error(`long-history: ended ${done!.runtimeStatus}: ${done!.output ?? done!.failureDetails?.errorMessage}`);
      }
      const turns = timed.turns.filter((t) => t.instanceId === id);
      const { hits, misses } = engine.worker.cache;
      const detail = `${count} activities, ${turns.length} turns in ${round(seconds, 1)} s, cache ${hits}/${misses} hits/misses${errorNote(engine)}`;
      return turnRows(turns, 100, count, detail);
    } finally {
      await engine.stop();
      await inner.close();
    }
  },
};

function turnRows(turns: TurnTiming[], early: number, late: number, detail: string): ScenarioRow[] {
  const a = windowStats(turns, early);
  const b = windowStats(turns, late);
  return [
    { name: 'long-history', metric: `turn ${early}`, value: round(a.wall, 3), unit: 'ms', detail: `execute ${round(a.execute, 3)} + commit ${round(a.commit, 3)} ms, history ${a.historyLength} events` },
    { name: 'long-history', metric: `turn ${late}`, value: round(b.wall, 3), unit: 'ms', detail: `execute ${round(b.execute, 3)} + commit ${round(b.commit, 3)} ms, history ${b.historyLength} events` },
    { name: 'long-history', metric: `ratio turn ${late}/${early}`, value: round(b.wall / a.wall), unit: 'x', detail },
  ];
}

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
