// The README's code is real code: every ```ts block is the verbatim text of a file under examples/readme/
// (named by the `<!-- example: … -->` line above it), compiled by the build and run here to its end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testPgUrl, uniqueSchemaName, dropSchema } from '../support/postgres.js';
import { MAIN } from '../cli/cli-fixture.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const MARKER = /^<!-- example: (\S+) -->$/;

interface Block {
  line: number;
  file: string | undefined;
  text: string;
}

/** Every ```ts block of the README with the example file named on the line before it (if any). */
function tsBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `README line ${i + 1}: a ts block that never closes`);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    blocks.push({ line: i + 1, file: marker?.[1], text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Runs a compiled example in a fresh folder and resolves with its stdout once it exits 0 (it must exit by itself). */
function runExample(file: string, env: Record<string, string> = {}): Promise<string> {
  const compiled = join(ROOT, 'dist', file.replace(/\.ts$/, '.js'));
  const cwd = mkdtempSync(join(tmpdir(), 'dt-readme-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else reject(new Error(`${file} exited with ${code ?? signal} (it must finish by itself):\n${err}`));
    });
  });
}

function startSidecar(): Promise<{ child: ChildProcess; address: string; db: string }> {
  const db = join(mkdtempSync(join(tmpdir(), 'dt-readme-serve-')), 'hub.sqlite');
  const child = spawn(process.execPath, [MAIN, '--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /^listening on (\S+)\n/.exec(out);
      if (match) resolve({ child, address: match[1]!, db });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

describe('the README', () => {
  const blocks = tsBlocks(README);

  it('names an example file for every ts block, and each block is that file verbatim', () => {
    assert.ok(blocks.length >= 3, 'the README has its examples');
    for (const block of blocks) {
      assert.ok(block.file, `README line ${block.line}: a ts block without an <!-- example: … --> line above it`);
      const source = readFileSync(join(ROOT, block.file), 'utf8').replace(/\n$/, '');
      assert.equal(block.text, source, `README line ${block.line} differs from ${block.file}`);
    }
  });

  it('runs the 20-line example to its end on SQLite', async () => {
    const out = await runExample('examples/readme/hello.ts');
    assert.match(out, /runtimeStatus: 'COMPLETED'/);
    assert.match(out, /Hello, Lima!/);
  });

  it('runs the testing example test (node:test on virtual time) and all of it passes', () => {
    // A test file started from inside a test run would report to this runner instead of printing its results.
    const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
    const compiled = join(ROOT, 'dist', 'examples', 'readme', 'trial.test.js');
    const r = spawnSync(process.execPath, ['--test-reporter=tap', compiled], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^# pass 2$/m);
    assert.match(r.stdout, /^# fail 0$/m);
  });

  it('runs the PostgreSQL example to its end', async () => {
    const schema = uniqueSchemaName('dt_readme');
    try {
      const out = await runExample('examples/readme/postgres.ts', { DATABASE_URL: testPgUrl(), DURABLETASK_SCHEMA: schema });
      assert.equal(out.trim(), 'shipped order-7');
    } finally {
      await dropSchema(schema);
    }
  });

  it('runs the sidecar example with @microsoft/durabletask-js against durabletask serve', async () => {
    const sidecar = await startSidecar();
    try {
      const out = await runExample('examples/readme/sidecar-sdk.ts', { DURABLETASK_SIDECAR: sidecar.address });
      assert.match(out, /\["Hello, Tokyo!","Hello, Lima!"\]/);
    } finally {
      sidecar.child.kill('SIGTERM');
    }
  });
});
