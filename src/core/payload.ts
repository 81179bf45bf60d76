// Payloads are JSON text. Encoding checks the size limit so an oversized value fails the call that made
// it, with the limit and the size in the message, instead of stalling a workflow later.
import type { FailureDetails, Payload } from '../protocol/common.js';
import { InvalidArgumentError, NonRetriableError, PayloadTooLargeError, TaskFailedError } from '../errors.js';

/** @default 4 MiB: well under gRPC's default message size and a database row's comfort zone. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export function encodePayload(value: unknown, what: string, limit: number = DEFAULT_MAX_PAYLOAD_BYTES): Payload {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(what, `not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw new InvalidArgumentError(what, `not JSON-serialisable (${typeof value})`);
  return checkPayloadSize(text, what, limit);
}

/** An already-encoded payload (any text: it is opaque here) within the limit; throws PayloadTooLargeError. */
export function checkPayloadSize(text: Payload, what: string, limit: number = DEFAULT_MAX_PAYLOAD_BYTES): Payload {
  // Most payloads are far below the limit; only measure bytes when the character count could exceed it.
  if (text !== undefined && text.length * 3 > limit) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size > limit) throw new PayloadTooLargeError(what, size, limit);
  }
  return text;
}

export function decodePayload<T = unknown>(payload: Payload): T {
  return (payload === undefined || payload === '' ? undefined : JSON.parse(payload)) as T;
}

/** Failure details recorded for an error thrown by user code. */
export function failureFromError(error: unknown): FailureDetails {
  if (error instanceof Error) {
    const details: FailureDetails = {
      errorType: error instanceof TaskFailedError ? 'TaskFailedError' : error.name || error.constructor.name,
      errorMessage: error.message,
      stackTrace: error.stack,
    };
    if (error instanceof TaskFailedError) details.innerFailure = error.details;
    else if (error.cause !== undefined) details.innerFailure = failureFromError(error.cause);
    if (error instanceof NonRetriableError) details.isNonRetriable = true;
    return details;
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
