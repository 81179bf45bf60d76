// `npm run fuzz -- [--seeds N] [--backend memory|sqlite|postgres]... [--seed S] [--path P] [--features list]
//                 [--profile all|npm-test] [--timeout ms] [--no-shrink]`
// A long simulation campaign: N scenarios per backend (every backend unless --backend is given), every feature
// class on unless a profile or --features says otherwise. Exits 1 on the first failing scenario of a backend,
// after printing its seed, fast-check path, shrunk scenario and problems.
import { parseArgs } from 'node:util';
import { formatFailure, runCampaign, type CampaignResult } from './campaign.js';
import { allFeatures, applyFeatureList, FEATURE_NAMES, npmTestFeatures } from './features.js';
import { describeScenario } from './describe.js';
import { BACKEND_KINDS, type BackendKind } from './hubs.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '100' },
      backend: { type: 'string', multiple: true },
      seed: { type: 'string' },
      path: { type: 'string' },
      features: { type: 'string', default: '' },
      profile: { type: 'string', default: 'all' },
      timeout: { type: 'string', default: '30000' },
      'no-shrink': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: npm run fuzz -- [--seeds N] [--backend ${BACKEND_KINDS.join('|')}]... [--seed S] [--path P] [--features a,-b] [--profile all|npm-test]`);
    console.log(`features: ${FEATURE_NAMES.join(', ')}`);
    return 0;
  }
  const kinds = (values.backend ?? [...BACKEND_KINDS]).flatMap((b) => b.split(',')) as BackendKind[];
  for (const k of kinds) if (!BACKEND_KINDS.includes(k)) throw new Error(`unknown backend '${k}'; use ${BACKEND_KINDS.join(', ')}`);
  const numRuns = Number(values.seeds);
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new Error(`--seeds must be a positive integer, got ${values.seeds}`);
  if (values.profile !== 'all' && values.profile !== 'npm-test') throw new Error(`--profile must be all or npm-test, got ${values.profile}`);
  const features = applyFeatureList(values.profile === 'npm-test' ? npmTestFeatures() : allFeatures(), values.features);
  const off = FEATURE_NAMES.filter((f) => !features[f]);
  console.log(`features off: ${off.length ? off.join(', ') : '(none)'}`);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  const extra = [values.profile !== 'all' ? `--profile ${values.profile}` : '', values.features ? `--features ${values.features}` : ''].filter(Boolean).join(' ');
  const results: CampaignResult[] = [];
  for (const kind of kinds) {
    const started = Date.now();
    let n = 0;
    let crashes = 0;
    const result = await runCampaign({
      kind,
      features,
      numRuns,
      seed,
      path: values.path,
      shrink: !values['no-shrink'],
      timeoutMs: Number(values.timeout),
      onStart: values.verbose ? (s) => console.log(`--- run ${n + 1}\n${describeScenario(s).join('\n')}`) : undefined,
      onRun: (report) => {
        n++;
        crashes += report.crashes;
        if (n % 10 === 0) process.stdout.write(`${kind}: ${n} runs, ${crashes} crashes, ${Math.round((Date.now() - started) / 1000)} s\n`);
      },
    });
    results.push(result);
    console.log(formatFailure(result, extra));
    console.log(`${kind}: seed ${seed}, ${result.runs} runs in ${Math.round((Date.now() - started) / 1000)} s, ${crashes} worker crashes`);
  }
  return results.some((r) => r.failure) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
