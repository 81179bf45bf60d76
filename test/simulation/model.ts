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
   * Spawned by a generation that later continued as new: whether a recursive purge of the parent reaches it is
   * not specified (the link is no longer in the parent's history), so purge checks accept both.
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
  info: { id?: string; origin: string; kind: Expected['kind']; parent?: string; held?: boolean; earlierGeneration?: boolean },
  out: Expected[],
  gateOps?: ReadonlyMap<number, GateOp>,
): Expected {
  const me: Expected = { origin: info.origin, id: info.id, kind: info.kind, parent: info.parent, status: 'COMPLETED', earlierGeneration: info.earlierGeneration };
  out.push(me);
  const acc: unknown[][] = [];
  const gens = program.generations.length;
  for (let gen = 0; gen < gens; gen++) {
    const frame: Frame = { id: info.id, origin: info.origin, gen, gens, out, gateOps };
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
  const child = evalInstance(
    program.hold,
    { id: frame.id && holdId(frame.id), origin: `${frame.origin}/h`, kind: 'hold', parent: frame.origin, held: true, earlierGeneration: frame.gens > 1 },
    frame.out,
  );
  return childOutcome(child, false);
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
  const earlierGeneration = gen < frame.gens - 1;
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
      const child = evalInstance(step.program, { id, origin: `${frame.origin}/${gen}.${path}c`, kind: 'child', parent: frame.origin, earlierGeneration }, frame.out);
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
  const holdInfo = { id: frame.id && holdId(frame.id, step.n), origin: `${parentOrigin}/g${step.n}`, kind: 'hold' as const, parent: parentOrigin, held: true, earlierGeneration: frame.gens > 1 };
  if (op.op === 'terminate') {
    if (step.hold) {
      if (op.recursive) terminateTree(step.hold, holdInfo, frame, terminateOutput(frame.id!, step.n), false);
      else evalInstance(step.hold, holdInfo, frame.out);
    }
    throw new Terminated(step.n);
  }
  if (!step.hold) return { ok: true, value: 'g' };
  const held = evalInstance(step.hold, holdInfo, frame.out);
  const r = childOutcome(held, false);
  return r.ok ? { ok: true, value: { g: r.value } } : r;
}

/** A held child terminated by a recursive terminate, and its held descendants (which it may not have started). */
function terminateTree(program: Program, info: { id?: string; origin: string; parent: string; earlierGeneration: boolean }, frame: Frame, output: string, optional: boolean): void {
  frame.out.push({ origin: info.origin, id: info.id, kind: 'hold', parent: info.parent, status: 'TERMINATED', output, optional, earlierGeneration: info.earlierGeneration });
  if (program.hold) {
    const next = { id: info.id && holdId(info.id), origin: `${info.origin}/h`, parent: info.origin, earlierGeneration: info.earlierGeneration };
    terminateTree(program.hold, next, frame, output, true);
  }
}

/** Origins removed by purging `origin` (recursively: its engine-made children too); `maybe` are unspecified. */
export function purgeSet(all: readonly Expected[], origin: string, recursive: boolean): { sure: Set<string>; maybe: Set<string> } {
  const sure = new Set<string>([origin]);
  const maybe = new Set<string>();
  if (!recursive) return { sure, maybe };
  const visit = (parent: string, uncertain: boolean) => {
    for (const e of all) {
      if (e.parent !== parent || e.kind === 'detached') continue;
      const u = uncertain || !!e.earlierGeneration;
      (u ? maybe : sure).add(e.origin);
      visit(e.origin, u);
    }
  };
  visit(origin, false);
  return { sure, maybe };
}
