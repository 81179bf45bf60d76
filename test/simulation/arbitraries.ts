// fast-check generators of scenarios: root programs, the client operation at each gate, faults and the
// end-of-run operations, restricted to the enabled feature classes. Every constraint here keeps a program's
// outcome deterministic (so the model can predict it): nothing can fail uncaught inside a fan-out, unraised
// events always time out, raised ones never do.
import fc from 'fast-check';
import type { RuntimeStatus } from '../../src/protocol/status.js';
import type { Features } from './features.js';
import type { GateOp } from './model.js';
import type { IdMode, Program, Step } from './program.js';

export interface RootSpec {
  program: Program;
  /** The operation at each gate, by gate number. */
  ops: GateOp[];
}

export interface CrashPoint {
  /** The worker crashes at its n-th backend call... */
  afterCalls: number;
  /** ...after the call reached storage (its reply is lost) or before. */
  afterCommit: boolean;
}

export interface Faults {
  twoWorkers: boolean;
  crashes: CrashPoint[];
  lostLease: boolean;
  /** Per-mille chance that a result or timer firing is delivered twice. */
  duplicatePerMille: number;
}

export interface EndOps {
  pageSize: number;
  purges: { root: number; recursive: boolean }[];
  filter?: { statuses: RuntimeStatus[]; recursive: boolean };
  /** Roots rescheduled with replaceTerminal and a new program before the purges. */
  replace: { root: number; program: Program }[];
}

export interface Scenario {
  roots: RootSpec[];
  faults: Faults;
  end: EndOps;
}

interface Where {
  depth: number;
  gen: number;
  /** Events of this step may be raised (root generation 0, or an explicitly named child's). */
  canRaise: boolean;
  /** Inside a fan-out: nothing may fail uncaught (the failure's timing would decide what else ran). */
  inParallel: boolean;
}

const MAX_DEPTH = 2;

export function scenarioArb(f: Features): fc.Arbitrary<Scenario> {
  const roots = fc.array(rootArb(f), { minLength: 1, maxLength: 3 });
  return roots.chain((rs) =>
    fc.record({ roots: fc.constant(rs), faults: faultsArb(f), end: endArb(f, rs.length) }),
  );
}

function rootArb(f: Features): fc.Arbitrary<RootSpec> {
  return fc
    .record({
      program: programArb(f, { depth: 0, gen: 0, canRaise: f.events, inParallel: false }),
      gates: f.gates ? fc.array(gateArb(f), { maxLength: 2 }) : fc.constant<{ op: GateOp; hold?: Program }[]>([]),
      positions: fc.array(fc.nat(), { maxLength: 2 }),
    })
    .map(({ program, gates, positions }) => {
      const gen0 = [...(program.generations[0] ?? [])];
      const ops: GateOp[] = [];
      gates.forEach((g, n) => {
        gen0.splice((positions[n] ?? 0) % (gen0.length + 1), 0, { k: 'gate', n, hold: g.hold });
        ops.push(g.op);
      });
      return { program: { ...program, generations: [gen0, ...program.generations.slice(1)] }, ops };
    });
}

function gateArb(f: Features): fc.Arbitrary<{ op: GateOp; hold?: Program }> {
  const ops: fc.Arbitrary<GateOp>[] = [fc.constant({ op: 'pass' } as const)];
  if (f.suspendResume) ops.push(fc.constant({ op: 'suspendResume' } as const));
  if (f.doubleSuspend) ops.push(fc.constant({ op: 'doubleSuspend' } as const));
  if (f.terminate) ops.push(fc.record({ op: fc.constant('terminate' as const), recursive: fc.boolean(), suspendFirst: f.suspendResume ? fc.boolean() : fc.constant(false) }));
  return fc.record({
    op: fc.oneof(...ops),
    hold: f.holds && f.children ? fc.option(holdArb(f, 0), { nil: undefined }) : fc.constant(undefined),
  });
}

function holdArb(f: Features, level: number): fc.Arbitrary<Program> {
  return fc.record({
    generations: fc.array(stepArb(f, { depth: MAX_DEPTH, gen: 0, canRaise: false, inParallel: false }), { maxLength: 2 }).map((s) => [s]),
    hold: level < 1 ? fc.option(holdArb(f, level + 1), { nil: undefined }) : fc.constant(undefined),
  });
}

function programArb(f: Features, where: Where): fc.Arbitrary<Program> {
  const maxSteps = where.depth === 0 ? 4 : 2;
  const gens = f.continueAsNew ? fc.integer({ min: 1, max: where.depth === 0 ? 3 : 2 }) : fc.constant(1);
  return gens.chain((n) =>
    fc
      .tuple(...Array.from({ length: n }, (_, gen) => fc.array(stepArb(f, { ...where, gen, canRaise: where.canRaise && gen === 0 }), { maxLength: maxSteps })))
      .map((generations) => ({ generations })),
  );
}

function stepArb(f: Features, where: Where): fc.Arbitrary<Step> {
  const options: fc.WeightedArbitrary<Step>[] = [{ weight: 6, arbitrary: activityArb(f, where) }];
  if (f.timers) options.push({ weight: 2, arbitrary: fc.record({ k: fc.constant('timer' as const), ms: fc.integer({ min: 1, max: 40 }) }) });
  if (f.events) options.push({ weight: 2, arbitrary: eventArb(where) });
  if (f.failures && !where.inParallel) options.push({ weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const), marker: fc.constantFrom('boom', 'bang') }) });
  if (where.depth < MAX_DEPTH) {
    const deeper = { ...where, depth: where.depth + 1 };
    if (f.parallel) {
      options.push({
        weight: 2,
        arbitrary: fc.record({
          k: fc.constant('parallel' as const),
          branches: fc.array(fc.array(stepArb(f, { ...deeper, inParallel: true }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
        }),
      });
    }
    if (f.children) options.push({ weight: 2, arbitrary: childArb(f, where) });
    if (f.detached) options.push({ weight: 1, arbitrary: detachedArb(f, where) });
  }
  return fc.oneof(...options);
}

function activityArb(f: Features, where: Where): fc.Arbitrary<Step> {
  return fc
    .record({
      value: fc.integer({ min: 0, max: 99 }),
      failures: f.failures ? fc.constantFrom(0, 0, 0, 1, 2) : fc.constant(0),
      maxAttempts: f.failures ? fc.constantFrom(1, 2, 3) : fc.constant(1),
      catch: fc.boolean(),
      delayMs: fc.constantFrom(0, 0, 1, 5, 15),
      stall: f.lostLease ? fc.boolean() : fc.constant(false),
    })
    .map((a) => ({ k: 'activity' as const, ...a, catch: a.catch || where.inParallel }));
}

function eventArb(where: Where): fc.Arbitrary<Step> {
  return fc
    .record({ count: fc.integer({ min: 1, max: 2 }), raised: where.canRaise ? fc.boolean() : fc.constant(false), timeout: fc.constantFrom('none', 'long') })
    .map((e) => ({ k: 'event' as const, count: e.count, raised: e.raised, timeout: e.raised ? e.timeout : ('short' as const) }));
}

function idModes(f: Features, where: Where, kind: 'child' | 'detached'): IdMode[] {
  const modes: IdMode[] = ['explicit'];
  if (where.gen === 0 || f.defaultIdsAcrossGenerations) modes.push('default');
  if (kind === 'child' && f.refusedChild) modes.push('taken');
  if (kind === 'child' && f.selfChild) modes.push('self');
  if (kind === 'detached' && f.selfSpawn) modes.push('self');
  return modes;
}

function childArb(f: Features, where: Where): fc.Arbitrary<Step> {
  return fc.constantFrom(...idModes(f, where, 'child')).chain((idMode) =>
    fc.record({
      k: fc.constant('child' as const),
      idMode: fc.constant(idMode),
      program: programArb(f, { depth: where.depth + 1, gen: 0, canRaise: f.events && idMode === 'explicit', inParallel: false }),
      // A refused child always fails: catching it keeps the rest of the program running.
      catch: where.inParallel || idMode === 'taken' || idMode === 'self' ? fc.constant(true) : fc.boolean(),
    }),
  );
}

function detachedArb(f: Features, where: Where): fc.Arbitrary<Step> {
  return fc.record({
    k: fc.constant('detached' as const),
    idMode: fc.constantFrom(...idModes(f, where, 'detached')),
    program: programArb(f, { depth: where.depth + 1, gen: 0, canRaise: false, inParallel: false }),
  });
}

function faultsArb(f: Features): fc.Arbitrary<Faults> {
  return fc.record({
    twoWorkers: f.twoWorkers ? fc.boolean() : fc.constant(false),
    crashes: f.crash ? fc.array(fc.record({ afterCalls: fc.integer({ min: 1, max: 40 }), afterCommit: fc.boolean() }), { maxLength: 3 }) : fc.constant([]),
    lostLease: f.lostLease ? fc.boolean() : fc.constant(false),
    duplicatePerMille: f.duplicateDelivery ? fc.constantFrom(0, 300, 1000) : fc.constant(0),
  });
}

const TERMINAL: RuntimeStatus[] = ['COMPLETED', 'FAILED', 'TERMINATED'];

function endArb(f: Features, roots: number): fc.Arbitrary<EndOps> {
  const root = fc.nat({ max: roots - 1 });
  return fc.record({
    pageSize: fc.integer({ min: 1, max: 7 }),
    purges: f.purge ? fc.array(fc.record({ root, recursive: fc.boolean() }), { maxLength: 2 }) : fc.constant([]),
    filter: f.filterPurge
      ? fc.option(fc.record({ statuses: fc.subarray(TERMINAL, { minLength: 1 }), recursive: fc.boolean() }), { nil: undefined })
      : fc.constant(undefined),
    replace: f.replaceTerminal
      ? fc.array(fc.record({ root, program: programArb({ ...f, children: false, detached: false }, { depth: 1, gen: 0, canRaise: false, inParallel: false }) }), { maxLength: 1 })
      : fc.constant([]),
  });
}
