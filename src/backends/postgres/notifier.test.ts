// The NOTIFY payloads the listener understands, from this version's triggers and from version 1's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal } from './notifier.js';

describe('parseSignal', () => {
  it('reads work wake-ups and both forms of status change', () => {
    assert.deepEqual(parseSignal('w'), { kind: 'workflowWork' });
    assert.deepEqual(parseSignal('a'), { kind: 'activityWork' });
    assert.deepEqual(parseSignal('t:RUNNING:order-1'), { kind: 'statusChanged', instanceId: 'order-1', runtimeStatus: 'RUNNING' });
    assert.deepEqual(parseSignal('s:order-1'), { kind: 'statusChanged', instanceId: 'order-1' });
  });

  it('keeps colons of instance IDs and ignores what it does not know', () => {
    assert.deepEqual(parseSignal('t:COMPLETED:a:b:c'), { kind: 'statusChanged', instanceId: 'a:b:c', runtimeStatus: 'COMPLETED' });
    assert.deepEqual(parseSignal('s:a:b'), { kind: 'statusChanged', instanceId: 'a:b' });
    assert.equal(parseSignal('t:RUNNING'), undefined);
    assert.equal(parseSignal('x'), undefined);
    assert.equal(parseSignal(undefined), undefined);
  });
});
