// The one table from DurableTaskError codes to gRPC status codes, and the conversion of any thrown value
// into a ServiceError a grpc-js handler can return. Anything unexpected is INTERNAL, never a crash.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DurableTaskError, InvalidArgumentError, type ErrorCode } from '../errors.js';

const STATUS_OF: Readonly<Record<ErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  LEASE_LOST: status.ABORTED,
  NON_DETERMINISM: status.FAILED_PRECONDITION,
  NOT_REGISTERED: status.NOT_FOUND,
  TIMEOUT: status.DEADLINE_EXCEEDED,
  PAYLOAD_TOO_LARGE: status.RESOURCE_EXHAUSTED,
  TASK_FAILED: status.FAILED_PRECONDITION,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
};

/** A ServiceError carrying `code` and `details`; an InvalidArgumentError also names its field in metadata. */
export function serviceError(code: status, details: string, field?: string): ServiceError {
  const metadata = new Metadata();
  if (field !== undefined) metadata.set('x-invalid-field', field);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function toServiceError(error: unknown): ServiceError {
  if (isServiceError(error)) return error;
  if (error instanceof DurableTaskError) {
    return serviceError(STATUS_OF[error.code], error.message, error instanceof InvalidArgumentError ? error.field : undefined);
  }
  const message = error instanceof Error ? error.message : String(error);
  return serviceError(status.INTERNAL, `internal error: ${message}`);
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error;
}

export function unimplemented(method: string, why: string): ServiceError {
  return serviceError(status.UNIMPLEMENTED, `${method} is not implemented by durabletask-ts: ${why}`);
}
