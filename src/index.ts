/**
 * durabletask-ts: the Durable Task workflow engine for TypeScript.
 * Workflows are async functions replayed from an event-sourced history; activities do the side effects.
 * Public API: the workflow SDK, the in-process Worker and Client, the backends, and the protocol data model.
 */
export * from './errors.js';
export * from './protocol/index.js';
export type * from './backends/backend.js';
export { DurableTask } from './core/executor/durable-task.js';
export type { WorkflowContext, ActivityOptions, ChildWorkflowOptions, DetachedWorkflowOptions } from './sdk/workflow-context.js';
export type { ActivityContext } from './sdk/activity-context.js';
export type { Workflow, Activity, WorkflowRef, ActivityRef } from './sdk/types.js';
export type { RetryPolicy } from './sdk/retry-policy.js';
export { Registry } from './sdk/registry.js';
export { whenAll, whenAny } from './sdk/when.js';
export { Worker, type WorkerOptions } from './runtime/worker.js';
export { Client, type ClientOptions, type ScheduleOptions, type WorkflowStatePage } from './runtime/client.js';
export type { PurgeFilter, PurgeResult, PurgeSkip } from './runtime/purge.js';
export type { BulkResult, WorkflowFilter } from './runtime/bulk-control.js';
export type { RetentionPolicy, RetentionRunResult } from './runtime/retention.js';
export type { WorkflowState } from './runtime/workflow-state.js';
export type { Logger } from './runtime/logger.js';
export type { WorkflowLogger } from './sdk/workflow-logger.js';
export { MemoryBackend } from './backends/memory/memory-backend.js';
export { SqliteBackend, type SqliteBackendOptions } from './backends/sqlite/sqlite-backend.js';
export { PostgresBackend, type PostgresBackendOptions } from './backends/postgres/postgres-backend.js';
