import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { WorkflowResponseSchema } from './gen/orchestrator_service_pb.js';
import { TraceContextSchema, WorkflowVersionSchema } from './gen/orchestration_pb.js';
import { dropForeignTraceContext } from './foreign-fields.js';

function withField6(message: Uint8Array): Uint8Array {
  const base = toBinary(WorkflowResponseSchema, create(WorkflowResponseSchema, { instanceId: 'abc', completionToken: 'tok' }));
  const writer = new BinaryWriter();
  writer.tag(6, WireType.LengthDelimited).bytes(message);
  return Buffer.concat([base, writer.finish()]);
}

describe('dropForeignTraceContext', () => {
  it('drops a trace context sent in field 6 by Microsoft SDKs and keeps the rest', () => {
    const trace = toBinary(TraceContextSchema, create(TraceContextSchema, { traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    const decoded = fromBinary(WorkflowResponseSchema, dropForeignTraceContext(withField6(trace)));
    assert.equal(decoded.instanceId, 'abc');
    assert.equal(decoded.completionToken, 'tok');
    assert.equal(decoded.version, undefined);
  });

  it('keeps a real workflow version in field 6', () => {
    const version = toBinary(WorkflowVersionSchema, create(WorkflowVersionSchema, { patches: ['fix-1'], name: 'v2' }));
    const bytes = withField6(version);
    assert.equal(dropForeignTraceContext(bytes), bytes);
    assert.deepEqual(fromBinary(WorkflowResponseSchema, bytes).version?.patches, ['fix-1']);
  });
});
