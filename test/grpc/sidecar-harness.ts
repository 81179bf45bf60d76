// Test support for the sidecar: a sidecar on a MemoryBackend at a free port, quiet loggers, polling helpers.
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import type { Backend } from '../../src/backends/backend.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../../src/grpc/sidecar.js';
import { MemoryLogger } from '../support/harness.js';

export interface SidecarHarness {
  sidecar: Sidecar;
  backend: Backend;
  logger: MemoryLogger;
}

export async function startTestSidecar(options: Partial<SidecarOptions> = {}): Promise<SidecarHarness> {
  const backend = options.backend ?? new MemoryBackend();
  const logger = new MemoryLogger();
  const sidecar = await startSidecar({ backend, port: 0, logger, ...options });
  return { sidecar, backend, logger };
}

/** A logger for the SDKs (they log to the console by default). */
export const silentSdkLogger = { error() {}, warn() {}, info() {}, debug() {} };

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
