// A worker and a client on one backend for a scenario, plus a tracker that learns when instances finish
// from the backend's status signals (with a slow sweep as the fallback), so waiting costs no polling.
import type { Backend } from '../src/backends/backend.js';
import type { WorkflowMetadata } from '../src/protocol/metadata.js';
import { isTerminalStatus } from '../src/protocol/status.js';
import { Client } from '../src/runtime/client.js';
import type { Logger } from '../src/runtime/logger.js';
import { Worker, type WorkerOptions } from '../src/runtime/worker.js';

/** Counts warnings and errors and shows the first few on stderr: a benchmark that hides errors lies. */
export class BenchLogger implements Logger {
  warnings = 0;
  errors = 0;
  debug(): void {}
  info(): void {}
  warn(obj: object, msg?: string): void {
    if (this.warnings++ < 3) process.stderr.write(`  warn: ${msg ?? ''} ${safeJson(obj)}\n`);
  }
  error(obj: object, msg?: string): void {
    if (this.errors++ < 3) process.stderr.write(`  error: ${msg ?? ''} ${safeJson(obj)}\n`);
  }
}

function safeJson(obj: object): string {
  try {
    return JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v)).slice(0, 300);
  } catch {
    return '';
  }
}

export interface Engine {
  backend: Backend;
  worker: Worker;
  client: Client;
  logger: BenchLogger;
  tracker: CompletionTracker;
  stop(): Promise<void>;
}

export async function startEngine(backend: Backend, options: Omit<WorkerOptions, 'backend' | 'logger'>): Promise<Engine> {
  const logger = new BenchLogger();
  const worker = new Worker({ ...options, backend, logger });
  const client = new Client({ backend });
  const tracker = new CompletionTracker(backend);
  await worker.start();
  return {
    backend,
    worker,
    client,
    logger,
    tracker,
    stop: async () => {
      tracker.close();
      await worker.stop(2000);
    },
  };
}

interface Waiting {
  resolve: (m: WorkflowMetadata) => void;
  reject: (e: Error) => void;
}

export class CompletionTracker {
  private readonly waiting = new Map<string, Waiting>();
  private readonly checking = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly sweeper: NodeJS.Timeout;
  private sweepCursor = 0;

  constructor(private readonly backend: Backend) {
    this.unsubscribe = backend.subscribe((signal) => {
      if (signal.kind !== 'statusChanged' || !this.waiting.has(signal.instanceId)) return;
      if (signal.runtimeStatus === undefined || isTerminalStatus(signal.runtimeStatus)) this.check(signal.instanceId);
    });
    this.sweeper = setInterval(() => this.sweep(), 1000);
  }

  /** Resolves with the instance's metadata once it reaches a terminal status. */
  wait(instanceId: string): Promise<WorkflowMetadata> {
    return new Promise((resolve, reject) => {
      this.waiting.set(instanceId, { resolve, reject });
      this.check(instanceId);
    });
  }

  /** Waits for all of them, failing after timeoutMs with how many were still running. */
  async waitAll(instanceIds: readonly string[], timeoutMs: number): Promise<WorkflowMetadata[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${this.waiting.size} of ${instanceIds.length} still running`)), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(instanceIds.map((id) => this.wait(id))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.sweeper);
  }

  private check(instanceId: string): void {
    if (this.checking.has(instanceId)) return;
    this.checking.add(instanceId);
    this.backend
      .getWorkflowMetadata(instanceId)
      .then((m) => {
        const w = this.waiting.get(instanceId);
        if (w && m && isTerminalStatus(m.runtimeStatus)) {
          this.waiting.delete(instanceId);
          w.resolve(m);
        }
      })
      .catch((error: unknown) => {
        const w = this.waiting.get(instanceId);
        this.waiting.delete(instanceId);
        w?.reject(error as Error);
      })
      .finally(() => this.checking.delete(instanceId));
  }

  /** Signals can be missed (a NOTIFY lost on reconnect); look at a few waiting instances each second. */
  private sweep(): void {
    const ids = [...this.waiting.keys()];
    if (ids.length === 0) return;
    for (let i = 0; i < Math.min(50, ids.length); i++) this.check(ids[(this.sweepCursor + i) % ids.length]!);
    this.sweepCursor += 50;
  }
}

/** Fails loudly when a workflow did not complete as the scenario expects. */
export function expectCompleted(metadata: readonly WorkflowMetadata[], what: string): void {
  const bad = metadata.filter((m) => m.runtimeStatus !== 'COMPLETED');
  if (bad.length > 0) {
    const first = bad[0]!;
    throw new Error(`${what}: ${bad.length} workflows ended ${first.runtimeStatus}: ${first.failureDetails?.errorMessage ?? ''}`);
  }
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function elapsedMs(since: number): number {
  return performance.now() - since;
}
