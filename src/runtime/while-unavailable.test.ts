import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseLostError, UnavailableError } from '../errors.js';
import { isUnavailable, retryWhileUnavailable } from './while-unavailable.js';

function failing(times: number, error: Error): { write: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    write: async () => {
      calls++;
      if (calls <= times) throw error;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('retryWhileUnavailable', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it('tries again while the backend is unreachable and the lease holds', async () => {
    const c = clock();
    const f = failing(4, Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const waits: number[] = [];
    const result = await retryWhileUnavailable(f.write, { ...c, until: () => new Date(60_000), onRetry: () => waits.push(c.now()) });
    assert.equal(result, 'done');
    assert.equal(f.calls(), 5);
    assert.deepEqual(waits, [0, 50, 150, 350]);
  });

  it('gives up when the lease ends, with the last error', async () => {
    const c = clock();
    const error = new Error('Connection terminated unexpectedly');
    const f = failing(1000, error);
    await assert.rejects(retryWhileUnavailable(f.write, { ...c, until: () => new Date(5000) }), (e) => e === error);
    assert.ok(c.now() < 5000);
    assert.ok(f.calls() > 3);
  });

  it('throws any other error at once', async () => {
    const c = clock();
    const f = failing(1, new LeaseLostError('workflow x'));
    await assert.rejects(retryWhileUnavailable(f.write, { ...c, until: () => new Date(60_000) }), LeaseLostError);
    assert.equal(f.calls(), 1);
  });

  it('classifies connection errors, not statement errors', () => {
    assert.ok(isUnavailable(new UnavailableError('down')));
    assert.ok(isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
    assert.ok(isUnavailable(Object.assign(new Error('connection failure'), { code: '08006' })));
    assert.ok(!isUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })));
    assert.ok(!isUnavailable(new Error('SQLITE_CONSTRAINT')));
    assert.ok(!isUnavailable('ECONNREFUSED'));
  });
});
