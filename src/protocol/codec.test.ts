// The storage codec: instants survive a round trip as Dates, and text written by earlier versions (ISO
// strings) still decodes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEvent, decodeEvents, encodeEvent, encodeEvents } from './codec.js';
import { newEvent, type HistoryEvent } from './history.js';

const at = new Date('2026-11-25T10:00:00.123Z');
const fire = new Date('2026-11-25T10:05:00.456Z');
const startAt = new Date('2026-11-26T00:00:00.789Z');

function events(): HistoryEvent[] {
  return [
    newEvent('executionStarted', at, { name: 'wf', workflowInstance: { instanceId: 'i', executionId: 'e' }, input: '"x"', scheduledStartTimestamp: startAt }),
    newEvent('timerCreated', at, { eventId: 1, fireAt: fire }),
    newEvent('timerFired', at, { timerId: 1, fireAt: fire }),
    newEvent('taskScheduled', at, { eventId: 2, name: 'act', taskExecutionId: 't' }),
  ];
}

describe('storage codec', () => {
  it('round-trips every instant field as an equal Date, alone and as a list', () => {
    for (const event of events()) assert.deepEqual(decodeEvent(encodeEvent(event)), event);
    assert.deepEqual(decodeEvents(encodeEvents(events())), events());
  });

  it('stores instants as epoch milliseconds without changing the event it encodes', () => {
    const event = events()[1]!;
    const stored = JSON.parse(encodeEvent(event)) as Record<string, unknown>;
    assert.equal(stored.timestamp, at.getTime());
    assert.equal(stored.fireAt, fire.getTime());
    assert.ok(event.timestamp instanceof Date);
  });

  it('decodes the ISO strings that earlier versions stored', () => {
    const old = JSON.stringify(events());
    assert.deepEqual(decodeEvents(old), events());
    assert.deepEqual(decodeEvent(JSON.stringify(events()[0])), events()[0]);
  });
});
