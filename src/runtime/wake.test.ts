import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../backends/backend.js';
import { Wake } from './wake.js';

const noSignals = { subscribe: () => () => undefined } as unknown as Backend;
const DAY_MS = 24 * 3600 * 1000;

describe('Wake.notifyAt', () => {
  it('a wake-up beyond setTimeout\'s 24.8-day limit neither warns nor wakes early', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const wake = new Wake(noSignals, 'workflowWork');
    try {
      wake.notifyAt(new Date(Date.now() + 30 * DAY_MS));
      const outcome = await Promise.race([
        wake.wait(60_000).then(() => 'woken'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 100)),
      ]);
      assert.equal(outcome, 'still waiting');
      assert.deepEqual(warnings.map((w) => w.name), []);
    } finally {
      process.off('warning', onWarning);
      wake.close();
    }
  });

  it('a near wake-up still wakes the loop', async () => {
    const wake = new Wake(noSignals, 'workflowWork');
    try {
      wake.notifyAt(new Date(Date.now() + 5));
      assert.equal(await Promise.race([wake.wait(60_000).then(() => 'woken'), new Promise((r) => setTimeout(() => r('timeout'), 5000))]), 'woken');
    } finally {
      wake.close();
    }
  });
});
