// The module a build hands to `durabletask check-replay --workflows`: its workflow registry, as plain exports.
//
//   export const workflows = [orderWorkflow, shipWorkflow];          // or { name: fn }, as WorkerOptions takes
//   export const activities = { 'charge-card': chargeCard };         // optional: only for registered names
//   export const versions = { '1.4.0': { workflows: [...] } };       // optional: code of older pinned versions
//
// Importing it must have no side effects beyond defining these (no worker started, no connection opened).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { WorkflowSet } from './replay.js';

export interface WorkflowModule extends WorkflowSet {
  /**
   * Workflow code by version, for instances pinned to a version (ExecutionStarted.version): such an instance is
   * checked against `versions[version]` when present, otherwise against the module's own workflows.
   */
  versions?: Record<string, WorkflowSet>;
}

/** Imports the module at path and checks its shape, naming the export that is wrong. */
export async function loadWorkflowModule(path: string): Promise<WorkflowModule> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError('--workflows', `cannot import '${path}': ${(error as Error).message}`);
  }
  // A default export of the same shape is accepted too (export default { workflows }).
  const exports = isObject(loaded.default) && 'workflows' in loaded.default ? loaded.default : loaded;
  return {
    workflows: functionsOf(exports.workflows, `'${path}' export 'workflows'`, true)!,
    activities: functionsOf(exports.activities, `'${path}' export 'activities'`, false),
    versions: versionsOf(exports.versions, path),
  };
}

function versionsOf(value: unknown, path: string): Record<string, WorkflowSet> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new InvalidArgumentError(`'${path}' export 'versions'`, 'must be an object of { workflows, activities? } by version');
  const out: Record<string, WorkflowSet> = {};
  for (const [version, set] of Object.entries(value)) {
    const field = `'${path}' export 'versions.${version}'`;
    if (!isObject(set)) throw new InvalidArgumentError(field, 'must be { workflows, activities? }');
    out[version] = { workflows: functionsOf(set.workflows, `${field}.workflows`, true)!, activities: functionsOf(set.activities, `${field}.activities`, false) };
  }
  return out;
}

type Functions = Function[] | Record<string, Function>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function functionsOf(value: unknown, field: string, required: boolean): any {
  if (value === undefined && !required) return undefined;
  const expected = 'must be an array of named functions or an object of functions by name (as WorkerOptions takes)';
  if (value === undefined) throw new InvalidArgumentError(field, `is missing: ${expected}`);
  const entries = Array.isArray(value) ? value.map((fn, i) => [String(i), fn] as const) : isObject(value) ? Object.entries(value) : undefined;
  if (!entries) throw new InvalidArgumentError(field, expected);
  for (const [key, fn] of entries) if (typeof fn !== 'function') throw new InvalidArgumentError(`${field}[${key}]`, `is ${typeof fn}, not a function`);
  return value as Functions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
