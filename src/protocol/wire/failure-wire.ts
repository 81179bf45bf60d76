// FailureDetails <-> TaskFailureDetails. isNonRetriable=false and an absent flag are the same on the wire.
import { create } from '@bufbuild/protobuf';
import type { FailureDetails } from '../common.js';
import { compact } from './wire-util.js';
import { TaskFailureDetailsSchema, type TaskFailureDetails } from './gen/orchestration_pb.js';

export function failureToWire(failure: FailureDetails): TaskFailureDetails {
  return create(TaskFailureDetailsSchema, {
    errorType: failure.errorType,
    errorMessage: failure.errorMessage,
    stackTrace: failure.stackTrace,
    innerFailure: failure.innerFailure === undefined ? undefined : failureToWire(failure.innerFailure),
    isNonRetriable: failure.isNonRetriable ?? false,
  });
}

export function failureFromWire(wire: TaskFailureDetails): FailureDetails {
  return compact<FailureDetails>({
    errorType: wire.errorType,
    errorMessage: wire.errorMessage,
    stackTrace: wire.stackTrace,
    innerFailure: wire.innerFailure === undefined ? undefined : failureFromWire(wire.innerFailure),
    isNonRetriable: wire.isNonRetriable ? true : undefined,
  });
}

export function optionalFailureToWire(failure: FailureDetails | undefined): TaskFailureDetails | undefined {
  return failure === undefined ? undefined : failureToWire(failure);
}

export function optionalFailureFromWire(wire: TaskFailureDetails | undefined): FailureDetails | undefined {
  return wire === undefined ? undefined : failureFromWire(wire);
}
