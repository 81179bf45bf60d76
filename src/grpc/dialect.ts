// Which dialect of the protocol a caller speaks (engine-spec §15), decided from what it sends, never from the
// bytes of a field whose meaning is in question. A GetWorkItems stream is decided once, when it opens, and every
// work item and answer on it is encoded and decoded by that dialect's schema; other calls by their metadata.
//
// The evidence, strongest first:
// 1. a `durabletask-dialect: dapr | microsoft` metadata entry (for SDKs that give no other sign);
// 2. on GetWorkItems, the request's fields: only the Microsoft dialect has 1-3, 10 and 11 (maxConcurrent*,
//    capabilities, workItemFilters), only the Dapr dialect has 4 (capabilities);
// 3. the user agent `durabletask-js`, which both JS SDKs on npm set: @microsoft/durabletask-js speaks the
//    Microsoft dialect, and @dapr/durabletask-js 1.0.0 was generated from an older snapshot of the same line;
// 4. otherwise the Dapr dialect (the Go engine's, which this engine's protocol files follow).
import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { InvalidArgumentError } from '../errors.js';
import type { Dialect } from '../protocol/wire/dialect-wire.js';

export type { Dialect };

export const DIALECT_METADATA_KEY = 'durabletask-dialect';

const MICROSOFT_USER_AGENT = /^durabletask-js(\s|\/|$)/;
const MICROSOFT_WORK_ITEM_FIELDS = new Set([1, 2, 3, 10, 11]);
const DAPR_WORK_ITEM_FIELDS = new Set([4]);

/** The dialect a call's metadata declares (1) or implies (3); undefined when it says nothing. */
export function dialectOfMetadata(metadata: Metadata): Dialect | undefined {
  const declared = first(metadata, DIALECT_METADATA_KEY);
  if (declared !== undefined) {
    if (declared === 'dapr' || declared === 'microsoft') return declared;
    throw new InvalidArgumentError(`metadata ${DIALECT_METADATA_KEY}`, `must be 'dapr' or 'microsoft', got '${declared}'`);
  }
  const agent = first(metadata, 'user-agent');
  return agent !== undefined && MICROSOFT_USER_AGENT.test(agent) ? 'microsoft' : undefined;
}

/** The dialect of a call that is not on a stream: its metadata, else the Dapr dialect. */
export function dialectOfCall(metadata: Metadata): Dialect {
  return dialectOfMetadata(metadata) ?? 'dapr';
}

/** The dialect of a GetWorkItems stream: its metadata entry, then the request's fields, then the user agent. */
export function dialectOfWorkItemsStream(metadata: Metadata, request: Uint8Array): Dialect {
  const declared = first(metadata, DIALECT_METADATA_KEY);
  if (declared !== undefined) return dialectOfCall(metadata);
  return dialectOfWorkItemsFields(request) ?? dialectOfCall(metadata);
}

/** Which dialect's GetWorkItemsRequest fields are present (their numbers do not overlap); undefined if none. */
export function dialectOfWorkItemsFields(request: Uint8Array): Dialect | undefined {
  const reader = new BinaryReader(request);
  let found: Dialect | undefined;
  try {
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      reader.skip(wireType, fieldNo);
      const dialect = MICROSOFT_WORK_ITEM_FIELDS.has(fieldNo) ? 'microsoft' : DAPR_WORK_ITEM_FIELDS.has(fieldNo) ? 'dapr' : undefined;
      if (dialect && found && dialect !== found) {
        throw new InvalidArgumentError('GetWorkItemsRequest', 'mixes fields of the Dapr dialect (4) and the Microsoft dialect (1-3, 10, 11)');
      }
      found ??= dialect;
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError('GetWorkItemsRequest', `is not a valid protobuf message (${String(error)})`);
  }
  return found;
}

function first(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return value === undefined ? undefined : String(value);
}

/**
 * A fresh execution ID in the dialect's own form: Durable Task Scheduler mints 32 lowercase hex digits (a GUID
 * without dashes), and the Microsoft SDK derives default child IDs from it (`<executionId>:<hex4>`, within its
 * 100-character limit); the Dapr engine mints a UUID.
 */
export function mintExecutionId(dialect: Dialect): string {
  const uuid = randomUUID();
  return dialect === 'microsoft' ? uuid.replaceAll('-', '') : uuid;
}
