// The status badge: one colour per runtime status, the same everywhere on the page.
import type { RuntimeStatus } from '../../protocol/status.js';

export const STATUSES: RuntimeStatus[] = ['RUNNING', 'PENDING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED', 'CONTINUED_AS_NEW', 'STALLED'];

export function StatusBadge({ status }: { status?: string }) {
  if (!status) return <span class="badge s-UNKNOWN">unknown</span>;
  return <span class={`badge s-${status}`} data-status={status}>{status.replace(/_/g, ' ').toLowerCase()}</span>;
}

export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);
