// A work item's lease is renewed at half its length for as long as its work runs, by the worker and the sidecar alike.
import type { Logger } from './logger.js';

export async function withLeaseRenewal(leaseMs: number, logger: Logger, renew: () => Promise<void>, work: () => Promise<void>): Promise<void> {
  const every = Math.max(10, Math.floor(leaseMs / 2));
  const timer = setInterval(() => {
    renew().catch((error: unknown) => logger.warn({ err: error }, 'lease renewal failed'));
  }, every);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
}
