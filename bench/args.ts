// Command-line arguments of the benchmark runner.
import type { BackendName } from './result.js';

export interface BenchArgs {
  quick: boolean;
  json: boolean;
  backends: BackendName[];
  /** Scenario names to run; empty means all. */
  only: string[];
}

export const USAGE = 'usage: node dist/bench/main.js [--quick] [--json] [--backend sqlite|postgres|all] [--only <scenario>[,<scenario>...]]';

export function parseArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, json: false, backends: ['sqlite', 'postgres'], only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--json') args.json = true;
    else if (flag === '--backend') args.backends = parseBackend(value());
    else if (flag === '--only') args.only.push(...value().split(',').filter(Boolean));
    else if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    else throw new Error(`unknown argument '${arg}'\n${USAGE}`);
  }
  const unknown = args.only.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario '${unknown.join(', ')}'; scenarios: ${known.join(', ')}`);
  return args;
}

function parseBackend(value: string): BackendName[] {
  if (value === 'all') return ['sqlite', 'postgres'];
  if (value === 'sqlite' || value === 'postgres') return [value];
  throw new Error(`--backend must be sqlite, postgres or all, got '${value}'`);
}
