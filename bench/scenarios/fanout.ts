// Fan-out: one workflow runs N activities at once (whenAll) and sums the results; seconds end to end.
import { progress } from '../engine.js';
import { round } from '../result.js';
import { errorNote, withEngine, type Scenario } from './scenario.js';
import { allActivities, allWorkflows, fanOut } from './workflows.js';

export const fanout: Scenario = {
  name: 'fanout',
  run: ({ store, quick }) =>
    withEngine(store, { workflows: allWorkflows, activities: allActivities }, async (engine) => {
      const count = quick ? 200 : 10_000;
      progress(`  fanout: one workflow, ${count} activities at once`);
      const start = performance.now();
      const id = await engine.client.scheduleNewWorkflow(fanOut, { instanceId: 'fanout', input: count });
      const [done] = await engine.tracker.waitAll([id], 240_000);
      const seconds = (performance.now() - start) / 1000;
      const expected = (count * (count - 1)) / 2;
      if (done!.runtimeStatus !== 'COMPLETED' || JSON.parse(done!.output ?? 'null') !== expected) {
        throw new Error(`fanout: ended ${done!.runtimeStatus} with ${done!.output ?? done!.failureDetails?.errorMessage}, expected ${expected}`);
      }
      const history = await engine.backend.getWorkflowHistory(id);
      const turns = history.filter((e) => e.type === 'workflowStarted').length;
      return [
        {
          name: 'fanout',
          metric: 'duration',
          value: round(seconds),
          unit: 's',
          detail: `${count} activities, ${turns} turns, ${history.length} events${errorNote(engine)}`,
        },
      ];
    }),
};
