// Throughput: N workflows of three sequential activities started together; workflows per second from the
// first start to the last completion.
import { expectCompleted, progress } from '../engine.js';
import { round } from '../result.js';
import { errorNote, withEngine, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, sequence3 } from './workflows.js';

export const throughput: Scenario = {
  name: 'throughput',
  run: ({ store, quick }) =>
    withEngine(store, { workflows: allWorkflows, activities: allActivities }, async (engine) => {
      const count = quick ? 50 : 1000;
      progress(`  throughput: ${count} workflows x 3 activities`);
      const start = performance.now();
      const ids = await Promise.all(Array.from({ length: count }, (_, i) => engine.client.scheduleNewWorkflow(sequence3, { instanceId: `tp-${i}` })));
      const done = await engine.tracker.waitAll(ids, 240_000);
      const seconds = (performance.now() - start) / 1000;
      expectCompleted(done, 'throughput');
      const { hits, misses } = engine.worker.cache;
      return [
        {
          name: 'throughput',
          metric: 'workflows/s',
          value: round(count / seconds, 1),
          unit: 'wf/s',
          detail: `${count} wf x 3 activities in ${round(seconds)} s, cache ${hits} hits/${misses} misses${errorNote(engine)}`,
        },
      ];
    }),
};
