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
