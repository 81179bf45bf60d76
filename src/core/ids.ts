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

/** Default child instance ID: "<parent>:<4 hex digits of the action id>", as the protocol's engines do. */
export function defaultChildInstanceId(parentInstanceId: string, actionId: number): string {
  return `${parentInstanceId}:${(0x10000 + actionId).toString(16).slice(-4)}`;
}

/** Default detached instance ID: "<caller>-<n>", n counting default-ID spawns of this execution from 0. */
export function defaultDetachedInstanceId(callerInstanceId: string, n: number): string {
  return `${callerInstanceId}-${n}`;
}
