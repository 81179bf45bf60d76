// The reference model: what the engine must produce for a program and the client operations at its gates.
// It is the semantics written out plainly (no engine code): every instance the run creates, its final status,
// its output or the failure markers its failure must name, and the engine-made child link it has.
import type { RuntimeStatus } from '../../src/protocol/status.js';
import { activityMarker, holdId, spawnId } from './interpreter.js';
import { eventName, eventValue, terminateOutput, type Program, type Step } from './program.js';

/** What the driver does at a root's gate. */
export type GateOp =
  | { op: 'pass' }
  | { op: 'suspendResume' }
  /** Suspend twice, resume once: suspend and resume are idempotent (issue 11 item 10). */
  | { op: 'doubleSuspend' }
  | { op: 'terminate'; recursive: boolean; suspendFirst: boolean };

export interface Expected {
  /** Logical name (SimInput.origin): how the checker finds the instance whatever its ID. */
  origin: string;
  /** The exact ID when the model knows it (explicit IDs all the way up). */
  id?: string;
  kind: 'root' | 'child' | 'detached' | 'hold';
  /** The engine-made parent link: the origin of the parent. */
  parent?: string;
  status: RuntimeStatus;
  /** COMPLETED and TERMINATED: the exact output. */
  output?: unknown;
  /** FAILED: the failure message names one of these. */
  markers?: string[];
  /** May never be created (a held grandchild whose parent was terminated before its first turn). */
  optional?: boolean;
  /**
   * Spawned by a generation that later continued as new (or by an instance whose ID was then reused): a cascade
   * from the parent no longer reaches it, since a cascade follows only the current generation's children.
   */
  earlierGeneration?: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; markers: string[] };

interface Frame {
  id?: string;
  origin: string;
  gen: number;
  gens: number;
  out: Expected[];
  /** What this instance spawned as its children, with the generation that spawned each. */
  spawned: { e: Expected; gen: number }[];
  /** Only for a root: the client operation at each gate. */
  gateOps?: ReadonlyMap<number, GateOp>;
}

/** Signals that the root was terminated at a gate: unwinds the evaluation. */
class Terminated {
  constructor(readonly gate: number) {}
}

export interface RootPrediction {
  root: Expected;
  all: Expected[];
}

/** Predicts a root and everything it spawns. */
export function predictRoot(rootId: string, program: Program, gateOps: ReadonlyMap<number, GateOp>): RootPrediction {
  const out: Expected[] = [];
  const root = evalInstance(program, { id: rootId, origin: rootId, kind: 'root' }, out, gateOps);
  return { root, all: out };
}

function evalInstance(
  program: Program,
  info: { id?: string; origin: string; kind: Expected['kind']; parent?: string; held?: boolean },
  out: Expected[],
  gateOps?: ReadonlyMap<number, GateOp>,
): Expected {
  const me: Expected = { origin: info.origin, id: info.id, kind: info.kind, parent: info.parent, status: 'COMPLETED' };
  out.push(me);
  const spawned: { e: Expected; gen: number }[] = [];
  let finalGen = 0;
  const result = runGenerations(program, info, me, (gen) => {
    finalGen = gen;
    return { id: info.id, origin: info.origin, gen, gens: program.generations.length, out, spawned, gateOps };
  });
  // A cascade follows only the children of the generation the instance ended in.
  for (const s of spawned) if (s.gen < finalGen) s.e.earlierGeneration = true;
  return result;
}

function runGenerations(program: Program, info: { id?: string; held?: boolean }, me: Expected, frameOf: (gen: number) => Frame): Expected {
  const acc: unknown[][] = [];
  const gens = program.generations.length;
  for (let gen = 0; gen < gens; gen++) {
    const frame = frameOf(gen);
    const results: unknown[] = [];
    try {
      if (info.held && gen === 0) {
        const r = evalRelease(program, frame);
        if (!r.ok) return fail(me, r.markers);
        results.push(r.value);
      }
      const steps = program.generations[gen] ?? [];
      for (let i = 0; i < steps.length; i++) {
        const r = evalStep(steps[i]!, String(i), frame);
        if (!r.ok) return fail(me, r.markers);
        results.push(r.value);
      }
    } catch (error) {
      if (!(error instanceof Terminated)) throw error;
      me.status = 'TERMINATED';
      me.output = terminateOutput(info.id!, error.gate);
      return me;
    }
    acc.push(results);
  }
  me.output = acc;
  return me;
}

function fail(me: Expected, markers: string[]): Expected {
  me.status = 'FAILED';
  me.markers = markers;
  return me;
}

function evalRelease(program: Program, frame: Frame): Outcome {
  if (!program.hold) return { ok: true, value: 'released' };
  const child = spawn(frame, evalInstance(program.hold, { id: frame.id && holdId(frame.id), origin: `${frame.origin}/h`, kind: 'hold', parent: frame.origin, held: true }, frame.out));
  return childOutcome(child, false);
}

function spawn(frame: Frame, e: Expected): Expected {
  frame.spawned.push({ e, gen: frame.gen });
  return e;
}

function childOutcome(child: Expected, caught: boolean): Outcome {
  if (child.status === 'COMPLETED') return { ok: true, value: child.output };
  return caught ? { ok: true, value: 'child-failed' } : { ok: false, markers: child.markers ?? [] };
}

function evalSteps(steps: Step[], path: string, frame: Frame): Outcome {
  const results: unknown[] = [];
  for (let i = 0; i < steps.length; i++) {
    const r = evalStep(steps[i]!, `${path}.${i}`, frame);
    if (!r.ok) return r;
    results.push(r.value);
  }
  return { ok: true, value: results };
}

function evalStep(step: Step, path: string, frame: Frame): Outcome {
  const { gen } = frame;
  switch (step.k) {
    case 'activity':
      if (step.failures < step.maxAttempts) return { ok: true, value: step.value * 3 + 1 };
      return step.catch ? { ok: true, value: 'caught' } : { ok: false, markers: [activityMarker(frame.origin, gen, path)] };
    case 'timer':
      return { ok: true, value: 't' };
    case 'parallel': {
      const values: unknown[] = [];
      for (let j = 0; j < step.branches.length; j++) {
        const r = evalSteps(step.branches[j]!, `${path}.${j}`, frame);
        if (!r.ok) return r;
        values.push(r.value);
      }
      return { ok: true, value: values };
    }
    case 'event': {
      const name = eventName(gen, path);
      return { ok: true, value: Array.from({ length: step.count }, (_, i) => (step.raised ? eventValue(name, i) : 'timeout')) };
    }
    case 'child': {
      if (step.idMode === 'taken' || step.idMode === 'self') return step.catch ? { ok: true, value: 'child-failed' } : { ok: false, markers: ['already exists'] };
      const id = step.idMode === 'explicit' && frame.id ? spawnId(frame.id, 'c', gen, path) : undefined;
      const child = spawn(frame, evalInstance(step.program, { id, origin: `${frame.origin}/${gen}.${path}c`, kind: 'child', parent: frame.origin }, frame.out));
      return childOutcome(child, step.catch);
    }
    case 'detached': {
      if (step.idMode === 'self') return { ok: true, value: 'd' };
      const id = step.idMode === 'explicit' && frame.id ? spawnId(frame.id, 'd', gen, path) : undefined;
      evalInstance(step.program, { id, origin: `${frame.origin}/${gen}.${path}d`, kind: 'detached' }, frame.out);
      return { ok: true, value: 'd' };
    }
    case 'fail':
      return { ok: false, markers: [step.marker] };
    case 'gate':
      return evalGate(step, frame);
  }
}

function evalGate(step: Extract<Step, { k: 'gate' }>, frame: Frame): Outcome {
  const op = frame.gateOps?.get(step.n) ?? { op: 'pass' };
  const parentOrigin = frame.origin;
  const holdInfo = { id: frame.id && holdId(frame.id, step.n), origin: `${parentOrigin}/g${step.n}`, kind: 'hold' as const, parent: parentOrigin, held: true };
  if (op.op === 'terminate') {
    if (step.hold) {
      if (op.recursive) spawn(frame, terminateTree(step.hold, holdInfo, frame.out, terminateOutput(frame.id!, step.n), false));
      else spawn(frame, evalInstance(step.hold, holdInfo, frame.out));
    }
    throw new Terminated(step.n);
  }
  if (!step.hold) return { ok: true, value: 'g' };
  const held = spawn(frame, evalInstance(step.hold, holdInfo, frame.out));
  const r = childOutcome(held, false);
  return r.ok ? { ok: true, value: { g: r.value } } : r;
}

/** A held child terminated by a recursive terminate, and its held descendants (which it may not have started). */
function terminateTree(program: Program, info: { id?: string; origin: string; parent: string }, out: Expected[], output: string, optional: boolean): Expected {
  // Terminated while waiting for its release, in its first generation: its held child is a current one.
  const me: Expected = { origin: info.origin, id: info.id, kind: 'hold', parent: info.parent, status: 'TERMINATED', output, optional };
  out.push(me);
  if (program.hold) terminateTree(program.hold, { id: info.id && holdId(info.id), origin: `${info.origin}/h`, parent: info.origin }, out, output, true);
  return me;
}

/**
 * Origins removed by purging `origin`: with `recursive`, also its children of its current generation, theirs,
 * and so on (never a detached spawn, never a child of an earlier generation). `maybe` holds none today; it is
 * where a rule the engine leaves open would go.
 */
export function purgeSet(all: readonly Expected[], origin: string, recursive: boolean): { sure: Set<string>; maybe: Set<string> } {
  const sure = new Set<string>([origin]);
  const maybe = new Set<string>();
  if (!recursive) return { sure, maybe };
  const visit = (parent: string) => {
    for (const e of all) {
      if (e.parent !== parent || e.kind === 'detached' || e.earlierGeneration || sure.has(e.origin)) continue;
      sure.add(e.origin);
      visit(e.origin);
    }
  };
  visit(origin);
  return { sure, maybe };
}
