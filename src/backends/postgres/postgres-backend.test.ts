// PostgreSQL backend: the conformance cases on a fresh schema each, plus what only a shared database has:
// several backend objects on one schema, concurrent init, cross-object NOTIFY, and connection loss.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { backendConformanceSuite } from '../../../test/conformance/backend-suite.js';
import { adminQuery, TestSchemas, testPgUrl } from '../../../test/support/postgres.js';
import pg from 'pg';
import { migrate } from './migrations.js';
import { encodeEvent } from '../../protocol/codec.js';
import type { BackendSignal, InstanceUpdate, TurnResult } from '../backend.js';
import { DurableTaskError, LeaseLostError } from '../../errors.js';
import { newEvent, type ExecutionStartedEvent } from '../../protocol/history.js';
import { PostgresBackend, type PostgresBackendOptions } from './postgres-backend.js';

const schemas = new TestSchemas();
after(() => schemas.dropAll());
const LOCK = { lockedBy: 'pg-test,1,x', leaseMs: 30_000 };

function makeOn(schema: string, options: Partial<PostgresBackendOptions> = {}): PostgresBackend {
  return new PostgresBackend({ connectionString: testPgUrl(), schema, poolSize: 4, ...options });
}

async function makeBackend(): Promise<PostgresBackend> {
  const backend = makeOn(schemas.create());
  await backend.init();
  return backend;
}

function start(instanceId: string, fields: Partial<ExecutionStartedEvent> = {}): ExecutionStartedEvent {
  return newEvent('executionStarted', fields.timestamp ?? new Date(), { name: 'Wf', workflowInstance: { instanceId, executionId: `e-${instanceId}` }, ...fields });
}

function turn(fields: Partial<TurnResult> = {}): TurnResult {
  return { newHistory: [], continuedAsNew: false, activityTasks: [], timers: [], messages: [], ...fields };
}

function running(_id: string): InstanceUpdate {
  return { runtimeStatus: 'RUNNING' };
}

/** Resolves with the first signal matching `predicate`, or rejects after timeoutMs. */
function nextSignal(backend: PostgresBackend, predicate: (s: BackendSignal) => boolean, timeoutMs = 3000): Promise<BackendSignal> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no matching signal'));
    }, timeoutMs);
    const stop = backend.subscribe((signal) => {
      if (!predicate(signal)) return;
      clearTimeout(timer);
      stop();
      resolve(signal);
    });
  });
}

// Cases run one at a time: several use ~100 ms visibility windows that concurrency on a loaded machine breaks.
backendConformanceSuite('PostgresBackend conformance', makeBackend);

describe('PostgresBackend on a shared database', () => {
  it('two backend objects on one schema never lock the same work item', async () => {
    const schema = schemas.create();
    const [a, b] = [makeOn(schema), makeOn(schema)];
    await Promise.all([a.init(), b.init()]);
    try {
      for (let i = 0; i < 40; i++) await a.createWorkflowInstance(start(`wf-${i}`));
      const locked: string[] = [];
      const drain = async (backend: PostgresBackend): Promise<void> => {
        for (let item = await backend.lockWorkflowWorkItem(LOCK); item; item = await backend.lockWorkflowWorkItem(LOCK)) {
          locked.push(item.instanceId);
          const tasks = [newEvent('taskScheduled', new Date(), { eventId: 0, name: 'A', taskExecutionId: `t-${item.instanceId}` })];
          await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: running(item.instanceId), activityTasks: tasks }));
        }
      };
      await Promise.all([drain(a), drain(b), drain(a), drain(b), drain(a), drain(b)]);
      assert.equal(locked.length, 40);
      assert.equal(new Set(locked).size, 40);
      const tasks: string[] = [];
      const drainTasks = async (backend: PostgresBackend): Promise<void> => {
        for (let item = await backend.lockActivityWorkItem(LOCK); item; item = await backend.lockActivityWorkItem(LOCK)) {
          tasks.push(item.event.taskExecutionId);
        }
      };
      await Promise.all([drainTasks(a), drainTasks(b), drainTasks(a), drainTasks(b)]);
      assert.equal(tasks.length, 40);
      assert.equal(new Set(tasks).size, 40);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('migrates a version 1 schema: its NOTIFY triggers go, and wake-ups still reach other objects', async () => {
    const schema = schemas.create();
    const pool = new pg.Pool({ connectionString: testPgUrl(), max: 1 });
    try {
      await migrate(pool, schema, 1);
    } finally {
      await pool.end();
    }
    const triggers = () =>
      adminQuery(`SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = $1 AND NOT t.tgisinternal`, [schema]);
    assert.equal((await triggers()).length, 4);
    // A version 1 task hub with a start still queued and a raised event after it.
    await adminQuery(`INSERT INTO "${schema}".instances (instance_id, execution_id, name, runtime_status, created_at)
                      VALUES ('queued', 'e', 'Wf', 'PENDING', now())`);
    await adminQuery(`INSERT INTO "${schema}".inbox (instance_id, event) VALUES ('queued', $1), ('queued', $2)`, [
      encodeEvent(start('queued')),
      encodeEvent(newEvent('eventRaised', new Date(), { name: 'x' })),
    ]);
    const [writer, reader] = [makeOn(schema), makeOn(schema)];
    await Promise.all([writer.init(), reader.init()]);
    try {
      assert.deepEqual(await adminQuery(`SELECT version FROM "${schema}".schema_version`), [{ version: 3 }]);
      assert.deepEqual(await triggers(), []);
      assert.deepEqual(await adminQuery(`SELECT is_start FROM "${schema}".inbox ORDER BY seq`), [{ is_start: true }, { is_start: false }]);
      const queued = await reader.lockWorkflowWorkItem(LOCK);
      assert.deepEqual(queued?.newEvents.map((e) => e.type), ['executionStarted', 'eventRaised']);
      const status = nextSignal(reader, (s) => s.kind === 'statusChanged' && s.instanceId === 'wf-1' && s.runtimeStatus === 'PENDING');
      const work = nextSignal(reader, (s) => s.kind === 'workflowWork');
      await writer.createWorkflowInstance(start('wf-1'));
      await Promise.all([status, work]);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('init of 3 backends at once on one new schema succeeds, and a newer schema version is refused', async () => {
    const schema = schemas.create();
    const backends = [makeOn(schema), makeOn(schema), makeOn(schema)];
    try {
      await Promise.all(backends.map((backend) => backend.init()));
      const rows = await adminQuery<{ version: number }>(`SELECT version FROM "${schema}".schema_version`);
      assert.deepEqual(rows, [{ version: 3 }]);
      await backends[0]!.createWorkflowInstance(start('wf-1'));
      assert.equal((await backends[1]!.getWorkflowMetadata('wf-1'))?.runtimeStatus, 'PENDING');
      await adminQuery(`UPDATE "${schema}".schema_version SET version = 99`);
      const late = makeOn(schema);
      await assert.rejects(late.init(), (err: unknown) => {
        assert.ok(err instanceof DurableTaskError);
        assert.match(err.message, /version 99/);
        assert.match(err.message, /version 3 /);
        return true;
      });
      await late.close();
    } finally {
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });

  it('NOTIFY wakes a subscriber on another backend object', async () => {
    const schema = schemas.create();
    const [writer, reader] = [makeOn(schema), makeOn(schema)];
    await Promise.all([writer.init(), reader.init()]);
    try {
      const work = nextSignal(reader, (s) => s.kind === 'workflowWork');
      const status = nextSignal(reader, (s) => s.kind === 'statusChanged' && s.instanceId === 'wf-1');
      await writer.createWorkflowInstance(start('wf-1'));
      await Promise.all([work, status]);
      const item = await reader.lockWorkflowWorkItem(LOCK);
      assert.ok(item);
      const activity = nextSignal(writer, (s) => s.kind === 'activityWork');
      const changed = nextSignal(writer, (s) => s.kind === 'statusChanged' && s.instanceId === 'wf-1');
      const tasks = [newEvent('taskScheduled', new Date(), { eventId: 0, name: 'A', taskExecutionId: 't' })];
      await reader.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: running('wf-1'), activityTasks: tasks }));
      await Promise.all([activity, changed]);
      // A scheduled start is not work yet: no workflowWork signal until it is visible.
      const early = nextSignal(reader, (s) => s.kind === 'workflowWork', 300);
      await writer.createWorkflowInstance(start('later', { scheduledStartTimestamp: new Date(Date.now() + 60_000) }));
      await assert.rejects(early, /no matching signal/);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('with notify: false subscribers hear only this object, and others are not woken', async () => {
    const schema = schemas.create();
    const [quiet, listener] = [makeOn(schema, { notify: false }), makeOn(schema)];
    await Promise.all([quiet.init(), listener.init()]);
    try {
      const local = nextSignal(quiet, (s) => s.kind === 'workflowWork');
      const remote = nextSignal(listener, () => true, 300);
      await quiet.createWorkflowInstance(start('wf-1'));
      await local;
      await assert.rejects(remote, /no matching signal/);
    } finally {
      await Promise.all([quiet.close(), listener.close()]);
    }
  });

  it('keeps working after its connections are killed, and the listener resubscribes', async () => {
    const schema = schemas.create();
    const errors: Error[] = [];
    const backend = makeOn(schema, { onError: (err) => errors.push(err) });
    const other = makeOn(schema);
    await Promise.all([backend.init(), other.init()]);
    try {
      await backend.createWorkflowInstance(start('wf-0'));
      const killed = await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
        [backend.applicationName],
      );
      assert.ok(killed.length >= 2, 'the pool connection and the listener were killed');
      let failures = 0;
      for (let i = 1; i <= 5; i++) {
        try {
          await backend.createWorkflowInstance(start(`wf-${i}`));
        } catch {
          failures++;
        }
      }
      assert.ok(failures <= 1, `${failures} calls failed after the kill`);
      assert.ok((await backend.getWorkflowMetadata('wf-5')) !== undefined);
      for (let i = 0; i < 100 && backend.listenerConnects < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(backend.listenerConnects, 2);
      const woken = nextSignal(backend, (s) => s.kind === 'statusChanged' && s.instanceId === 'from-other');
      await other.createWorkflowInstance(start('from-other'));
      await woken;
      assert.ok(errors.length >= 1, 'connection errors are reported to onError, not thrown');
    } finally {
      await Promise.all([backend.close(), other.close()]);
    }
  });
  it('survives connections killed under load (no unhandled error events) and works afterwards', async () => {
    const backend = makeOn(schemas.create());
    await backend.init();
    try {
      let stop = false;
      const loops = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          try {
            await backend.createWorkflowInstance(start(`w${w}-${i}`), { reuse: 'replaceTerminal' });
            const item = await backend.lockWorkflowWorkItem(LOCK);
            if (item) await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: running(item.instanceId) }));
          } catch {
            // a call in flight when its connection dies fails; the next one gets a fresh connection
          }
        }
      });
      for (let kill = 0; kill < 3; kill++) {
        await new Promise((r) => setTimeout(r, 150));
        await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
          [backend.applicationName],
        );
      }
      stop = true;
      await Promise.all(loops);
      await backend.createWorkflowInstance(start('after')).catch(() => backend.createWorkflowInstance(start('after')));
      assert.equal((await backend.getWorkflowMetadata('after'))?.runtimeStatus, 'PENDING');
    } finally {
      await backend.close();
    }
  });
});

describe('PostgresBackend messages and queries', () => {
  it('start messages create children; a taken ID fails the child at its parent or warns the detached caller', async () => {
    const backend = await makeBackend();
    try {
      await backend.createWorkflowInstance(start('parent'));
      await backend.createWorkflowInstance(start('busy'));
      const item = await backend.lockWorkflowWorkItem(LOCK);
      assert.equal(item?.instanceId, 'parent');
      const child = (id: string, taskScheduledId: number) =>
        start(id, { parentInstance: { taskScheduledId, workflowInstance: { instanceId: 'parent' } } });
      await backend.completeWorkflowWorkItem(item, turn({
        newHistory: item.newEvents,
        instance: running('parent'),
        messages: [
          { targetInstanceId: 'child-1', event: child('child-1', 1) },
          { targetInstanceId: 'child-1', event: newEvent('eventRaised', new Date(), { name: 'hello' }) },
          { targetInstanceId: 'busy', event: child('busy', 2) },
          { targetInstanceId: 'busy', event: start('busy') },
          { targetInstanceId: 'nobody', event: newEvent('eventRaised', new Date(), { name: 'lost' }) },
        ],
      }));
      assert.equal((await backend.getWorkflowMetadata('child-1'))?.parentInstanceId, 'parent');
      assert.equal(await backend.getWorkflowMetadata('nobody'), undefined);
      const warnings = (await backend.getWorkflowMetadata('parent'))?.warnings ?? [];
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /busy/);
      const seen = new Map<string, string[]>();
      for (let next = await backend.lockWorkflowWorkItem(LOCK); next; next = await backend.lockWorkflowWorkItem(LOCK)) {
        seen.set(next.instanceId, next.newEvents.map((e) => e.type));
      }
      assert.deepEqual(seen.get('child-1'), ['executionStarted', 'eventRaised']);
      assert.deepEqual(seen.get('parent'), ['childWorkflowInstanceFailed']);
      assert.deepEqual(seen.get('busy'), ['executionStarted']);
    } finally {
      await backend.close();
    }
  });

  it('activity tasks: complete delivers the result once; a lost lease changes nothing', async () => {
    const backend = await makeBackend();
    try {
      await backend.createWorkflowInstance(start('wf'));
      const item = await backend.lockWorkflowWorkItem(LOCK);
      assert.ok(item);
      const scheduled = newEvent('taskScheduled', new Date(), { eventId: 0, name: 'A', taskExecutionId: 't0' });
      await backend.completeWorkflowWorkItem(item, turn({ newHistory: item.newEvents, instance: running('wf'), activityTasks: [scheduled] }));
      const stale = await backend.lockActivityWorkItem({ ...LOCK, leaseMs: 50 });
      assert.deepEqual(stale?.event, scheduled);
      await new Promise((r) => setTimeout(r, 80));
      const fresh = await backend.lockActivityWorkItem(LOCK);
      assert.equal(fresh?.retryCount, 1);
      const result = newEvent('taskCompleted', new Date(), { taskScheduledId: 0, result: '1', taskExecutionId: 't0' });
      await assert.rejects(backend.completeActivityWorkItem(stale!, result), LeaseLostError);
      await assert.rejects(backend.abandonActivityWorkItem(stale!), LeaseLostError);
      await backend.renewActivityWorkItem(fresh!, 60_000);
      await backend.completeActivityWorkItem(fresh!, result);
      await assert.rejects(backend.completeActivityWorkItem(fresh!, result), LeaseLostError);
      const next = await backend.lockWorkflowWorkItem(LOCK);
      assert.deepEqual(next?.newEvents, [result]);
      assert.equal(await backend.lockActivityWorkItem(LOCK), undefined);
    } finally {
      await backend.close();
    }
  });

  it('listWorkflows filters and pages by (createdAt, instanceId); purge removes terminal instances only', async () => {
    const backend = await makeBackend();
    try {
      const t0 = Date.UTC(2024, 0, 1);
      for (let i = 0; i < 7; i++) {
        await backend.createWorkflowInstance(start(`job-${i}`, { timestamp: new Date(t0 + (i % 3) * 1000), input: `${i}` }));
      }
      await backend.createWorkflowInstance(start('other', { name: 'Other', timestamp: new Date(t0) }));
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const page = await backend.listWorkflows({ instanceIdPrefix: 'job-', pageSize: 3, continuationToken: token });
        ids.push(...page.instances.map((m) => m.instanceId));
        assert.ok(page.instances.every((m) => m.input === undefined));
        token = page.continuationToken;
      } while (token);
      assert.deepEqual(ids, ['job-0', 'job-3', 'job-6', 'job-1', 'job-4', 'job-2', 'job-5']);
      const named = await backend.listWorkflows({ name: 'Other', includePayloads: true, createdTo: new Date(t0) });
      assert.deepEqual(named.instances.map((m) => m.instanceId), ['other']);
      const late = await backend.listWorkflows({ createdFrom: new Date(t0 + 2000), statuses: ['PENDING'] });
      assert.deepEqual(late.instances.map((m) => m.instanceId), ['job-2', 'job-5']);
      await assert.rejects(backend.listWorkflows({ continuationToken: 'garbage' }), DurableTaskError);
      await assert.rejects(backend.purgeWorkflow('job-0'), DurableTaskError);
      assert.equal(await backend.purgeWorkflow('missing'), false);
    } finally {
      await backend.close();
    }
  });

  it('listWorkflows takes the shared epoch-ms token, and still the ISO token an earlier version issued', async () => {
    const backend = await makeBackend();
    try {
      const t0 = new Date(Date.UTC(2024, 0, 1));
      for (const id of ['a', 'b', 'c']) await backend.createWorkflowInstance(start(id, { timestamp: t0 }));
      const first = await backend.listWorkflows({ pageSize: 1 });
      const [time] = JSON.parse(Buffer.from(first.continuationToken!, 'base64url').toString()) as [unknown];
      assert.equal(time, t0.getTime());
      const legacy = Buffer.from(JSON.stringify([t0.toISOString(), 'a'])).toString('base64url');
      assert.deepEqual((await backend.listWorkflows({ continuationToken: legacy })).instances.map((m) => m.instanceId), ['b', 'c']);
      await assert.rejects(backend.listWorkflows({ pageSize: 0 }), { name: 'InvalidArgumentError', message: /pageSize/ });
    } finally {
      await backend.close();
    }
  });
});
