// SqliteBackend: the shared conformance suite plus what only a file-backed SQLite store has: reopening,
// schema refusal, several connections on one file, and group commit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteBackend } from './sqlite-backend.js';
import { LOCK, instanceUpdate, startEvent, turn } from '../../../test/support/sqlite-events.js';
import { newEvent, type HistoryEvent, type TaskScheduledEvent } from '../../protocol/history.js';
import { encodeEvent } from '../../protocol/codec.js';
import { createVersion1 } from './schema.js';
import type { ActivityWorkItem, Backend } from '../backend.js';
import { backendConformanceSuite } from '../../../test/conformance/backend-suite.js';

backendConformanceSuite('SqliteBackend', async () => {
  const b = new SqliteBackend({ path: ':memory:' });
  await b.init();
  return b;
});

function task(i: number): TaskScheduledEvent {
  return newEvent('taskScheduled', new Date(), { eventId: i, name: 'act', taskExecutionId: `t${i}` });
}

function result(item: ActivityWorkItem) {
  return newEvent('taskCompleted', new Date(), { taskScheduledId: item.event.eventId, taskExecutionId: item.event.taskExecutionId });
}

/** Creates instance `id` with `tasks` activity tasks queued by its first turn. */
async function withTasks(b: Backend, id: string, tasks: number): Promise<void> {
  await b.createWorkflowInstance(startEvent(id));
  const item = (await b.lockWorkflowWorkItem(LOCK))!;
  const scheduled = Array.from({ length: tasks }, (_, i) => task(i));
  await b.completeWorkflowWorkItem(item, turn({ newHistory: [...item.newEvents, ...scheduled], instance: instanceUpdate(id, 'RUNNING'), activityTasks: scheduled }));
}

describe('SqliteBackend files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'durabletask-sqlite-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a reopened file keeps instances, history and queued tasks', async () => {
    const path = join(dir, 'reopen.sqlite');
    const first = new SqliteBackend({ path });
    await first.init();
    await withTasks(first, 'a', 2);
    await first.close();
    const second = new SqliteBackend({ path, mustExist: true });
    await second.init();
    assert.equal((await second.getWorkflowMetadata('a'))?.runtimeStatus, 'RUNNING');
    assert.deepEqual((await second.getWorkflowHistory('a')).map((e) => e.type), ['executionStarted', 'taskScheduled', 'taskScheduled']);
    assert.ok(await second.lockActivityWorkItem(LOCK));
    await second.close();
  });

  it('migrates a version 1 file: history, queued events and tasks survive and the instance runs on', async () => {
    const path = join(dir, 'v1.sqlite');
    const db = new Database(path);
    createVersion1(db);
    const start = startEvent('old');
    const scheduled = task(1);
    const row = (event: object) => encodeEvent(event as HistoryEvent);
    db.prepare(`INSERT INTO instances (instance_id, execution_id, name, runtime_status, created_at, last_updated_at, history_length, next_visible_at)
                VALUES ('old', 'e1', 'wf', 'RUNNING', 1, 1, 2, 5)`).run();
    db.prepare('INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)').run('old', 0, row(start));
    db.prepare('INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)').run('old', 1, row(scheduled));
    const done = newEvent('taskCompleted', new Date(), { taskScheduledId: 1, taskExecutionId: 't1', result: '"r"' });
    db.prepare(`INSERT INTO inbox (instance_id, visible_at, enqueued_at, event) VALUES ('old', 5, 5, ?)`).run(row(done));
    db.prepare(`INSERT INTO activity_tasks (instance_id, available_at, enqueued_at, event) VALUES ('old', 5, 5, ?)`).run(row(scheduled));
    db.close();

    const b = new SqliteBackend({ path });
    await b.init();
    const check = new Database(path, { readonly: true });
    assert.equal((check.prepare(`SELECT value FROM durabletask_meta WHERE key = 'schema_version'`).get() as { value: string }).value, '3');
    check.close();
    assert.deepEqual((await b.getWorkflowHistory('old')).map((e) => e.type), ['executionStarted', 'taskScheduled']);
    assert.deepEqual((await b.getWorkflowHistory('old', 1)).map((e) => e.type), ['taskScheduled']);
    // The migrated task and instance carry their names: a worker that serves them locks them, another does not.
    assert.equal(await b.lockActivityWorkItem({ ...LOCK, names: ['other'] }), undefined);
    assert.equal((await b.lockActivityWorkItem({ ...LOCK, names: [scheduled.name] }))?.event.taskExecutionId, 't1');
    assert.equal(await b.lockWorkflowWorkItem({ ...LOCK, names: ['other'] }), undefined);
    const item = (await b.lockWorkflowWorkItem({ ...LOCK, names: ['wf'] }))!;
    assert.deepEqual(item.newEvents, [done]);
    assert.equal(item.historyLength, 2);
    await b.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: instanceUpdate('old', 'COMPLETED') }));
    const history = await b.getWorkflowHistory('old');
    assert.deepEqual(history.map((e) => e.type), ['executionStarted', 'taskScheduled', 'taskCompleted']);
    assert.deepEqual(await b.getWorkflowHistory('old', 2), [done]);
    await b.close();
  });

  it('creates new files with the configured page size, keeps an existing file\'s own, and refuses a bad one', async () => {
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      const size = db.pragma('page_size', { simple: true }) as number;
      db.close();
      return size;
    };
    const path = join(dir, 'pages.sqlite');
    const first = new SqliteBackend({ path });
    await first.init();
    await first.close();
    assert.equal(pageSize(path), 1024);
    const second = new SqliteBackend({ path, pageSize: 4096 });
    await second.init();
    await second.close();
    assert.equal(pageSize(path), 1024);
    const big = join(dir, 'big-pages.sqlite');
    const third = new SqliteBackend({ path: big, pageSize: 8192 });
    await third.init();
    await third.close();
    assert.equal(pageSize(big), 8192);
    assert.throws(() => new SqliteBackend({ path, pageSize: 1000 }), /invalid pageSize: 1000 is not a power of two/);
  });

  it('refuses a database with a newer schema version, naming both versions', async () => {
    const path = join(dir, 'newer.sqlite');
    const b = new SqliteBackend({ path });
    await b.init();
    await b.close();
    const raw = new Database(path);
    raw.prepare(`UPDATE durabletask_meta SET value = '99' WHERE key = 'schema_version'`).run();
    raw.close();
    await assert.rejects(new SqliteBackend({ path }).init(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'FAILED_PRECONDITION');
      assert.match(e.message, /schema version 99/);
      assert.match(e.message, new RegExp(`schema version ${SqliteBackend.schemaVersion}\\b`));
      return true;
    });
  });

  it('refuses a SQLite file that is not a task hub, and a file that is not SQLite', async () => {
    const path = join(dir, 'other.sqlite');
    const raw = new Database(path);
    raw.exec('CREATE TABLE users (id INTEGER PRIMARY KEY)');
    raw.close();
    await assert.rejects(new SqliteBackend({ path }).init(), /not a durabletask task hub: it has tables \(users\)/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not a database at all, just some text that is long enough '.repeat(20));
    await assert.rejects(new SqliteBackend({ path: text }).init(), /is not a SQLite database/);
  });

  it('close() commits writes still queued; use before init() or after close() rejects', async () => {
    const path = join(dir, 'drain.sqlite');
    const b = new SqliteBackend({ path });
    await assert.rejects(b.getWorkflowMetadata('a'), { name: 'FailedPreconditionError' });
    await b.init();
    const pending = b.createWorkflowInstance(startEvent('a'));
    await b.close();
    await pending;
    await assert.rejects(b.addWorkflowEvent('a', startEvent('a')), /call init\(\) first/);
    const again = new SqliteBackend({ path });
    await again.init();
    assert.equal((await again.getWorkflowMetadata('a'))?.runtimeStatus, 'PENDING');
    await again.close();
  });

  it('refuses a database whose schema version is not a number', async () => {
    const path = join(dir, 'garbled.sqlite');
    const b = new SqliteBackend({ path });
    await b.init();
    await b.close();
    const raw = new Database(path);
    raw.prepare(`UPDATE durabletask_meta SET value = 'banana' WHERE key = 'schema_version'`).run();
    raw.close();
    await assert.rejects(new SqliteBackend({ path }).init(), /unknown durabletask schema version 'banana'/);
  });

  it('mustExist refuses a missing file and does not create it', async () => {
    const path = join(dir, 'missing.sqlite');
    await assert.rejects(new SqliteBackend({ path, mustExist: true }).init(), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'NOT_FOUND');
      assert.ok(e.message.includes(path));
      return true;
    });
    assert.equal(existsSync(path), false);
  });

  it('two backends on one file never lock the same work item', async () => {
    const path = join(dir, 'shared.sqlite');
    const [a, b] = [new SqliteBackend({ path }), new SqliteBackend({ path })];
    await Promise.all([a.init(), b.init()]);
    for (let i = 0; i < 150; i++) await a.createWorkflowInstance(startEvent(`i${i}`));
    await withTasks(b, 'fan', 150);
    const drain = async <T>(lock: () => Promise<T | undefined>): Promise<T[]> => {
      const got: T[] = [];
      for (let item = await lock(); item; item = await lock()) got.push(item);
      return got;
    };
    const wf = await Promise.all([a, b, a, b].map((x) => drain(() => x.lockWorkflowWorkItem(LOCK))));
    const wfIds = wf.flat().map((w) => w.instanceId);
    assert.equal(wfIds.length, 150);
    assert.equal(new Set(wfIds).size, 150);
    assert.ok(wf[0]!.length > 0 && wf[1]!.length > 0, 'both connections got work');
    const acts = await Promise.all([a, b, a, b].map((x) => drain(() => x.lockActivityWorkItem(LOCK))));
    const actIds = acts.flat().map((t) => t.id);
    assert.equal(actIds.length, 150);
    assert.equal(new Set(actIds).size, 150);
    await Promise.all([a.close(), b.close()]);
  });

  it('group commit writes many concurrent completions in a few transactions; a lost lease fails alone', async () => {
    const path = join(dir, 'group.sqlite');
    const b = new SqliteBackend({ path });
    await b.init();
    await withTasks(b, 'fan', 500);
    const items = await Promise.all(Array.from({ length: 500 }, () => b.lockActivityWorkItem(LOCK)));
    const locked = items.filter((x): x is ActivityWorkItem => x !== undefined);
    assert.equal(locked.length, 500);
    const forged = { ...locked[0]!, lockToken: 'not-the-token' };
    const before = b.commitCount;
    const outcomes = await Promise.allSettled([forged, ...locked].map((item) => b.completeActivityWorkItem(item, result(item))));
    const commits = b.commitCount - before;
    assert.equal(outcomes[0]!.status, 'rejected');
    assert.equal((outcomes[0] as PromiseRejectedResult).reason.name, 'LeaseLostError');
    assert.ok(outcomes.slice(1).every((o) => o.status === 'fulfilled'));
    assert.ok(commits <= 2, `500 completions took ${commits} transactions`);
    const wi = (await b.lockWorkflowWorkItem(LOCK))!;
    assert.equal(wi.newEvents.length, 500);
    assert.equal(new Set(wi.newEvents.map((e) => (e.type === 'taskCompleted' ? e.taskScheduledId : -1))).size, 500);
    await b.close();
  });

  it('locking stays fast with 10,000 queued tasks and 2,000 instances with work', async () => {
    const b = new SqliteBackend({ path: join(dir, 'big.sqlite'), synchronous: 'NORMAL' });
    await b.init();
    await withTasks(b, 'fan', 10_000);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => b.createWorkflowInstance(startEvent(`w${i}`))));
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      assert.ok(await b.lockActivityWorkItem(LOCK));
      assert.ok(await b.lockWorkflowWorkItem(LOCK));
    }
    const perLockMs = (performance.now() - t0) / 400;
    assert.ok(perLockMs < 5, `a lock took ${perLockMs.toFixed(2)} ms on average`);
    await b.close();
  });
});
