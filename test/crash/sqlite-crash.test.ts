// Crash safety on SQLite: a worker process is SIGKILLed at random points several times while a few hundred
// workflows run (sequences, fan-outs, durable timers, child and detached workflows), restarted each time, and a
// last worker finishes the work. Every instance must complete with the exact output and an exact history.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/backends/sqlite/sqlite-backend.js';
import { Client } from '../../src/runtime/client.js';
import {
  killHard,
  liveInstances,
  randomBetween,
  readActivityLog,
  scheduleSpread,
  sleep,
  spawnWorker,
  stopWorker,
  summarizeActivityLog,
  waitUntilSettled,
  type WorkerProcess,
} from './crash-run.js';
import { crashPlan } from './crash-workflows.js';
import { verifyWorkload } from './history-verifier.js';

const ROOTS = 300;
const LEASE_MS = 1200;
const BUDGET_MS = 55_000;
/** Root starts are spread over this window so the chaos always meets running work. */
const SPREAD_MS = 6000;

describe('crash safety on SQLite', () => {
  it('SIGKILLed workers lose no result and duplicate no event', { timeout: BUDGET_MS + 10_000 }, async (t) => {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'durabletask-crash-'));
    const path = join(dir, 'hub.sqlite');
    const logFile = join(dir, 'activities.log');
    const backend = new SqliteBackend({ path });
    await backend.init();
    const spawned: WorkerProcess[] = [];
    t.after(async () => {
      await Promise.all(spawned.map(killHard));
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const client = new Client({ backend });
    const plan = crashPlan(ROOTS, 'sq');
    await scheduleSpread(client, plan, SPREAD_MS);

    const kills = randomBetween(4, 6);
    const killLog: string[] = [];
    for (let k = 0; k < kills; k++) {
      const worker = await spawnWorker(`sqlite:${path}`, logFile, LEASE_MS);
      spawned.push(worker);
      const waitMs = randomBetween(200, 800);
      await sleep(waitMs);
      await killHard(worker);
      const live = (await liveInstances(backend, 1000)).length;
      killLog.push(`kill ${k + 1} after ${waitMs} ms: ${readActivityLog(logFile).size} tasks run so far, ${live} roots+children live`);
      assert.ok(live > 0, `the workload finished before kill ${k + 1}: the kills must land mid-run`);
    }
    const chaosEnded = Date.now();
    const last = await spawnWorker(`sqlite:${path}`, logFile, LEASE_MS);
    spawned.push(last);
    await waitUntilSettled(backend, started + BUDGET_MS);
    const settled = Date.now();
    await stopWorker(last);
    assert.equal(last.child.exitCode, 0, `the last worker stops cleanly: ${last.stderr()}`);

    const verified = await verifyWorkload(backend, plan);
    assert.deepEqual(verified.problems.slice(0, 20), [], `${verified.problems.length} problems`);
    const summary = summarizeActivityLog(readActivityLog(logFile), verified.scheduledTasks);
    assert.deepEqual(summary.neverRun, [], 'every scheduled activity ran at least once');
    assert.deepEqual(summary.unknown, [], 'no activity ran that no history schedules');
    t.diagnostic(killLog.join('\n'));
    t.diagnostic(
      `${kills} kills; ${verified.checked} instances, ${verified.scheduledTasks.size} activities, ` +
        `${summary.executions} executions, ${summary.reExecuted} ran more than once; ` +
        `chaos ${chaosEnded - started} ms, settled ${settled - chaosEnded} ms after the last start, total ${Date.now() - started} ms`,
    );
  });
});
