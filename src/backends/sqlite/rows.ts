// Mapping between instance rows and WorkflowMetadata. Instants are stored as epoch milliseconds,
// failure details, tags and warnings as JSON text.
import type { WorkflowMetadata } from '../../protocol/metadata.js';
import type { FailureDetails } from '../../protocol/common.js';
import type { RuntimeStatus } from '../../protocol/status.js';

export interface InstanceRow {
  instance_id: string;
  execution_id: string;
  name: string;
  version: string | null;
  runtime_status: RuntimeStatus;
  created_at: number;
  last_updated_at: number;
  started_at: number | null;
  completed_at: number | null;
  scheduled_start_at: number | null;
  input: string | null;
  output: string | null;
  custom_status: string | null;
  failure_details: string | null;
  parent_instance_id: string | null;
  tags: string | null;
  warnings: string | null;
}

export const INSTANCE_COLUMNS =
  'instance_id, execution_id, name, version, runtime_status, created_at, last_updated_at, started_at, completed_at, ' +
  'scheduled_start_at, input, output, custom_status, failure_details, parent_instance_id, tags, warnings';

export function toMetadata(row: InstanceRow, includePayloads: boolean): WorkflowMetadata {
  const m: WorkflowMetadata = {
    instanceId: row.instance_id,
    name: row.name,
    runtimeStatus: row.runtime_status,
    createdAt: new Date(row.created_at),
    lastUpdatedAt: new Date(row.last_updated_at),
    executionId: row.execution_id,
  };
  if (row.completed_at !== null) m.completedAt = new Date(row.completed_at);
  if (row.started_at !== null) m.startedAt = new Date(row.started_at);
  if (row.scheduled_start_at !== null) m.scheduledStartAt = new Date(row.scheduled_start_at);
  if (includePayloads) {
    if (row.input !== null) m.input = row.input;
    if (row.output !== null) m.output = row.output;
    if (row.custom_status !== null) m.customStatus = row.custom_status;
  }
  if (row.failure_details !== null) m.failureDetails = JSON.parse(row.failure_details) as FailureDetails;
  if (row.parent_instance_id !== null) m.parentInstanceId = row.parent_instance_id;
  if (row.version !== null) m.version = row.version;
  if (row.tags !== null) m.tags = JSON.parse(row.tags) as Record<string, string>;
  if (row.warnings !== null) m.warnings = JSON.parse(row.warnings) as string[];
  return m;
}

/** undefined and empty lists are stored as NULL. */
export function jsonOrNull(value: object | undefined): string | null {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return null;
  return JSON.stringify(value);
}

export function msOrNull(date: Date | undefined): number | null {
  return date === undefined ? null : date.getTime();
}
