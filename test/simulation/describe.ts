// Scenarios as short readable lines, for failure reports (a shrunk scenario should read at a glance).
import type { Scenario } from './arbitraries.js';
import type { GateOp } from './model.js';
import type { Program, Step } from './program.js';

export function describeScenario(s: Scenario): string[] {
  const lines: string[] = [];
  s.roots.forEach((r, i) => {
    lines.push(`r${i}: ${describeProgram(r.program)}`);
    if (r.ops.length > 0) lines.push(`  gates: ${r.ops.map((op, n) => `${n}=${describeOp(op)}`).join(' ')}`);
  });
  const f = s.faults;
  lines.push(
    `faults: workers ${f.twoWorkers ? 2 : 1}, crashes [${f.crashes.map((c) => `${c.afterCalls}${c.afterCommit ? '+' : ''}`).join(' ')}], ` +
      `lost lease ${f.lostLease}, duplicates ${f.duplicatePerMille}/1000`,
  );
  const e = s.end;
  lines.push(
    `end: page ${e.pageSize}; purges [${e.purges.map((p) => `r${p.root}${p.recursive ? ' rec' : ''}`).join(', ')}]` +
      `${e.filter ? `; filter [${e.filter.statuses.join(',')}]${e.filter.recursive ? ' rec' : ''}` : ''}` +
      `${e.replace.length ? `; replace ${e.replace.map((r) => `r${r.root} with ${describeProgram(r.program)}`).join(', ')}` : ''}`,
  );
  return lines;
}

export function describeProgram(p: Program): string {
  const gens = p.generations.map((g) => `[${g.map(describeStep).join(', ')}]`).join(' => ');
  return p.hold ? `hold(${describeProgram(p.hold)}) ${gens}` : gens;
}

function describeStep(s: Step): string {
  switch (s.k) {
    case 'activity':
      return `act(${s.value}${s.failures ? ` fail${s.failures}/${s.maxAttempts}` : ''}${s.catch ? ' catch' : ''}${s.delayMs ? ` ${s.delayMs}ms` : ''}${s.stall ? ' stall' : ''})`;
    case 'timer':
      return `timer(${s.ms})`;
    case 'parallel':
      return `all(${s.branches.map((b) => `[${b.map(describeStep).join(', ')}]`).join(' | ')})`;
    case 'event':
      return `event(x${s.count}${s.raised ? ' raised' : ''} ${s.timeout})`;
    case 'child':
      return `child:${s.idMode}${s.catch ? ' catch' : ''}(${describeProgram(s.program)})`;
    case 'detached':
      return `detached:${s.idMode}(${describeProgram(s.program)})`;
    case 'fail':
      return `fail(${s.marker})`;
    case 'gate':
      return `gate${s.n}${s.hold ? `+hold(${describeProgram(s.hold)})` : ''}`;
  }
}

function describeOp(op: GateOp): string {
  if (op.op === 'terminate') return `terminate${op.recursive ? ' rec' : ''}${op.suspendFirst ? ' suspended' : ''}`;
  return op.op;
}
