// Deterministic identifiers. Anything a workflow derives during replay must come out the same every time,
// so it is a name-based UUID (RFC 9562 version 5) of inputs taken from history, never a random one.
import { createHash } from 'node:crypto';

// A fixed namespace for durabletask-ts name-based UUIDs.
const NAMESPACE = Buffer.from('9e1c7d32a4b54f0e8c2a6b0d4f5e3a71', 'hex');

export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// Sequence numbers and the spawn counter restart in every continue-as-new generation, so a later generation
// adds its number ("g" marks it, so it never reads as one more step of the ID): a generation never reuses the
// default ID of an earlier one, whose instance would be replaced (finished) or refused (running).

/**
 * Default child instance ID: "<parent>:<4 hex digits of the action id>", as the protocol's engines do, in
 * the first generation; "<parent>:g<generation>:<4 hex digits>" in each one continue-as-new started.
 */
export function defaultChildInstanceId(parentInstanceId: string, actionId: number, generation = 0): string {
  const hex = (0x10000 + actionId).toString(16).slice(-4);
  return generation === 0 ? `${parentInstanceId}:${hex}` : `${parentInstanceId}:g${generation}:${hex}`;
}

/**
 * Default detached instance ID: "<caller>-<n>", n counting default-ID spawns of this execution from 0, in
 * the first generation; "<caller>-g<generation>-<n>" in each one continue-as-new started.
 */
export function defaultDetachedInstanceId(callerInstanceId: string, n: number, generation = 0): string {
  return generation === 0 ? `${callerInstanceId}-${n}` : `${callerInstanceId}-g${generation}-${n}`;
}
