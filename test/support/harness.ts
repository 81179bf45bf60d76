// End-to-end test harness: a MemoryBackend with a Worker and a Client on it, stopped together.
// Logs are kept in memory (tests may assert on them) instead of going to stderr.
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import type { HistoryEvent } from '../../src/protocol/history.js';
import { Client } from '../../src/runtime/client.js';
import type { Logger } from '../../src/runtime/logger.js';
import { Worker, type WorkerOptions } from '../../src/runtime/worker.js';
import type { WorkflowState } from '../../src/runtime/workflow-state.js';
import type { WorkflowRef } from '../../src/sdk/types.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

/** A Logger that records every entry. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(obj: object, msg?: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
}

export interface HarnessOptions extends Omit<WorkerOptions, 'backend' | 'logger'> {
  /** Client's payload limit. @default the worker's maxPayloadBytes */
  clientMaxPayloadBytes?: number;
  /** Start the worker at once. @default true */
  start?: boolean;
}

export interface Harness {
  backend: MemoryBackend;
  worker: Worker;
  client: Client;
  logger: MemoryLogger;
  /** Schedules a workflow and waits for it to finish (5 s at most). */
  run<I>(workflow: WorkflowRef<I, unknown>, input?: I, instanceId?: string): Promise<WorkflowState>;
  /** Another worker on the same backend with the same workflows and activities unless given (stopped by stop()). */
  addWorker(options?: Omit<WorkerOptions, 'backend' | 'logger'>): Promise<Worker>;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { clientMaxPayloadBytes, start = true, ...workerOptions } = options;
  const backend = new MemoryBackend();
  await backend.init();
  const logger = new MemoryLogger();
  const workers: Worker[] = [];
  const newWorker = (o: Omit<WorkerOptions, 'backend' | 'logger'>) => {
    const w = new Worker({ minPollMs: 2, maxPollMs: 50, ...o, backend, logger });
    workers.push(w);
    return w;
  };
  const worker = newWorker(workerOptions);
  const client = new Client({ backend, maxPayloadBytes: clientMaxPayloadBytes ?? workerOptions.maxPayloadBytes });
  if (start) await worker.start();
  return {
    backend,
    worker,
    client,
    logger,
    async run(workflow, input, instanceId) {
      const id = await client.scheduleNewWorkflow(workflow, { input, instanceId });
      return client.waitForWorkflowCompletion(id, { timeoutMs: 5000 });
    },
    async addWorker(o = {}) {
      const w = newWorker({ ...workerOptions, ...o });
      await w.start();
      return w;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop(200)));
      await backend.close();
    },
  };
}

/** Event types of a history, in order: the shape most history assertions need. */
export function eventTypes(history: readonly HistoryEvent[]): string[] {
  return history.map((e) => e.type);
}

/** Event types without the WorkflowStarted markers (whose count depends on how turns were batched). */
export function eventTypesWithoutMarkers(history: readonly HistoryEvent[]): string[] {
  return eventTypes(history).filter((t) => t !== 'workflowStarted');
}

/** Resolves after ms (test code only: never inside a workflow). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until check() returns a truthy value or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(5);
  }
}
