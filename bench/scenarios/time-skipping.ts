// Time skipping: how long (real time) a workflow with ten one-day timers takes in a TestWorkflowEnvironment.
// The environment always runs on its in-memory task hub (time skipping needs MemoryBackend), whatever the store.
import { TestWorkflowEnvironment } from '../../src/testing/index.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { progress } from '../engine.js';
import { percentile, round } from '../result.js';
import type { Scenario } from './scenario.js';

const DAY = 86_400_000;

async function tenDays(ctx: WorkflowContext): Promise<number> {
  for (let i = 0; i < 10; i++) await ctx.createTimer(DAY);
  return ctx.currentUtcDateTime.getTime();
}

export const timeSkipping: Scenario = {
  name: 'time-skipping',
  run: async ({ quick }) => {
    const runs = quick ? 3 : 30;
    progress(`  time-skipping: ${runs} runs of a workflow with 10 one-day timers`);
    const took: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await using env = await TestWorkflowEnvironment.create({ workflows: [tenDays] });
      const state = await env.run(tenDays, undefined, { timeoutMs: 60_000 });
      if (state.runtimeStatus !== 'COMPLETED') throw new Error(`time-skipping run ${i} ended ${state.runtimeStatus}`);
      took.push(performance.now() - t0);
    }
    const detail = `10 timers of 1 day in a TestWorkflowEnvironment (memory), ${runs} runs: p50 ${round(percentile(took, 0.5), 1)} ms, max ${round(Math.max(...took), 1)} ms`;
    return [{ name: 'time-skipping', metric: 'p50 wall time', value: round(percentile(took, 0.5), 1), unit: 'ms', detail }];
  },
};
