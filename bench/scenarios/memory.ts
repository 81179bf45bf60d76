// Memory: N workflows blocked on an external event, then all resumed. Runs in a child process so the peak
// RSS is the worker's own; the worker's execution cache holds fewer entries than there are workflows, so
// most resumes must rebuild their execution from history, and every output is checked.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { progress } from '../engine.js';
import type { ScenarioRow } from '../result.js';
import type { Scenario } from './scenario.js';
import type { StoreSpec } from '../targets.js';

export interface MemoryChildArgs {
  spec: StoreSpec;
  count: number;
  cacheSize: number;
}

export const memory: Scenario = {
  name: 'memory',
  async run({ store, quick }) {
    const args: MemoryChildArgs = { spec: store.spec, count: quick ? 300 : 10_000, cacheSize: quick ? 100 : 1000 };
    progress(`  memory: ${args.count} workflows blocked on an event, cacheSize ${args.cacheSize}, in a child process`);
    const child = fileURLToPath(new URL('./memory-child.js', import.meta.url));
    return runChild(child, JSON.stringify(args));
  },
};

function runChild(script: string, arg: string): Promise<ScenarioRow[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, arg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exited with code ${code}`);
        resolve((JSON.parse(last) as { rows: ScenarioRow[] }).rows);
      } catch (error) {
        reject(new Error(`memory child process failed: ${(error as Error).message}; output: ${last.slice(0, 300)}`));
      }
    });
  });
}
