// The one table between our runtime status strings and the protocol's OrchestrationStatus numbers,
// plus the StalledReason enum. Unknown numbers from the wire are rejected with the field's path.
import type { StalledReason as StalledReasonName } from '../history.js';
import type { RuntimeStatus } from '../status.js';
import { InvalidArgumentError } from '../../errors.js';
import { OrchestrationStatus, StalledReason } from './gen/orchestration_pb.js';

const STATUS_TABLE: ReadonlyArray<readonly [RuntimeStatus, OrchestrationStatus]> = [
  ['RUNNING', OrchestrationStatus.RUNNING],
  ['COMPLETED', OrchestrationStatus.COMPLETED],
  ['CONTINUED_AS_NEW', OrchestrationStatus.CONTINUED_AS_NEW],
  ['FAILED', OrchestrationStatus.FAILED],
  ['CANCELED', OrchestrationStatus.CANCELED],
  ['TERMINATED', OrchestrationStatus.TERMINATED],
  ['PENDING', OrchestrationStatus.PENDING],
  ['SUSPENDED', OrchestrationStatus.SUSPENDED],
  ['STALLED', OrchestrationStatus.STALLED],
];

const STALLED_TABLE: ReadonlyArray<readonly [StalledReasonName, StalledReason]> = [
  ['PATCH_MISMATCH', StalledReason.PATCH_MISMATCH],
  ['VERSION_NOT_AVAILABLE', StalledReason.VERSION_NOT_AVAILABLE],
  ['PAYLOAD_SIZE_EXCEEDED', StalledReason.PAYLOAD_SIZE_EXCEEDED],
];

export function runtimeStatusToWire(status: RuntimeStatus): OrchestrationStatus {
  const row = STATUS_TABLE.find(([name]) => name === status);
  if (row === undefined) throw new InvalidArgumentError('runtimeStatus', `unknown runtime status '${String(status)}'`);
  return row[1];
}

export function runtimeStatusFromWire(value: number, field: string): RuntimeStatus {
  const row = STATUS_TABLE.find(([, wire]) => wire === value);
  if (row === undefined) throw new InvalidArgumentError(field, `unknown OrchestrationStatus value ${value}`);
  return row[0];
}

export function stalledReasonToWire(reason: StalledReasonName): StalledReason {
  const row = STALLED_TABLE.find(([name]) => name === reason);
  if (row === undefined) throw new InvalidArgumentError('reason', `unknown stalled reason '${String(reason)}'`);
  return row[1];
}

export function stalledReasonFromWire(value: number, field: string): StalledReasonName {
  const row = STALLED_TABLE.find(([, wire]) => wire === value);
  if (row === undefined) throw new InvalidArgumentError(field, `unknown StalledReason value ${value}`);
  return row[0];
}
