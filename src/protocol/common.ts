// Shared protocol messages (orchestration.proto): routers, instances, failures, trace context.
// Payloads are JSON text or undefined, mirroring the protocol's google.protobuf.StringValue.

export type Payload = string | undefined;

export interface TaskRouter {
  sourceAppID?: string;
  targetAppID?: string;
  targetAppNamespace?: string;
}

export interface WorkflowInstanceRef {
  instanceId: string;
  executionId?: string;
}

export interface FailureDetails {
  errorType: string;
  errorMessage: string;
  stackTrace?: string;
  innerFailure?: FailureDetails;
  isNonRetriable?: boolean;
}

/**
 * Where in the workflow's source a durable call was made, taken once when the call is first scheduled (not on
 * replay) by a worker with recordSourceLocations. This engine's own field: the Durable Task protocol has none.
 */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface TraceContext {
  traceParent: string;
  spanID?: string;
  traceState?: string;
}

export interface ParentInstanceInfo {
  taskScheduledId: number;
  name?: string;
  version?: string;
  workflowInstance?: WorkflowInstanceRef;
  appID?: string;
  appNamespace?: string;
}

export interface WorkflowVersion {
  patches: string[];
  name?: string;
}
