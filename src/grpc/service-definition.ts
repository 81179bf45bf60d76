// The @grpc/grpc-js ServiceDefinition of TaskHubSidecarService, derived from the generated descriptor so the
// method list, paths and message types can never drift from proto/orchestrator_service.proto.
// Paths are /TaskHubSidecarService/<Method> (the protocol has no package); bodies are binary protobuf.
// The methods whose messages differ between the two dialects (engine-spec §15) reach their handlers as bytes,
// which the handler decodes by the schema of the caller's dialect (grpc/dialect.ts); WorkItem is written as bytes
// encoded for the receiving stream's dialect.
import { fromBinary, toBinary, type DescMessage, type DescMethod, type MessageShape } from '@bufbuild/protobuf';
import type {
  MethodDefinition,
  ServiceDefinition,
  handleServerStreamingCall,
  handleUnaryCall,
} from '@grpc/grpc-js';
import { TaskHubSidecarService } from '../protocol/wire/gen/orchestrator_service_pb.js';

type Methods = (typeof TaskHubSidecarService)['method'];

/** RPCs whose request means different fields in each dialect: the server hands them over undecoded. */
export const DIALECT_REQUESTS = ['CompleteOrchestratorTask', 'CompleteWorkflowTask', 'GetWorkItems', 'StartInstance'] as const;
type DialectRequestKey = 'completeOrchestratorTask' | 'completeWorkflowTask' | 'getWorkItems' | 'startInstance';

/** A message, or its bytes already encoded (servers receive dialect requests as bytes; clients may send either). */
export type Encoded<T> = T | Uint8Array;

type Shape<M, K extends 'input' | 'output'> = M extends { [P in K]: infer D extends DescMessage } ? MessageShape<D> : never;
type In<K extends keyof Methods> = K extends DialectRequestKey ? Encoded<Shape<Methods[K], 'input'>> : Shape<Methods[K], 'input'>;
type Out<K extends keyof Methods> = K extends 'getWorkItems' ? Encoded<Shape<Methods[K], 'output'>> : Shape<Methods[K], 'output'>;

/** Keys are the lowerCamel method names (`completeWorkflowTask`); `originalName` is the proto name. */
export type TaskHubSidecarServiceDefinition = ServiceDefinition & {
  readonly [K in keyof Methods]: MethodDefinition<In<K>, Out<K>>;
};

/** What a server passes to `server.addService(taskHubSidecarServiceDefinition(), handlers)`. */
export type TaskHubSidecarHandlers = {
  [K in keyof Methods]: Methods[K] extends { methodKind: 'server_streaming' }
    ? handleServerStreamingCall<In<K>, Out<K>>
    : handleUnaryCall<In<K>, Out<K>>;
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
  const raw = (DIALECT_REQUESTS as readonly string[]).includes(method.name);
  return {
    path: `${SERVICE_PATH_PREFIX}${method.name}`,
    originalName: method.name,
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: (value) => encode(input, value),
    requestDeserialize: raw ? (bytes) => bytes : (bytes) => fromBinary(input, bytes),
    responseSerialize: (value) => encode(output, value),
    responseDeserialize: (bytes) => fromBinary(output, bytes),
  };
}

/** The bytes of a dialect request: as received by the server, or encoded from a message given in-process. */
export function encoded<S extends DescMessage>(schema: S, value: Uint8Array | object): Uint8Array {
  return value instanceof Uint8Array ? value : toBinary(schema, value as MessageShape<S>);
}

function encode(schema: DescMessage, value: unknown): Buffer {
  return asBuffer(value instanceof Uint8Array ? value : toBinary(schema, value as MessageShape<typeof schema>));
}

// A Buffer view over the encoded bytes: no copy.
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
