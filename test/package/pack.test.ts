// The published package: `npm pack` holds the runtime, its types, the protos and the README and nothing else,
// and the tarball, unpacked into an empty project, runs a workflow from ESM, from CommonJS (require of an ES
// module, Node.js >= 20.19) and from a CommonJS TypeScript project compiled with `module: node16`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// Inside the repository's dist/ so that the package's own dependencies resolve from the repository's
// node_modules, as they would from the project's own after `npm install`: the test needs no network.
const PROJECT = join(ROOT, 'dist', 'pack-project');
const PACKAGE = join(PROJECT, 'node_modules', 'durabletask-ts');

const WORKFLOW_ESM = `
const greet = async (_ctx, name) => 'Hello, ' + name;
async function hello(ctx, name) { return ctx.callActivity(greet, name); }
const backend = new MemoryBackend();
await backend.init();
const worker = new Worker({ backend, workflows: [hello], activities: [greet] });
await worker.start();
const client = new Client({ backend });
const id = await client.scheduleNewWorkflow(hello, { input: 'pack' });
console.log((await client.waitForWorkflowCompletion(id)).output);
await worker.stop();
await backend.close();
`;

let files: string[] = [];

function node(file: string): string {
  const r = spawnSync(process.execPath, [file], { cwd: PROJECT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `${file} failed:\n${r.stderr}`);
  return r.stdout.trim();
}

describe('the npm package', () => {
  before(() => {
    rmSync(PROJECT, { recursive: true, force: true });
    mkdirSync(PACKAGE, { recursive: true });
    const packDir = mkdtempSync(join(tmpdir(), 'dt-pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: ROOT, encoding: 'utf8' });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path);
    execFileSync('tar', ['-xzf', join(packDir, info!.filename), '-C', PACKAGE, '--strip-components=1']);
    rmSync(packDir, { recursive: true, force: true });
    writeFileSync(join(PROJECT, 'package.json'), JSON.stringify({ name: 'pack-project', private: true }));
  });
  after(() => rmSync(PROJECT, { recursive: true, force: true }));

  it('holds the runtime, its types, the dashboard page, the protos and the README, and nothing else', () => {
    const allowed = /^(dist\/src\/.+\.(js|d\.ts)|dist\/dashboard\/app\.(js|css)|proto\/[^/]+\.proto|proto\/README\.md|README\.md|LICENSE|package\.json)$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    assert.deepEqual(files.filter((f) => /\.test\.|^dist\/(test|bench|examples)\//.test(f)), []);
    for (const needed of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'proto/orchestrator_service.proto', 'README.md', 'dist/dashboard/app.js', 'dist/dashboard/app.css']) {
      assert.ok(files.includes(needed), `the package ships ${needed}`);
    }
  });

  it('runs a workflow from an ES module', () => {
    writeFileSync(join(PROJECT, 'app.mjs'), `import { Client, MemoryBackend, Worker } from 'durabletask-ts';\n${WORKFLOW_ESM}`);
    assert.equal(node('app.mjs'), 'Hello, pack');
  });

  it('exports durabletask-ts/testing: a one-day timer finishes on virtual time', () => {
    writeFileSync(
      join(PROJECT, 'testing.mjs'),
      `import { TestWorkflowEnvironment } from 'durabletask-ts/testing';
async function nap(ctx) { await ctx.createTimer(86400000); return 'rested'; }
const env = await TestWorkflowEnvironment.create({ workflows: [nap] });
console.log((await env.run(nap)).output);
await env.close();
`,
    );
    assert.equal(node('testing.mjs'), 'rested');
  });

  it('runs a workflow from CommonJS with require()', () => {
    writeFileSync(join(PROJECT, 'app.cjs'), `const { Client, MemoryBackend, Worker } = require('durabletask-ts');\n(async () => {${WORKFLOW_ESM}})();\n`);
    assert.equal(node('app.cjs'), 'Hello, pack');
  });

  it('type-checks and runs in a CommonJS TypeScript project with module node16', () => {
    const dir = join(PROJECT, 'cjs-ts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, outDir: 'out', types: [] }, include: ['app.ts'] }),
    );
    writeFileSync(
      join(dir, 'app.ts'),
      `import type { ActivityContext, WorkflowContext } from 'durabletask-ts' with { 'resolution-mode': 'import' };
const greet = async (_ctx: ActivityContext, name: string) => 'Hello, ' + name;
async function hello(ctx: WorkflowContext, name: string): Promise<string> { return ctx.callActivity(greet, name); }
async function main(): Promise<void> {
  const { Client, MemoryBackend, Worker } = await import('durabletask-ts');
  const backend = new MemoryBackend();
  await backend.init();
  const worker = new Worker({ backend, workflows: [hello], activities: [greet] });
  await worker.start();
  const client = new Client({ backend });
  const id = await client.scheduleNewWorkflow(hello, { input: 'node16' });
  const state = await client.waitForWorkflowCompletion(id);
  console.log(state.output);
  await worker.stop();
  await backend.close();
}
void main();
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, `tsc failed:\n${compiled.stdout}${compiled.stderr}`);
    assert.equal(node(join('cjs-ts', 'out', 'app.js')), 'Hello, node16');
    // The CommonJS output really is CommonJS (no import statement), loading the ES module at run time.
    assert.doesNotMatch(readFileSync(join(dir, 'out', 'app.js'), 'utf8'), /^import /m);
  });
});
