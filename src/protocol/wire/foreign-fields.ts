// Tolerance for Microsoft's fork of the protocol, which reuses some field numbers differently. Its
// OrchestratorResponse carries a W3C trace context in field 6, where the Dapr protocol has a WorkflowVersion;
// decoded as a version it would fail (or record the trace id as a patch). Such a field is dropped before decoding.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

const VERSION_FIELD = 6;
const TRACE_PARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The WorkflowResponse bytes without a field 6 that is really a trace context; the same bytes otherwise. */
export function dropForeignTraceContext(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let dropped = false;
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const start = reader.pos;
      const [fieldNo, wireType] = reader.tag();
      const body = reader.skip(wireType, fieldNo);
      if (fieldNo === VERSION_FIELD && wireType === WireType.LengthDelimited && isTraceContext(body)) {
        dropped = true;
        continue;
      }
      kept.push(bytes.subarray(start, reader.pos));
    }
  } catch {
    return bytes; // malformed: let the real decoder report it
  }
  return dropped ? Buffer.concat(kept) : bytes;
}

/** `body` is the length-prefixed submessage as skipped: a TraceContext starts with a traceparent string. */
function isTraceContext(body: Uint8Array): boolean {
  const outer = new BinaryReader(body);
  const inner = new BinaryReader(outer.bytes());
  if (inner.pos >= inner.len) return false;
  const [fieldNo, wireType] = inner.tag();
  if (fieldNo !== 1 || wireType !== WireType.LengthDelimited) return false;
  const text = Buffer.from(inner.bytes()).toString('latin1');
  return TRACE_PARENT.test(text);
}
