import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../backends/backend.js';
import type { Logger } from './logger.js';
import { Wake } from './wake.js';
import { WorkLoop } from './work-loop.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noSignals = { subscribe: () => () => undefined } as unknown as Backend;

/** A loop over a queue of strings; resolves `processed` entries as items finish. */
function loopOver(queue: string[], concurrency: number) {
  const processed: string[] = [];
  let onProcessed: () => void = () => undefined;
  const wake = new Wake(noSignals, 'workflowWork');
  const loop = new WorkLoop<string>({
    name: 'test',
    concurrency,
    minPollMs: 1,
    maxPollMs: 5,
    wake,
    logger: silent,
    lock: async () => queue.shift(),
    process: async (item) => {
      processed.push(item);
      onProcessed();
    },
  });
  const next = () => new Promise<void>((resolve) => (onProcessed = resolve));
  return { loop, wake, processed, next };
}

describe('WorkLoop', { timeout: 5000 }, () => {
  it('a reservation handed back with nothing adopted frees its slots for the loop', async () => {
    const queue: string[] = [];
    const { loop, wake, processed, next } = loopOver(queue, 2);
    loop.start();
    // Every slot is promised to a hand-off; the loop waits for one to be freed.
    assert.equal(loop.reserve(2), 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The hand-off leased nothing (another worker held the lease): its slots come back.
    assert.deepEqual(loop.adopt([], 2), []);
    const done = next();
    queue.push('new start');
    await done;
    assert.deepEqual(processed, ['new start']);
    await loop.stop(100);
    wake.close();
  });
});
