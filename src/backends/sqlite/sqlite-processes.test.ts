// Several processes on one file: each child creates instances and locks work while the others write,
// with a 1 ms busy_timeout so SQLITE_BUSY really happens and must be retried inside the backend.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from './sqlite-backend.js';

const CHILD = `
const [moduleUrl, path, prefix, count] = process.argv.slice(1);
const { SqliteBackend } = await import(moduleUrl);
const b = new SqliteBackend({ path, busyTimeoutMs: 1, groupCommit: false });
await b.init();
const lock = { lockedBy: prefix, leaseMs: 600000 };
const locked = [];
for (let i = 0; i < Number(count); i++) {
  const id = prefix + '-' + i;
  await b.createWorkflowInstance({ type: 'executionStarted', eventId: -1, timestamp: new Date(), name: 'wf', workflowInstance: { instanceId: id } });
  await b.addWorkflowEvent(id, { type: 'eventRaised', eventId: -1, timestamp: new Date(), name: 'go' });
  const item = await b.lockWorkflowWorkItem(lock);
  if (item) locked.push(item.instanceId);
}
for (let item = await b.lockWorkflowWorkItem(lock); item; item = await b.lockWorkflowWorkItem(lock)) locked.push(item.instanceId);
await b.close();
process.stdout.write(JSON.stringify(locked));
`;

function runChild(path: string, prefix: string, count: number): Promise<string[]> {
  const moduleUrl = new URL('./sqlite-backend.js', import.meta.url).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, moduleUrl, path, prefix, String(count)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`child ${prefix} exited ${code}: ${err}`))));
  });
}

describe('SqliteBackend shared by processes', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'durabletask-procs-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('processes initialising and writing one file at once never see a busy error nor share a work item', async () => {
    const path = join(dir, 'hub.sqlite');
    const perChild = 150;
    const results = await Promise.all(['p1', 'p2', 'p3'].map((prefix) => runChild(path, prefix, perChild)));
    const all = results.flat();
    assert.equal(all.length, 3 * perChild, 'every instance was locked exactly once');
    assert.equal(new Set(all).size, all.length);
    const b = new SqliteBackend({ path, mustExist: true });
    await b.init();
    const page = await b.listWorkflows({ pageSize: 1000 });
    assert.equal(page.instances.length, 3 * perChild);
    await b.close();
  });
});
