// Runtime status of a workflow instance. String literals here; the enum numbers live at the wire.

export const RUNTIME_STATUSES = [
  'RUNNING',
  'COMPLETED',
  'CONTINUED_AS_NEW',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'PENDING',
  'SUSPENDED',
  'STALLED',
] as const;

export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);

/** Terminal statuses end waits for completion and make an instance purgeable or replaceable. */
export function isTerminalStatus(status: RuntimeStatus): boolean {
  return TERMINAL.has(status);
}

export function isRuntimeStatus(value: unknown): value is RuntimeStatus {
  return typeof value === 'string' && (RUNTIME_STATUSES as readonly string[]).includes(value);
}
