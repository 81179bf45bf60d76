// Registered workflows and activities by name. Calls may pass the function itself or its name.
import { InvalidArgumentError, NotRegisteredError } from '../errors.js';
import type { Activity, Workflow } from './types.js';

export class Registry {
  private readonly workflows = new Map<string, Workflow>();
  private readonly activities = new Map<string, Activity>();
  private readonly names = new Map<Function, string>();
  private served: { workflows: readonly string[]; activities: readonly string[] } | undefined;

  addWorkflow(workflow: Workflow, name?: string): this {
    this.add(this.workflows, 'workflow', workflow, name);
    return this;
  }

  addActivity(activity: Activity, name?: string): this {
    this.add(this.activities, 'activity', activity, name);
    return this;
  }

  /**
   * Puts `activity` under `name`, replacing what was there (undefined removes it); the names functions were
   * registered under stay as they were. For test doubles: calls made by the original function or name run it.
   */
  setActivity(name: string, activity: Activity | undefined): this {
    if (!name) throw new InvalidArgumentError('activity name', 'is required');
    if (activity === undefined) this.activities.delete(name);
    else if (typeof activity !== 'function') throw new InvalidArgumentError('activity', `must be a function, got ${typeof activity}`);
    else this.activities.set(name, activity);
    this.served = undefined; // the names a worker locks changed
    return this;
  }

  getWorkflow(name: string): Workflow {
    const workflow = this.workflows.get(name);
    if (!workflow) throw new NotRegisteredError('workflow', name);
    return workflow;
  }

  getActivity(name: string): Activity | undefined {
    return this.activities.get(name);
  }

  hasWorkflow(name: string): boolean {
    return this.workflows.has(name);
  }

  /** The workflow names registered (what a worker locks); the same array until a registration changes it. */
  workflowNames(): readonly string[] {
    return this.servedNames().workflows;
  }

  /** The activity names registered; the same array until a registration changes it. */
  activityNames(): readonly string[] {
    return this.servedNames().activities;
  }

  private servedNames(): { workflows: readonly string[]; activities: readonly string[] } {
    this.served ??= { workflows: [...this.workflows.keys()].sort(), activities: [...this.activities.keys()].sort() };
    return this.served;
  }

  /** The name a call refers to: the string, the name the function was registered under, or its own name. */
  nameOf(ref: Function | string, field: string): string {
    const name = typeof ref === 'string' ? ref : (this.names.get(ref) ?? ref.name);
    if (!name) throw new InvalidArgumentError(field, 'a workflow or activity needs a name: pass a named function or a string');
    return name;
  }

  private add<T extends Function>(map: Map<string, T>, kind: string, fn: T, explicit?: string): void {
    if (typeof fn !== 'function') throw new InvalidArgumentError(kind, `must be a function, got ${typeof fn}`);
    const name = explicit ?? fn.name;
    if (!name) throw new InvalidArgumentError(`${kind} name`, 'anonymous functions need an explicit name');
    const existing = map.get(name);
    if (existing && existing !== fn) throw new InvalidArgumentError(`${kind} name`, `'${name}' is already registered to another function`);
    map.set(name, fn);
    this.served = undefined;
    if (!this.names.has(fn)) this.names.set(fn, name);
  }
}

/** The name a function or string refers to, without a registry (client calls). */
export function refName(ref: Function | string, field: string): string {
  const name = typeof ref === 'string' ? ref : ref.name;
  if (!name) throw new InvalidArgumentError(field, 'pass a named function or the registered name');
  return name;
}
