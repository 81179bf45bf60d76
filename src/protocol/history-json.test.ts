// The JSON form of histories: written in protocol field order, read back with Dates, bad input named by field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { exportedHistoryLine, historyToJson, parseHistories } from './history-json.js';
import { newEvent } from './history.js';

const t0 = new Date('2030-01-01T00:00:00Z');
const history = [
  newEvent('workflowStarted', t0, {}),
  newEvent('executionStarted', t0, { name: 'wf', workflowInstance: { instanceId: 'i-1', executionId: 'e' } }),
  newEvent('timerCreated', t0, { eventId: 0, fireAt: new Date(t0.getTime() + 1000) }),
];

describe('history JSON', () => {
  it('puts eventId, timestamp and type first, instants as ISO strings', () => {
    const [, started] = historyToJson(history) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(started!).slice(0, 3), ['eventId', 'timestamp', 'type']);
    assert.equal(started!.timestamp, '2030-01-01T00:00:00.000Z');
  });

  it('reads export lines back as the same events', () => {
    const text = `${exportedHistoryLine({ instanceId: 'i-1', name: 'wf', runtimeStatus: 'RUNNING', history })}\n${exportedHistoryLine({ instanceId: 'i-2', name: 'wf', history })}\n`;
    const [first, second] = parseHistories(text);
    assert.deepEqual(first, { instanceId: 'i-1', name: 'wf', runtimeStatus: 'RUNNING', history });
    assert.equal(second!.instanceId, 'i-2');
  });

  it('reads show --history --json output and a bare array of events', () => {
    const shown = JSON.stringify({ state: { instanceId: 'i-1', runtimeStatus: 'COMPLETED' }, history: historyToJson(history) }, null, 2);
    assert.deepEqual(parseHistories(shown), [{ instanceId: 'i-1', name: 'wf', runtimeStatus: 'COMPLETED', history }]);
    assert.deepEqual(parseHistories(JSON.stringify(history))[0]!.history, history);
  });

  it('names the line and field of bad input', () => {
    const good = exportedHistoryLine({ instanceId: 'i-1', name: 'wf', history });
    const badType = good.replace('"timerCreated"', '"timerMade"');
    assert.throws(() => parseHistories(`${good}\n${badType}`, 'h.jsonl'), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.field, 'h.jsonl line 2: history[2].type');
      return true;
    });
    assert.throws(() => parseHistories(`${good}\n{oops`, 'h.jsonl'), /invalid h\.jsonl line 2: is not JSON/);
    assert.throws(() => parseHistories(good.replace('"2030-01-01T00:00:01.000Z"', '"soon"')), /history\[2\]\.fireAt: is not a valid instant/);
  });
});
