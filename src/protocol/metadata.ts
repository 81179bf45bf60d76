// What a client sees of an instance without reading its history.
import type { FailureDetails, Payload } from './common.js';
import type { RuntimeStatus } from './status.js';

export interface WorkflowMetadata {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdAt: Date;
  lastUpdatedAt: Date;
  completedAt?: Date;
  /** When a worker first ran the instance; undefined while PENDING. */
  startedAt?: Date;
  scheduledStartAt?: Date;
  executionId: string;
  input?: Payload;
  output?: Payload;
  customStatus?: Payload;
  failureDetails?: FailureDetails;
  /** Set for child workflows only; detached workflows have no parent. */
  parentInstanceId?: string;
  version?: string;
  tags?: Record<string, string>;
  /** Engine notes about this instance, e.g. a detached start that was refused because the ID was running. */
  warnings?: string[];
}
