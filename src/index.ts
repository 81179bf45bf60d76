/**
 * durabletask-ts: the Durable Task workflow engine for TypeScript.
 * Public API: workflow SDK, client and worker, backends, and the protocol data model.
 */
export * from './errors.js';
export * from './protocol/index.js';
export type * from './backends/backend.js';
