// A micro-measurement of the SQLite write path: activity completions committed per second on a real
// file, with synchronous FULL or NORMAL and group commit on or off, `concurrency` completions in flight.
// Run: node dist/bench/sqlite-commits.js [completions] [concurrency]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newEvent, type TaskScheduledEvent } from '../src/protocol/history.js';
import type { ActivityWorkItem } from '../src/backends/backend.js';
import { SqliteBackend } from '../src/backends/sqlite/sqlite-backend.js';

export interface CommitMeasurement {
  synchronous: 'FULL' | 'NORMAL';
  groupCommit: boolean;
  completions: number;
  concurrency: number;
  completionsPerSec: number;
  transactionsPerSec: number;
}

export async function measureCompletions(options: {
  synchronous: 'FULL' | 'NORMAL';
  groupCommit: boolean;
  completions: number;
  concurrency: number;
}): Promise<CommitMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'durabletask-measure-'));
  const backend = new SqliteBackend({ path: join(dir, 'hub.sqlite'), synchronous: options.synchronous, groupCommit: options.groupCommit });
  try {
    await backend.init();
    const items = await queueLockedTasks(backend, options.completions);
    const before = backend.commitCount;
    const start = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < items.length; i = next++) {
        const item = items[i]!;
        const done = newEvent('taskCompleted', new Date(), { taskScheduledId: item.event.eventId, taskExecutionId: item.event.taskExecutionId, result: '"ok"' });
        await backend.completeActivityWorkItem(item, done);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (performance.now() - start) / 1000;
    return {
      ...options,
      completionsPerSec: Math.round(options.completions / seconds),
      transactionsPerSec: Math.round((backend.commitCount - before) / seconds),
    };
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One instance whose first turn schedules `count` activities, all of them locked. */
async function queueLockedTasks(backend: SqliteBackend, count: number): Promise<ActivityWorkItem[]> {
  const lock = { lockedBy: 'measure', leaseMs: 600_000 };
  await backend.createWorkflowInstance(newEvent('executionStarted', new Date(), { name: 'fan', workflowInstance: { instanceId: 'fan', executionId: 'e' } }));
  const item = (await backend.lockWorkflowWorkItem(lock))!;
  const tasks: TaskScheduledEvent[] = Array.from({ length: count }, (_, i) =>
    newEvent('taskScheduled', new Date(), { eventId: i, name: 'act', input: '"x"', taskExecutionId: `t${i}` }),
  );
  await backend.completeWorkflowWorkItem(item, {
    newHistory: [...item.newEvents, ...tasks],
    continuedAsNew: false,
    instance: { runtimeStatus: 'RUNNING' },
    activityTasks: tasks,
    timers: [],
    messages: [],
  });
  const items = await Promise.all(tasks.map(() => backend.lockActivityWorkItem(lock)));
  return items.filter((x): x is ActivityWorkItem => x !== undefined);
}

async function main(): Promise<void> {
  const completions = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 64);
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    for (const groupCommit of [true, false]) {
      // fsync latency on shared machines is noisy: report the median of three runs.
      const runs: CommitMeasurement[] = [];
      for (let r = 0; r < 3; r++) runs.push(await measureCompletions({ synchronous, groupCommit, completions, concurrency }));
      const m = runs.sort((a, b) => a.completionsPerSec - b.completionsPerSec)[1]!;
      console.log(
        `synchronous=${m.synchronous.padEnd(6)} groupCommit=${String(m.groupCommit).padEnd(5)} ` +
          `${m.completionsPerSec} completions/s, ${m.transactionsPerSec} transactions/s ` +
          `(${m.completions} completions, ${m.concurrency} in flight)`,
      );
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
