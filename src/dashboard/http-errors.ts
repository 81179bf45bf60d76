// How the dashboard API reports a failure: one table from DurableTaskError codes to HTTP statuses (like the
// CLI's exit codes and the sidecar's gRPC statuses), and one JSON body shape that names the bad parameter.
import { DurableTaskError, InvalidArgumentError, type ErrorCode } from '../errors.js';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  PAYLOAD_TOO_LARGE: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  LEASE_LOST: 500,
  NON_DETERMINISM: 500,
  NOT_REGISTERED: 500,
  TASK_FAILED: 500,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode | 'READ_ONLY' | 'NOT_FOUND'; message: string; parameter?: string };
}

/** A refusal of the dashboard itself (read-only mode), not of the engine. */
export class ReadOnlyError extends Error {
  constructor() {
    super('the dashboard is read-only: actions are disabled (started with --read-only)');
    this.name = 'ReadOnlyError';
  }
}

export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof ReadOnlyError) return { status: 403, body: { error: { code: 'READ_ONLY', message: error.message } } };
  if (error instanceof InvalidArgumentError) {
    return { status: 400, body: { error: { code: error.code, message: error.message, parameter: error.field } } };
  }
  if (error instanceof DurableTaskError) return { status: HTTP_STATUS[error.code] ?? 500, body: { error: { code: error.code, message: error.message } } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: 'INTERNAL', message } } };
}
