// The simulation tester's bounded run: a fixed number of generated scenarios per backend (random programs,
// client operations and faults, each checked against the reference model), with the feature classes that find
// bugs still open on main turned off (features.ts names them). A failure prints its seed, fast-check path,
// the scenario and every problem found, and the command that replays it. `npm run fuzz` runs long campaigns.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailure, runCampaign } from './campaign.js';
import { npmTestFeatures } from './features.js';
import type { BackendKind } from './hubs.js';

/** Scenarios per backend: about a minute in total on an idle machine (most scenarios take well under a second). */
const RUNS: Record<BackendKind, number> = { memory: 25, sqlite: 15, postgres: 8 };
const SEED = process.env['DURABLETASK_SIM_SEED'] ? Number(process.env['DURABLETASK_SIM_SEED']) : 20261104;

describe('simulation tester', () => {
  for (const kind of ['memory', 'sqlite', 'postgres'] as const) {
    it(`${kind}: ${RUNS[kind]} generated scenarios match the reference model`, { timeout: 240_000 }, async (t) => {
      let crashes = 0;
      let activityRuns = 0;
      const result = await runCampaign({
        kind,
        features: npmTestFeatures(),
        numRuns: RUNS[kind],
        seed: SEED,
        // A failure is reported at once; `npm run fuzz` with the printed seed and path shrinks it.
        shrink: false,
        onRun: (report) => {
          crashes += report.crashes;
          activityRuns += report.activityRuns;
        },
      });
      const line = `simulation ${kind}: seed ${SEED}, ${result.runs} scenarios, ${crashes} worker crashes, ${activityRuns} activity runs`;
      t.diagnostic(line);
      assert.equal(result.failure, undefined, formatFailure(result, '--profile npm-test --no-shrink'));
      assert.equal(result.runs, RUNS[kind]);
    });
  }
});
