// Detached: one workflow starts N detached workflows (ctx.scheduleNewWorkflow), each running one activity;
// seconds from the parent's start until every detached workflow has completed.
import { expectCompleted, progress } from '../engine.js';
import { round } from '../result.js';
import { errorNote, withEngine, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, spawner } from './workflows.js';

export const detached: Scenario = {
  name: 'detached',
  run: ({ store, quick }) =>
    withEngine(store, { workflows: allWorkflows, activities: allActivities }, async (engine) => {
      const count = quick ? 50 : 1000;
      progress(`  detached: one workflow starts ${count} detached workflows of one activity`);
      const start = performance.now();
      const parent = await engine.client.scheduleNewWorkflow(spawner, { instanceId: 'spawner', input: count });
      const children = Array.from({ length: count }, (_, i) => `${parent}-d${i}`);
      const done = await engine.tracker.waitAll([parent, ...children], 240_000);
      const seconds = (performance.now() - start) / 1000;
      expectCompleted(done, 'detached');
      return [
        { name: 'detached', metric: 'duration', value: round(seconds), unit: 's', detail: `${count} detached workflows${errorNote(engine)}` },
      ];
    }),
};
