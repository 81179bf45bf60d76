// A PostgreSQL outage of a second or two (every connection cut, new ones refused, as a restart looks to a
// client) in the middle of a workflow: the activity's completion fails while the database is away and is
// tried again as soon as it answers, so the workflow finishes in about the outage's time, not after the
// 60 s lease, and the activity runs once.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { Client } from '../../src/runtime/client.js';
import { Worker } from '../../src/runtime/worker.js';
import type { ActivityContext } from '../../src/sdk/activity-context.js';
import type { WorkflowContext } from '../../src/sdk/workflow-context.js';
import { MemoryLogger } from '../support/harness.js';
import { TestSchemas, testPgUrl } from '../support/postgres.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const OUTAGE_MS = 1500;
const schemas = new TestSchemas();
after(() => schemas.dropAll());

describe('PostgreSQL outage', () => {
  it('a completion that fails while the database is away is retried once it answers, within the lease', async () => {
    const target = new URL(testPgUrl());
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(testPgUrl());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const schema = schemas.create();
    const workerBackend = new PostgresBackend({ connectionString: proxied.toString(), schema, poolSize: 4, onError: () => undefined });
    const clientBackend = new PostgresBackend({ connectionString: testPgUrl(), schema, poolSize: 2 });
    await workerBackend.init();
    await clientBackend.init();
    let runs = 0;
    const outage = async (_ctx: ActivityContext) => {
      runs++;
      if (runs === 1) {
        proxy.takeDown();
        setTimeout(() => proxy.up(), OUTAGE_MS);
      }
      return 'survived';
    };
    const outageWorkflow = async (ctx: WorkflowContext) => await ctx.callActivity(outage);
    const logger = new MemoryLogger();
    const worker = new Worker({ backend: workerBackend, workflows: [outageWorkflow], activities: [outage], logger, leaseMs: 60_000, maxPollMs: 100 });
    const client = new Client({ backend: clientBackend });
    await worker.start();
    try {
      const started = Date.now();
      await client.scheduleNewWorkflow(outageWorkflow, { instanceId: 'outage-1' });
      const done = await client.waitForWorkflowCompletion('outage-1', { timeoutMs: 20_000 });
      assert.equal(done.runtimeStatus, 'COMPLETED');
      assert.equal(done.output, 'survived');
      assert.equal(runs, 1, 'the activity ran again: its completion was abandoned instead of retried');
      assert.ok(Date.now() - started >= OUTAGE_MS, 'the outage did not delay the completion: the test did not cut anything');
      assert.ok(logger.entries.some((e) => e.msg === 'backend unavailable; retrying the activity completion'), 'no retry was logged');
    } finally {
      await worker.stop(500);
      await workerBackend.close();
      await clientBackend.close();
      await proxy.close();
    }
  });
});
