// What a scenario is: a name, and a run on a fresh store that returns its measured rows.
import type { WorkerOptions } from '../../src/runtime/worker.js';
import { startEngine, type Engine } from '../engine.js';
import type { ScenarioRow } from '../result.js';
import { openBackend, type Store } from '../targets.js';

export interface ScenarioRun {
  store: Store;
  quick: boolean;
}

export interface Scenario {
  name: string;
  run(options: ScenarioRun): Promise<ScenarioRow[]>;
}

/** Opens the store, starts a worker and client with the given options, runs fn, and closes everything. */
export async function withEngine<T>(
  store: Store,
  options: Omit<WorkerOptions, 'backend' | 'logger'>,
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(store.spec);
  const engine = await startEngine(backend, options);
  try {
    return await fn(engine);
  } finally {
    await engine.stop();
    await backend.close();
  }
}

/** Logged errors as a detail suffix ("" when there were none). */
export function errorNote(engine: Engine): string {
  const { warnings, errors } = engine.logger;
  return warnings + errors > 0 ? `, ${errors} errors / ${warnings} warnings logged` : '';
}
