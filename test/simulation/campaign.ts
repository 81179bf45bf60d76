// A campaign: fast-check generates scenarios from a seed and runs each on one backend; the first failing one is
// shrunk (unless told not to) to a small scenario. The report names the seed and the fast-check path, which
// regenerate exactly that scenario: `npm run fuzz -- --backend <kind> --seed <seed> --path <path>`.
import fc from 'fast-check';
import { scenarioArb, type Scenario } from './arbitraries.js';
import type { Features } from './features.js';
import type { BackendKind } from './hubs.js';
import { describeScenario } from './describe.js';
import { runScenario, type RunReport } from './scenario.js';

export interface CampaignOptions {
  kind: BackendKind;
  features: Features;
  numRuns: number;
  seed: number;
  /** Replays from this fast-check path (with the seed that produced it). */
  path?: string;
  /** Shrink a failure to a small scenario (each shrink step is a run). @default true */
  shrink?: boolean;
  timeoutMs?: number;
  onRun?: (report: RunReport, scenario: Scenario) => void;
  /** Called before each run (e.g. to print the scenario). */
  onStart?: (scenario: Scenario) => void;
}

export interface CampaignResult {
  kind: BackendKind;
  seed: number;
  runs: number;
  /** Set when a scenario failed: everything needed to reproduce it. */
  failure?: { path: string; scenario: Scenario; problems: string[]; shrinks: number };
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  let runs = 0;
  let lastProblems: string[] = [];
  const property = fc.asyncProperty(scenarioArb(o.features), async (scenario) => {
    runs++;
    o.onStart?.(scenario);
    const report = await runScenario(scenario, { kind: o.kind, features: o.features, timeoutMs: o.timeoutMs });
    o.onRun?.(report, scenario);
    if (report.problems.length > 0) lastProblems = report.problems;
    if (report.problems.length > 0) throw new Error(report.problems.join('\n'));
  });
  const details = await fc.check(property, { numRuns: o.numRuns, seed: o.seed, path: o.path, endOnFailure: o.shrink === false });
  if (!details.failed || !details.counterexample) return { kind: o.kind, seed: o.seed, runs };
  // The counterexample is the smallest failing scenario found; rerun it once to report its problems as they are
  // now, or, when the rerun passes (a timing-dependent failure), what its last failing run said.
  const scenario = details.counterexample[0];
  const report = await runScenario(scenario, { kind: o.kind, features: o.features, timeoutMs: o.timeoutMs });
  const problems = report.problems.length > 0 ? report.problems : [`(passed when rerun; the failing run said:)`, ...lastProblems];
  return { kind: o.kind, seed: o.seed, runs, failure: { path: details.counterexamplePath ?? '', scenario, problems, shrinks: details.numShrinks } };
}

/** The failure as text: seed, path, the scenario, the problems, and the command that replays it. */
export function formatFailure(result: CampaignResult, extraArgs = ''): string {
  const f = result.failure;
  if (!f) return `${result.kind}: ${result.runs} scenarios, no problem`;
  return [
    `${result.kind}: scenario failed after ${result.runs} runs (${f.shrinks} shrinks)`,
    `  seed ${result.seed}, path ${f.path}`,
    `  replay: npm run fuzz -- --backend ${result.kind} --seed ${result.seed} --path ${f.path}${extraArgs ? ` ${extraArgs}` : ''}`,
    `  scenario:`,
    ...describeScenario(f.scenario).map((l) => `    ${l}`),
    `  problems:`,
    ...f.problems.slice(0, 30).map((p) => `    ${p}`),
  ].join('\n');
}
