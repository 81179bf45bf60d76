// The @grpc/grpc-js ServiceDefinition of TaskHubSidecarService, derived from the generated descriptor so the
// method list, paths and message types can never drift from proto/orchestrator_service.proto.
// Paths are /TaskHubSidecarService/<Method> (the protocol has no package); bodies are binary protobuf.
import { fromBinary, toBinary, type DescMessage, type DescMethod, type MessageShape } from '@bufbuild/protobuf';
import type {
  MethodDefinition,
  ServiceDefinition,
  handleServerStreamingCall,
  handleUnaryCall,
} from '@grpc/grpc-js';
import { TaskHubSidecarService } from '../protocol/wire/gen/orchestrator_service_pb.js';
import { dropForeignTraceContext } from '../protocol/wire/foreign-fields.js';

type Methods = (typeof TaskHubSidecarService)['method'];
type In<M> = M extends { input: infer I extends DescMessage } ? MessageShape<I> : never;
type Out<M> = M extends { output: infer O extends DescMessage } ? MessageShape<O> : never;

/** Keys are the lowerCamel method names (`completeWorkflowTask`); `originalName` is the proto name. */
export type TaskHubSidecarServiceDefinition = ServiceDefinition & {
  readonly [K in keyof Methods]: MethodDefinition<In<Methods[K]>, Out<Methods[K]>>;
};

/** What a server passes to `server.addService(taskHubSidecarServiceDefinition(), handlers)`. */
export type TaskHubSidecarHandlers = {
  [K in keyof Methods]: Methods[K] extends { methodKind: 'server_streaming' }
    ? handleServerStreamingCall<In<Methods[K]>, Out<Methods[K]>>
    : handleUnaryCall<In<Methods[K]>, Out<Methods[K]>>;
};

export const SERVICE_PATH_PREFIX = `/${TaskHubSidecarService.typeName}/`;

export function taskHubSidecarServiceDefinition(): TaskHubSidecarServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of TaskHubSidecarService.methods) {
    definition[method.localName] = methodDefinition(method);
  }
  return Object.freeze(definition) as unknown as TaskHubSidecarServiceDefinition;
}

function methodDefinition(method: DescMethod): MethodDefinition<unknown, unknown> {
  const { input, output } = method;
  return {
    path: `${SERVICE_PATH_PREFIX}${method.name}`,
    originalName: method.name,
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: (value) => asBuffer(toBinary(input, value as MessageShape<typeof input>)),
    requestDeserialize:
      input.typeName === 'WorkflowResponse'
        ? (bytes) => fromBinary(input, dropForeignTraceContext(bytes))
        : (bytes) => fromBinary(input, bytes),
    responseSerialize: (value) => asBuffer(toBinary(output, value as MessageShape<typeof output>)),
    responseDeserialize: (bytes) => fromBinary(output, bytes),
  };
}

// A Buffer view over the encoded bytes: no copy.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
