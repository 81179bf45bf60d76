// The client side of a run while it is live: raises each root's up-front events and, at each gate, applies the
// gate's operation once the root is blocked there (custom status `gate:<n>`), so the model knows exactly where
// in the program the operation lands.
import { decodePayload } from '../../src/core/payload.js';
import { isTerminalStatus, type RuntimeStatus } from '../../src/protocol/status.js';
import type { Client } from '../../src/runtime/client.js';
import type { RootSpec } from './arbitraries.js';
import { holdId, raisedEvents } from './interpreter.js';
import { RELEASE_EVENT, terminateOutput, type Step } from './program.js';

export class StuckError extends Error {}

export interface DriveOptions {
  client: Client;
  deadline: number;
  /** Non-recursive terminates leave their held child blocked; with this the release waits for the caller. */
  deferReleases: boolean;
  /** Held children to release later (when deferReleases). */
  deferred: string[];
  problems: string[];
}

export async function raiseUpFront(client: Client, rootId: string, spec: RootSpec): Promise<void> {
  for (const e of raisedEvents(spec.program)) await client.raiseEvent(rootId, e.name, e.value);
}

export async function driveRoot(rootId: string, spec: RootSpec, o: DriveOptions): Promise<void> {
  const gates = (spec.program.generations[0] ?? []).filter((s): s is Extract<Step, { k: 'gate' }> => s.k === 'gate');
  for (const gate of gates) {
    if (!(await reachGate(o, rootId, gate.n))) return;
    const op = spec.ops[gate.n] ?? { op: 'pass' };
    const { client } = o;
    const pass = () => client.raiseEvent(rootId, `gate-${gate.n}`, 'go');
    switch (op.op) {
      case 'pass':
        await pass();
        break;
      case 'suspendResume':
      case 'doubleSuspend':
        await client.suspendWorkflow(rootId, 'sim');
        if (op.op === 'doubleSuspend') await client.suspendWorkflow(rootId, 'sim again');
        await waitStatus(o, rootId, (s) => s === 'SUSPENDED', 'SUSPENDED');
        await pass(); // raised while suspended: buffered until resume
        await client.resumeWorkflow(rootId, 'sim');
        break;
      case 'terminate':
        if (op.suspendFirst) {
          await client.suspendWorkflow(rootId, 'sim');
          await waitStatus(o, rootId, (s) => s === 'SUSPENDED', 'SUSPENDED');
        }
        await client.terminateWorkflow(rootId, { output: terminateOutput(rootId, gate.n), recursive: op.recursive });
        await waitStatus(o, rootId, isTerminalStatus, 'terminal');
        if (gate.hold && !op.recursive) {
          const held = holdId(rootId, gate.n);
          if (o.deferReleases) o.deferred.push(held);
          else await client.raiseEvent(held, RELEASE_EVENT, 'release');
        }
        return;
    }
  }
}

/** Waits until the root blocks at gate n; false when it finished first (the model will say whether it should). */
async function reachGate(o: DriveOptions, rootId: string, n: number): Promise<boolean> {
  for (;;) {
    const m = await o.client.getWorkflowState(rootId);
    if (m && m.customStatus === `gate:${n}` && m.runtimeStatus === 'RUNNING') return true;
    if (m && isTerminalStatus(m.runtimeStatus)) return false;
    if (Date.now() > o.deadline) throw new StuckError(`${rootId} never reached gate ${n} (status ${m?.runtimeStatus}, custom status ${JSON.stringify(m?.customStatus)})`);
    await sleep(5);
  }
}

async function waitStatus(o: DriveOptions, id: string, ok: (s: RuntimeStatus) => boolean, what: string): Promise<void> {
  for (;;) {
    const m = await o.client.getWorkflowState(id, { includePayloads: false });
    if (m && ok(m.runtimeStatus)) return;
    if (Date.now() > o.deadline) throw new StuckError(`${id} never became ${what} (status ${m?.runtimeStatus})`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The origin recorded in an instance's input (undefined for an input that is not a SimInput). */
export function originOf(input: string | undefined): string | undefined {
  const value = decodePayload(input) as { origin?: unknown } | undefined;
  return typeof value?.origin === 'string' ? value.origin : undefined;
}
