// Every error class of durabletask-ts: the bottom layer, imported by all others.
// Errors are something wrong here and now; recorded failures of tasks are TaskFailedError (with FailureDetails).
import type { FailureDetails } from './protocol/common.js';

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'LEASE_LOST'
  | 'NON_DETERMINISM'
  | 'NOT_REGISTERED'
  | 'TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'TASK_FAILED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export class DurableTaskError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DurableTaskError';
    this.code = code;
  }
}

export class InvalidArgumentError extends DurableTaskError {
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super('INVALID_ARGUMENT', `invalid ${field}: ${reason}`);
    this.name = 'InvalidArgumentError';
    this.field = field;
    this.reason = reason;
  }
}

export class WorkflowNotFoundError extends DurableTaskError {
  readonly instanceId: string;
  constructor(instanceId: string) {
    super('NOT_FOUND', `workflow instance '${instanceId}' not found`);
    this.name = 'WorkflowNotFoundError';
    this.instanceId = instanceId;
  }
}

export class WorkflowAlreadyExistsError extends DurableTaskError {
  readonly instanceId: string;
  constructor(instanceId: string, status?: string) {
    super('ALREADY_EXISTS', `workflow instance '${instanceId}' already exists${status ? ` (status ${status})` : ''}`);
    this.name = 'WorkflowAlreadyExistsError';
    this.instanceId = instanceId;
  }
}

/** The instance is not in a state that allows the operation (e.g. purging a running instance). */
export class FailedPreconditionError extends DurableTaskError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
    this.name = 'FailedPreconditionError';
  }
}

/** A work item was completed or abandoned after its lease expired or was taken by another worker. */
export class LeaseLostError extends DurableTaskError {
  constructor(what: string) {
    super('LEASE_LOST', `lease lost on ${what}: the work item was not changed`);
    this.name = 'LeaseLostError';
  }
}

export class NonDeterminismError extends DurableTaskError {
  readonly sequenceNumber: number;
  readonly expected: string;
  readonly actual: string;
  constructor(sequenceNumber: number, expected: string, actual: string, detail?: string) {
    super(
      'NON_DETERMINISM',
      detail ??
        `non-deterministic workflow: at sequence number ${sequenceNumber} the history recorded ${expected}, ` +
          `but the current execution ${actual}`,
    );
    this.name = 'NonDeterminismError';
    this.sequenceNumber = sequenceNumber;
    this.expected = expected;
    this.actual = actual;
  }
}

export class NotRegisteredError extends DurableTaskError {
  readonly kind: 'workflow' | 'activity';
  readonly registeredName: string;
  constructor(kind: 'workflow' | 'activity', name: string) {
    super('NOT_REGISTERED', `no ${kind} named '${name}' is registered`);
    this.name = 'NotRegisteredError';
    this.kind = kind;
    this.registeredName = name;
  }
}

export class TimeoutError extends DurableTaskError {
  constructor(message: string) {
    super('TIMEOUT', message);
    this.name = 'TimeoutError';
  }
}

export class PayloadTooLargeError extends DurableTaskError {
  readonly what: string;
  readonly size: number;
  readonly limit: number;
  constructor(what: string, size: number, limit: number) {
    super('PAYLOAD_TOO_LARGE', `${what} is ${size} bytes, over the payload limit of ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
    this.what = what;
    this.size = size;
    this.limit = limit;
  }
}

/** An activity or child workflow failed; the await rejects with this, carrying the recorded details. */
export class TaskFailedError extends DurableTaskError {
  readonly details: FailureDetails;
  readonly taskName: string;
  constructor(taskName: string, details: FailureDetails) {
    super('TASK_FAILED', `task '${taskName}' failed: ${details.errorType}: ${details.errorMessage}`);
    this.name = 'TaskFailedError';
    this.details = details;
    this.taskName = taskName;
  }
}

/** Thrown by user code to stop retries: the failure is recorded as non-retriable. */
export class NonRetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetriableError';
  }
}

export class UnavailableError extends DurableTaskError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, options);
    this.name = 'UnavailableError';
  }
}
