import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { newEvent, type HistoryEvent, type HistoryEventType } from '../history.js';
import { InvalidArgumentError } from '../../errors.js';
import { historyEventFromWire, historyEventToWire, historyFromWire, historyToWire } from './history-wire.js';
import { HistoryEventSchema } from './gen/history_events_pb.js';
import type { OrchestrationStatus } from './gen/orchestration_pb.js';

const t = new Date('2026-03-01T10:20:30.456Z');
const fire = new Date('2026-03-02T00:00:00.001Z');
const failure = {
  errorType: 'Error',
  errorMessage: 'boom',
  stackTrace: 'at x',
  innerFailure: { errorType: 'TypeError', errorMessage: 'inner' },
  isNonRetriable: true,
};
const trace = { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', traceState: 'k=v' };

// A Record keyed by every event type: the compiler fails this file if a kind is added and not covered here.
const samples: Record<HistoryEventType, HistoryEvent> = {
  executionStarted: newEvent('executionStarted', t, {
    name: 'wf', version: 'v2', input: '{"a":1}',
    workflowInstance: { instanceId: 'i1', executionId: 'e1' },
    parentInstance: {
      taskScheduledId: 4, name: 'parentWf', version: 'pv', workflowInstance: { instanceId: 'p1', executionId: 'pe' },
      appID: 'app-a', appNamespace: 'ns',
    },
    scheduledStartTimestamp: fire, parentTraceContext: { ...trace, spanID: 'legacy-span' },
    workflowSpanID: 'span-1', tags: { team: 'x', env: 'prod' },
    router: { sourceAppID: 'app-a', targetAppID: 'app-b', targetAppNamespace: 'ns' },
  }),
  executionCompleted: newEvent('executionCompleted', t, {
    eventId: 9, workflowStatus: 'FAILED', result: '"r"', failureDetails: failure,
  }),
  executionTerminated: newEvent('executionTerminated', t, { input: '"why"', recurse: true }),
  taskScheduled: newEvent('taskScheduled', t, {
    eventId: 1, name: 'act', version: '1', input: '[1]', parentTraceContext: trace, taskExecutionId: 'x-1',
    router: { sourceAppID: 'app-a' },
  }),
  taskCompleted: newEvent('taskCompleted', t, { taskScheduledId: 1, result: '2', taskExecutionId: 'x-1' }),
  taskFailed: newEvent('taskFailed', t, { taskScheduledId: 1, failureDetails: failure, taskExecutionId: 'x-1' }),
  childWorkflowInstanceCreated: newEvent('childWorkflowInstanceCreated', t, {
    eventId: 2, instanceId: 'i1:0002', name: 'child', version: 'v', input: '{}', parentTraceContext: trace,
    retryParentInstanceId: 'i1:0001',
  }),
  childWorkflowInstanceCompleted: newEvent('childWorkflowInstanceCompleted', t, { taskScheduledId: 2, result: 'null' }),
  childWorkflowInstanceFailed: newEvent('childWorkflowInstanceFailed', t, { taskScheduledId: 2, failureDetails: failure }),
  timerCreated: newEvent('timerCreated', t, {
    eventId: 3, fireAt: fire, name: 'approval', origin: { kind: 'externalEvent', name: 'approval' },
  }),
  timerFired: newEvent('timerFired', t, { fireAt: fire, timerId: 3 }),
  workflowStarted: newEvent('workflowStarted', t, { version: { patches: ['p1', 'p2'], name: 'v3' } }),
  workflowCompleted: newEvent('workflowCompleted', t, {}),
  eventSent: newEvent('eventSent', t, { eventId: 5, instanceId: 'other', name: 'ping', input: '1' }),
  eventRaised: newEvent('eventRaised', t, { name: 'ping', input: '""' }),
  continueAsNew: newEvent('continueAsNew', t, { input: '{"n":2}' }),
  executionSuspended: newEvent('executionSuspended', t, { input: '"pause"' }),
  executionResumed: newEvent('executionResumed', t, { input: '"go"' }),
  executionStalled: newEvent('executionStalled', t, { reason: 'VERSION_NOT_AVAILABLE', description: 'Version not available: v9' }),
  detachedWorkflowInstanceCreated: newEvent('detachedWorkflowInstanceCreated', t, { eventId: 6, instanceId: 'i1-0' }),
  executionRewound: newEvent('executionRewound', t, { reason: '"fixed"' }),
};

/** Kinds this schema has no message for, sent as the no-op they amount to for a replaying SDK. */
const SENT_AS: Partial<Record<HistoryEventType, HistoryEventType>> = { executionRewound: 'executionResumed' };

function roundTrip(event: HistoryEvent): HistoryEvent {
  const bytes = toBinary(HistoryEventSchema, historyEventToWire(event));
  return historyEventFromWire(fromBinary(HistoryEventSchema, bytes));
}

describe('history events on the wire', () => {
  for (const [type, event] of Object.entries(samples)) {
    const as = SENT_AS[type as HistoryEventType];
    if (as) {
      it(`${type} is sent as ${as}, keeping its payload`, () => {
        const { reason, ...rest } = event as HistoryEvent & { reason?: string };
        assert.deepStrictEqual(roundTrip(event), { ...rest, type: as, input: reason });
      });
      continue;
    }
    it(`${type} survives toBinary/fromBinary unchanged`, () => {
      assert.deepStrictEqual(roundTrip(event), event);
    });
  }

  it('every timer origin keeps its kind (TimerCreatedEvent numbers them 4-7)', () => {
    const origins = [
      { kind: 'createTimer' },
      { kind: 'externalEvent', name: 'e' },
      { kind: 'activityRetry', taskExecutionId: 'x-9' },
      { kind: 'childWorkflowRetry', instanceId: 'c-1' },
    ] as const;
    for (const origin of origins) {
      const event = newEvent('timerCreated', t, { eventId: 1, fireAt: fire, origin });
      assert.deepStrictEqual(roundTrip(event), event);
    }
    const bare = newEvent('timerCreated', t, { eventId: 1, fireAt: fire });
    assert.deepStrictEqual(roundTrip(bare), bare);
  });

  it('uses the protocol field numbers for the oneof and the router', () => {
    const bytes = toBinary(HistoryEventSchema, historyEventToWire(samples.detachedWorkflowInstanceCreated));
    // field 32, wire type 2 -> varint key (32 << 3 | 2) = 258 = 0x82 0x02
    assert.ok(Buffer.from(bytes).includes(Buffer.from([0x82, 0x02])));
    const routed = toBinary(HistoryEventSchema, historyEventToWire(samples.taskScheduled));
    assert.ok(Buffer.from(routed).includes(Buffer.from([0xf2, 0x01]))); // field 30, wire type 2
  });

  it('keeps an empty payload distinct from an absent one', () => {
    const empty = newEvent('eventRaised', t, { name: 'e', input: '' });
    const absent = newEvent('eventRaised', t, { name: 'e' });
    assert.deepStrictEqual(roundTrip(empty), empty);
    assert.deepStrictEqual(roundTrip(absent), absent);
  });

  it('maps whole histories and names the index of a bad event', () => {
    const history = [samples.workflowStarted, samples.executionStarted, samples.taskScheduled];
    assert.deepStrictEqual(historyFromWire(historyToWire(history)), history);
    const wire = historyToWire(history);
    wire[2]!.timestamp = undefined;
    assert.throws(
      () => historyFromWire(wire, 'pastEvents'),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === 'pastEvents[2].timestamp',
    );
  });

  it('rejects an event with no type, an unknown status and a start without an instance', () => {
    const noType = create(HistoryEventSchema, { eventId: -1, timestamp: { seconds: 1n } });
    assert.throws(() => historyEventFromWire(noType, 'e'), { name: 'InvalidArgumentError', field: 'e.eventType' });
    const badStatus = historyEventToWire(samples.executionCompleted);
    // An SDK newer than us could send a value we do not know: it survives decoding as a bare number.
    if (badStatus.eventType.case === 'executionCompleted') badStatus.eventType.value.workflowStatus = 42 as OrchestrationStatus;
    const decoded = fromBinary(HistoryEventSchema, toBinary(HistoryEventSchema, badStatus));
    assert.throws(() => historyEventFromWire(decoded, 'e'), {
      name: 'InvalidArgumentError', field: 'e.executionCompleted.workflowStatus',
    });
    const noInstance = historyEventToWire(samples.executionStarted);
    if (noInstance.eventType.case === 'executionStarted') noInstance.eventType.value.workflowInstance = undefined;
    assert.throws(() => historyEventFromWire(noInstance, 'e'), {
      name: 'InvalidArgumentError', field: 'e.executionStarted.workflowInstance',
    });
  });
});
