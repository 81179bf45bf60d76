import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { RUNTIME_STATUSES } from '../status.js';
import type { WorkflowMetadata } from '../metadata.js';
import { failureFromWire, failureToWire } from './failure-wire.js';
import { runtimeStatusFromWire, runtimeStatusToWire } from './status-wire.js';
import { workflowStateFromWire, workflowStateToWire } from './state-wire.js';
import { OrchestrationStatus, WorkflowStateSchema } from './gen/orchestration_pb.js';

const meta: WorkflowMetadata = {
  instanceId: 'i1',
  name: 'wf',
  runtimeStatus: 'FAILED',
  createdAt: new Date('2026-03-01T10:00:00.001Z'),
  lastUpdatedAt: new Date('2026-03-01T10:00:05.002Z'),
  completedAt: new Date('2026-03-01T10:00:05.002Z'),
  startedAt: new Date('2026-03-01T10:00:00.500Z'),
  scheduledStartAt: new Date('2026-03-01T10:00:00.000Z'),
  executionId: 'ex-1',
  input: '{"a":1}',
  output: '"out"',
  customStatus: '"step 3"',
  failureDetails: { errorType: 'Error', errorMessage: 'boom', stackTrace: 'at f', innerFailure: { errorType: 'E', errorMessage: 'm' } },
  parentInstanceId: 'p1',
  version: 'v2',
  tags: { team: 'x' },
};

describe('runtime status table', () => {
  it('maps every status to the protocol number and back', () => {
    assert.equal(runtimeStatusToWire('RUNNING'), OrchestrationStatus.RUNNING);
    assert.equal(runtimeStatusToWire('STALLED'), 8);
    for (const status of RUNTIME_STATUSES) assert.equal(runtimeStatusFromWire(runtimeStatusToWire(status), 's'), status);
    assert.throws(() => runtimeStatusFromWire(9, 'req.status'), { name: 'InvalidArgumentError', field: 'req.status' });
  });
});

describe('failure details', () => {
  it('round-trips nested failures and the non-retriable flag', () => {
    const f = { errorType: 'A', errorMessage: 'a', isNonRetriable: true, innerFailure: { errorType: 'B', errorMessage: 'b', stackTrace: 's' } };
    assert.deepStrictEqual(failureFromWire(failureToWire(f)), f);
  });
});

describe('workflow state', () => {
  it('round-trips metadata through WorkflowState with inputs and outputs', () => {
    const wire = fromBinary(WorkflowStateSchema, toBinary(WorkflowStateSchema, workflowStateToWire(meta)));
    assert.deepStrictEqual(workflowStateFromWire(wire), meta);
  });

  it('leaves payloads and failure details out unless asked for', () => {
    const wire = workflowStateToWire(meta, { getInputsAndOutputs: false, parentAppId: 'app-p' });
    assert.equal(wire.input, undefined);
    assert.equal(wire.output, undefined);
    assert.equal(wire.customStatus, undefined);
    assert.equal(wire.failureDetails, undefined);
    assert.equal(wire.parentAppId, 'app-p');
    assert.equal(wire.workflowStatus, OrchestrationStatus.FAILED);
    assert.equal(wire.executionId, 'ex-1');
  });

  it('names the field of a state without createdTimestamp', () => {
    const wire = workflowStateToWire(meta);
    wire.createdTimestamp = undefined;
    assert.throws(() => workflowStateFromWire(wire, 'states[1]'), { field: 'states[1].createdTimestamp' });
  });
});
