// The benchmark runner end to end at its smallest sizes: every scenario runs on SQLite and the last stdout
// line is the machine-readable summary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS } from '../../bench/scenarios/index.js';

const MAIN = fileURLToPath(new URL('../../bench/main.js', import.meta.url));

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench --quick --backend sqlite --json', () => {
  it('runs every scenario and ends with one JSON line listing them all', { timeout: 30_000 }, async () => {
    const { code, stdout, stderr } = await runBench(['--quick', '--backend', 'sqlite', '--json'], 29_000);
    assert.equal(code, 0, `bench exited with ${code}:\n${stderr.slice(-2000)}`);
    const last = stdout.trimEnd().split('\n').pop()!;
    const summary = JSON.parse(last) as { scenarios: { name: string; backend: string; value: number; unit: string }[] };
    assert.ok(Array.isArray(summary.scenarios));
    for (const scenario of SCENARIOS) {
      const rows = summary.scenarios.filter((r) => r.name === scenario.name);
      assert.ok(rows.length > 0, `no row for scenario '${scenario.name}'`);
      for (const row of rows) {
        assert.equal(row.backend, 'sqlite');
        assert.ok(Number.isFinite(row.value) && row.value >= 0, `${row.name}: value ${row.value}`);
        assert.equal(typeof row.unit, 'string');
      }
    }
    const resumed = summary.scenarios.find((r) => r.name === 'memory' && r.unit === 'wf');
    assert.equal(resumed?.value, 300, 'every waiting workflow resumed correctly after cache eviction');
    assert.match(stdout, /scenario\s+metric\s+backend/, 'a readable table precedes the JSON line');
  });

  it('rejects an unknown scenario with a usage message', async () => {
    const { code, stderr } = await runBench(['--only', 'nope'], 10_000);
    assert.equal(code, 2);
    assert.match(stderr, /unknown scenario 'nope'/);
  });
});
