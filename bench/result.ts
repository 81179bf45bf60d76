// One measured number of a benchmark run, as printed in the table and in the --json line.
export type BackendName = 'sqlite' | 'postgres';

export interface Row {
  /** The scenario (throughput, latency, ...). */
  name: string;
  /** What was measured within the scenario (p50, turn 100, ...). */
  metric: string;
  backend: BackendName;
  value: number;
  unit: string;
  /** Sizes and side facts (counts, cache hits) for the reader. */
  detail?: string;
}

export type ScenarioRow = Omit<Row, 'backend'>;

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The value at quantile q (0..1) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
