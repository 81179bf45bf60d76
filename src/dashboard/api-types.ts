// The JSON shapes of the dashboard API, shared by the server and the page (types only: the page bundle
// imports nothing else from the engine). Instants are ISO 8601 strings.
import type { FailureDetails } from '../protocol/common.js';
import type { RuntimeStatus } from '../protocol/status.js';

export interface InstanceJson {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  createdAt: string;
  lastUpdatedAt: string;
  startedAt?: string;
  completedAt?: string;
  scheduledStartAt?: string;
  executionId: string;
  parentInstanceId?: string;
  /** Payloads as stored: JSON text, shown formatted when it parses and as text when it does not. */
  serializedInput?: string;
  serializedOutput?: string;
  serializedCustomStatus?: string;
  failureDetails?: FailureDetails;
  tags?: Record<string, string>;
  warnings?: string[];
}

export interface InstancePageJson {
  instances: InstanceJson[];
  /** Present when more (older) instances follow: pass it back as continuationToken. */
  continuationToken?: string;
}

export interface CountsJson {
  counts: Partial<Record<RuntimeStatus, number>>;
  total: number;
}

export interface InfoJson {
  readOnly: boolean;
  version: string;
  /** Which optional actions this engine offers. */
  actions: string[];
}

/** Where in the workflow's source a durable call was made, when the worker records it. */
export interface SourceLocationJson {
  file: string;
  line: number;
  column?: number;
}

export type SegmentKind = 'attempt' | 'retryDelay' | 'timer' | 'wait' | 'spawn' | 'received';
export type SegmentOutcome = 'running' | 'completed' | 'failed' | 'fired' | 'timedOut' | 'received' | 'spawned';

/** One span (or instant, when end equals start) of a timeline row. */
export interface TimelineSegment {
  kind: SegmentKind;
  start: string;
  /** Absent while it is still running. */
  end?: string;
  outcome: SegmentOutcome;
  /** Indexes into the instance's history of the events behind this segment. */
  events: number[];
  /** e.g. the failure message of an attempt. */
  detail?: string;
  /** The child or detached instance this segment started. */
  instanceId?: string;
}

export type RowKind = 'activity' | 'child' | 'timer' | 'event' | 'detached' | 'signal';

export interface TimelineRow {
  key: string;
  kind: RowKind;
  label: string;
  segments: TimelineSegment[];
  source?: SourceLocationJson;
}

export interface TimelineJson {
  start: string;
  /** The completion time, or the time the timeline was drawn for an unfinished instance. */
  end: string;
  finished: boolean;
  rows: TimelineRow[];
}

export type FamilyEdgeKind = 'child' | 'detached';

export interface FamilyNode {
  instanceId: string;
  name?: string;
  runtimeStatus?: RuntimeStatus;
  /** False for a link to an instance that no longer exists (purged). */
  exists: boolean;
}

export interface FamilyJson {
  root: string;
  nodes: FamilyNode[];
  edges: { from: string; to: string; kind: FamilyEdgeKind }[];
  /** True when the walk stopped at its node limit. */
  truncated: boolean;
}

export interface HistoryEventJson {
  index: number;
  type: string;
  eventId: number;
  timestamp: string;
  [field: string]: unknown;
}
