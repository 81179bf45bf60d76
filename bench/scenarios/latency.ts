// Latency: one three-activity workflow at a time, start to completion, N runs; p50 and p99.
import { expectCompleted, progress } from '../engine.js';
import { percentile, round } from '../result.js';
import { errorNote, withEngine, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, sequence3 } from './workflows.js';

export const latency: Scenario = {
  name: 'latency',
  run: ({ store, quick }) =>
    withEngine(store, { workflows: allWorkflows, activities: allActivities }, async (engine) => {
      const runs = quick ? 5 : 50;
      progress(`  latency: ${runs} sequential runs of a 3-activity workflow`);
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const id = await engine.client.scheduleNewWorkflow(sequence3, { instanceId: `lat-${i}` });
        expectCompleted([await engine.tracker.wait(id)], 'latency');
        samples.push(performance.now() - start);
      }
      const detail = `${runs} runs${errorNote(engine)}`;
      return [
        { name: 'latency', metric: 'p50', value: round(percentile(samples, 0.5)), unit: 'ms', detail },
        { name: 'latency', metric: 'p99', value: round(percentile(samples, 0.99)), unit: 'ms', detail },
      ];
    }),
};
