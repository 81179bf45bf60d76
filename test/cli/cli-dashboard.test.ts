// `durabletask dashboard` and `serve --dashboard-port`: the real binary serves the dashboard over a task hub,
// prints one "dashboard on <url>" line, binds to loopback, honours --read-only, and exits 0 on SIGTERM.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fillTaskHub, IDS, MAIN } from './cli-fixture.js';

interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(db: string, ...args: string[]): Served {
  const child = spawn(process.execPath, [MAIN, '--db', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function dashboardUrl(s: Served): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /^dashboard on (http:\/\/\S+)/m.exec(s.stdout());
    if (match) return match[1]!;
    if (s.child.exitCode !== null || Date.now() > deadline) throw new Error(`the dashboard did not start: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('durabletask dashboard', () => {
  let dir: string;
  let db: string;
  const running: Served[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-dashboard-'));
    db = join(dir, 'hub.sqlite');
    await fillTaskHub(db);
  });
  after(() => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the task hub on loopback, acts on it, and exits 0 on SIGTERM', async () => {
    const s = start(db, 'dashboard', '--port', '0');
    running.push(s);
    const url = await dashboardUrl(s);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(s.stdout(), `dashboard on ${url}\n`);
    const page = (await (await fetch(`${url}/api/instances?pageSize=500`)).json()) as { instances: { instanceId: string }[] };
    assert.ok(page.instances.some((i) => i.instanceId === IDS.parent));
    assert.equal((await fetch(`${url}/`)).status, 200);
    const reply = await fetch(`${url}/api/instances/${IDS.waiting[0]}/raise`, { method: 'POST', body: JSON.stringify({ name: 'approved' }) });
    assert.equal(reply.status, 200);
    const refused = await fetch(`${url}/api/instances/${IDS.parent}/terminate`, { method: 'POST', body: '{}' });
    assert.equal(refused.status, 409);
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
  });

  it('--read-only refuses actions with 403', async () => {
    const s = start(db, 'dashboard', '--port', '0', '--read-only');
    running.push(s);
    const url = await dashboardUrl(s);
    assert.match(s.stdout(), /\(read-only\)/);
    const reply = await fetch(`${url}/api/instances/${IDS.waiting[1]}/terminate`, { method: 'POST', body: '{}' });
    assert.equal(reply.status, 403);
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
  });

  it('serve --dashboard-port serves it beside the sidecar', async () => {
    const s = start(join(dir, 'served.sqlite'), 'serve', '--port', '0', '--dashboard-port', '0');
    running.push(s);
    const url = await dashboardUrl(s);
    assert.match(s.stdout(), /^listening on 127\.0\.0\.1:\d+\ndashboard on http:\/\/127\.0\.0\.1:\d+\n$/);
    assert.deepEqual(await (await fetch(`${url}/api/counts`)).json(), { counts: {}, total: 0 });
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
  });

  it('a missing task hub is a database problem (exit 5), not a stack trace', () => {
    const r = cli(join(dir, 'missing.sqlite'), 'dashboard', '--port', '0');
    assert.equal(r.code, 5);
    assert.match(r.stderr, /^durabletask: .*missing\.sqlite/);
  });
});
