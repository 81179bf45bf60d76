/**
 * durabletask-ts/testing: test workflows in milliseconds and check changed code against recorded histories.
 * TestWorkflowEnvironment runs a worker and client on virtual time that skips ahead while the hub is idle;
 * replayHistory and replayHistories replay exported histories against the current code.
 */
export { TestWorkflowEnvironment, type TestWorkflowEnvironmentOptions, type WaitOptions, type ActivityMock } from './test-workflow-environment.js';
export { VirtualClock } from './virtual-clock.js';
export type { Clock } from '../core/clock.js';
export { replayHistory, replayHistories, registryOf, type WorkflowSet, type ReplayResult, type ReplayOutcome, type ReplayOptions } from './replay.js';
export { parseHistories, historyFromJson, historyToJson, type ExportedHistory } from '../protocol/history-json.js';
export { readHistories } from './history-files.js';
export { checkReplay, OPEN_STATUSES, type CheckReplayOptions, type CheckReplayReport, type InstanceCheck } from './check-replay.js';
export { loadWorkflowModule, type WorkflowModule } from './workflow-module.js';
