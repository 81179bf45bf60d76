// The simulation's workflow programs as data: a small AST that one generic registered workflow interprets
// (interpreter.ts), so a generated program is printable, shrinkable by fast-check, and predictable by the
// reference model (model.ts).

/** How a spawned instance gets its ID. */
export type IdMode =
  /** `<caller>~c<gen>.<path>` (children) or `<caller>~d<gen>.<path>` (detached): the model knows it. */
  | 'explicit'
  /** The engine's default ID (`<parent>:<hex>`, `<caller>-<n>`): the checker finds the instance by its input. */
  | 'default'
  /** The ID of the scenario's sentinel root, which is live: the engine must refuse the child (issue 11 item 1). */
  | 'taken'
  /** The caller's own ID: a workflow can never be its own child (issue 11 item 11). */
  | 'self';

export type Step =
  /** An activity returning `value * 3 + 1`; it throws on its first `failures` attempts, retried up to `maxAttempts`. */
  | { k: 'activity'; value: number; failures: number; maxAttempts: number; catch: boolean; delayMs: number; stall: boolean }
  | { k: 'timer'; ms: number }
  /** Fan-out/fan-in: the branches run concurrently and are awaited with whenAll. */
  | { k: 'parallel'; branches: Step[][] }
  /**
   * Waits `count` times for the event named for the step (`ev<gen>.<path>`, see eventName). Raised events are sent up front (by the driver to a root, by the
   * parent to a child); an unraised one must time out ('short'), a raised one wins against a 'long' timeout.
   */
  | { k: 'event'; count: number; raised: boolean; timeout: 'none' | 'long' | 'short' }
  | { k: 'child'; program: Program; idMode: IdMode; catch: boolean }
  | { k: 'detached'; program: Program; idMode: IdMode }
  /** Throws an Error whose message is the marker: the workflow fails (nothing catches it). */
  | { k: 'fail'; marker: string }
  /**
   * Root generation 0 only: sets custom status `gate:<n>` and waits for the event `gate-<n>`; the driver applies
   * this gate's client operation there. `hold` is a child started before the wait that blocks until released.
   */
  | { k: 'gate'; n: number; hold?: Program };

export interface Program {
  /** Each generation's steps; between generations the workflow continues as new. */
  generations: Step[][];
  /**
   * Only for a program run as a held child: it first starts this grandchild (held too), waits for the event
   * 'release', releases the grandchild and awaits it.
   */
  hold?: Program;
}

/** Input of the generic workflow: the program, where it is, and what earlier generations returned. */
export interface SimInput {
  program: Program;
  /** A logical name that identifies the instance whatever its ID: `<root>/<gen>.<path>/c` etc. */
  origin: string;
  gen: number;
  acc: unknown[][];
  /** Run as a held child: wait for 'release' first. */
  held?: boolean;
  /** The scenario's sentinel root (live until the end): the ID a 'taken' child asks for. */
  sentinel?: string;
}

/** The event a step waits for: unique per instance generation, so branches never compete for one. */
export function eventName(gen: number, path: string): string {
  return `ev${gen}.${path}`;
}

/** The value of the i-th raise of an event (the same for the driver, the parent and the model). */
export function eventValue(name: string, i: number): string {
  return `${name}#${i}`;
}

/** The output a terminate at gate n gives (the root's and, recursively, its children's). */
export function terminateOutput(rootId: string, gate: number): string {
  return `terminated ${rootId} at gate ${gate}`;
}

export const RELEASE_EVENT = 'release';
export const SHORT_TIMEOUT_MS = 30;
/** Far beyond any run: a raised event always wins against it. */
export const LONG_TIMEOUT_MS = 600_000;
