// `durabletask serve`: the real binary runs the gRPC sidecar on a new SQLite file, prints one
// "listening on" line, serves the Durable Task SDK client, and exits 0 on SIGTERM.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskHubGrpcClient } from '@microsoft/durabletask-js';
import { silentSdkLogger } from '../grpc/sidecar-harness.js';
import { cli, MAIN } from './cli-fixture.js';

interface Served {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function serve(db: string, ...args: string[]): Served {
  const child = spawn(process.execPath, [MAIN, '--db', db, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function listeningAddress(s: Served): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = /^listening on (\S+)\n/.exec(s.stdout());
    if (match) return match[1]!;
    if (s.child.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('durabletask serve', () => {
  let dir: string;
  let db: string;
  let server: Served;
  let address: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-cli-serve-'));
    db = join(dir, 'served.sqlite');
    server = serve(db, '--port', '0');
    address = await listeningAddress(server);
  });
  after(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the SQLite file and prints one "listening on" line', () => {
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.equal(existsSync(db), true);
    assert.equal(server.stdout(), `listening on ${address}\n`);
  });

  it('serves the Durable Task SDK client; the CLI sees the instance meanwhile', async () => {
    const client = new TaskHubGrpcClient({ hostAddress: address, logger: silentSdkLogger });
    try {
      assert.equal(await client.scheduleNewOrchestration('nightly', { day: 1 }, 'served-1'), 'served-1');
    } finally {
      await client.stop();
    }
    const r = cli(db, 'show', 'served-1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+nightly$/m);
    assert.match(r.stdout, /^Input:\s+\{"day":1\}$/m);
  });

  it('a taken port is one error line and exit code 1', async () => {
    const port = address.split(':')[1]!;
    const second = serve(db, '--port', port);
    assert.equal(await second.exited, 1);
    assert.match(second.stderr(), /^durabletask: cannot serve on 127\.0\.0\.1:\d+: [^\n]+\n$/);
    assert.equal(second.stdout(), '');
  });

  it('exits 0 on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    assert.equal(server.stdout(), `listening on ${address}\n`);
  });
});
