// Timers: N workflows each wait on a 100 ms durable timer. Lateness is how long after fireAt the workflow
// observed the firing: the start time of the turn that received TimerFired (ctx.currentUtcDateTime) - fireAt.
import { expectCompleted, progress } from '../engine.js';
import { percentile, round } from '../result.js';
import { errorNote, withEngine, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, sleeper } from './workflows.js';

export const timers: Scenario = {
  name: 'timers',
  run: ({ store, quick }) =>
    withEngine(store, { workflows: allWorkflows, activities: allActivities }, async (engine) => {
      const count = quick ? 50 : 1000;
      const delayMs = 100;
      progress(`  timers: ${count} workflows each waiting on a ${delayMs} ms timer`);
      const ids = await Promise.all(
        Array.from({ length: count }, (_, i) => engine.client.scheduleNewWorkflow(sleeper, { instanceId: `timer-${i}`, input: delayMs })),
      );
      const done = await engine.tracker.waitAll(ids, 240_000);
      expectCompleted(done, 'timers');
      const lateness = done.map((m) => JSON.parse(m.output ?? 'NaN') as number);
      const detail = `${count} timers of ${delayMs} ms: p50 ${round(percentile(lateness, 0.5), 1)} ms, max ${round(Math.max(...lateness), 1)} ms${errorNote(engine)}`;
      return [{ name: 'timers', metric: 'p99 lateness', value: round(percentile(lateness, 0.99), 1), unit: 'ms', detail }];
    }),
};
