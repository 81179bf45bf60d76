// Binary interop with the google-protobuf classes the real JS SDKs ship (generated from their own copies of
// the protocol, with the old Orchestration/SubOrchestration names): our bytes must decode there and theirs here.
// Only one SDK's classes per process: google-protobuf modules register on a shared global `proto` namespace,
// so loading @dapr/durabletask-js too would replace these classes with its older ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { newEvent } from '../history.js';
import { actionFromWire, actionsFromWire } from './action-wire.js';
import { historyEventToWire } from './history-wire.js';
import { HistoryEventSchema } from './gen/history_events_pb.js';
import { WorkflowActionSchema } from './gen/orchestrator_actions_pb.js';
import { WorkflowResponseSchema } from './gen/orchestrator_service_pb.js';

const require = createRequire(import.meta.url);

// The google-protobuf generated modules are untyped CommonJS; we only touch the accessors used below.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Pb = Record<string, any>;
const microsoft = require('@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js') as Pb;
const wrappers = require('google-protobuf/google/protobuf/wrappers_pb.js') as Pb;
const timestamps = require('google-protobuf/google/protobuf/timestamp_pb.js') as Pb;

function stringValue(value: string): unknown {
  const sv = new wrappers.StringValue();
  sv.setValue(value);
  return sv;
}

describe('interop with the SDKs\' google-protobuf classes', () => {
  const at = new Date('2026-03-01T10:20:30.456Z');

  it('a history event we encode decodes with @microsoft/durabletask-js', () => {
    const event = newEvent('taskScheduled', at, {
      // taskExecutionId stays empty: Microsoft's protocol uses TaskScheduledEvent field 5 for a tags map.
      eventId: 3, name: 'act', version: '1', input: '{"a":1}', taskExecutionId: '',
      parentTraceContext: { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', traceState: 'k=v' },
    });
    const theirs = microsoft.HistoryEvent.deserializeBinary(toBinary(HistoryEventSchema, historyEventToWire(event)));
    assert.equal(theirs.getEventid(), 3);
    assert.equal(theirs.getTimestamp().toDate().toISOString(), at.toISOString());
    const scheduled = theirs.getTaskscheduled();
    assert.equal(scheduled.getName(), 'act');
    assert.equal(scheduled.getVersion().getValue(), '1');
    assert.equal(scheduled.getInput().getValue(), '{"a":1}');
    assert.equal(scheduled.getParenttracecontext().getTracestate().getValue(), 'k=v');
  });

  it('renamed messages keep their numbers: childWorkflowInstanceCreated is their subOrchestrationInstanceCreated', () => {
    const event = newEvent('childWorkflowInstanceCreated', at, { eventId: 2, instanceId: 'i1:0002', name: 'child', input: '5' });
    const created = microsoft.HistoryEvent.deserializeBinary(toBinary(HistoryEventSchema, historyEventToWire(event)))
      .getSuborchestrationinstancecreated();
    assert.equal(created.getInstanceid(), 'i1:0002');
    assert.equal(created.getName(), 'child');
    assert.equal(created.getInput().getValue(), '5');
    const started = newEvent('executionStarted', at, { name: 'wf', workflowInstance: { instanceId: 'i1', executionId: 'e1' } });
    const theirs = microsoft.HistoryEvent.deserializeBinary(toBinary(HistoryEventSchema, historyEventToWire(started)));
    assert.equal(theirs.getExecutionstarted().getOrchestrationinstance().getExecutionid().getValue(), 'e1');
  });

  it('an action they encode decodes with ours', () => {
    const create = new microsoft.CreateSubOrchestrationAction();
    create.setInstanceid('i1:0007');
    create.setName('child');
    create.setInput(stringValue('{"n":1}'));
    const action = new microsoft.OrchestratorAction();
    action.setId(7);
    action.setCreatesuborchestration(create);
    const ours = actionFromWire(fromBinary(WorkflowActionSchema, action.serializeBinary()));
    assert.deepStrictEqual(ours, { id: 7, type: 'createChildWorkflow', instanceId: 'i1:0007', name: 'child', input: '{"n":1}' });
  });

  it('an old OrchestratorResponse decodes as a WorkflowResponse (CompleteOrchestratorTask)', () => {
    const timer = new microsoft.CreateTimerAction();
    const fireAt = new timestamps.Timestamp();
    fireAt.fromDate(at);
    timer.setFireat(fireAt);
    const timerAction = new microsoft.OrchestratorAction();
    timerAction.setId(0);
    timerAction.setCreatetimer(timer);
    const complete = new microsoft.CompleteOrchestrationAction();
    complete.setOrchestrationstatus(microsoft.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    complete.setResult(stringValue('"done"'));
    const completeAction = new microsoft.OrchestratorAction();
    completeAction.setId(1);
    completeAction.setCompleteorchestration(complete);
    const response = new microsoft.OrchestratorResponse();
    response.setInstanceid('i1');
    response.setActionsList([timerAction, completeAction]);
    response.setCustomstatus(stringValue('"busy"'));

    const decoded = fromBinary(WorkflowResponseSchema, response.serializeBinary());
    assert.equal(decoded.instanceId, 'i1');
    assert.equal(decoded.customStatus, '"busy"');
    assert.equal(decoded.completionToken, '');
    assert.deepStrictEqual(actionsFromWire(decoded.actions), [
      { id: 0, type: 'createTimer', fireAt: at },
      { id: 1, type: 'completeWorkflow', workflowStatus: 'COMPLETED', result: '"done"' },
    ]);
  });
});
