// The protobuf side of the protocol: mapping between our plain data and the generated messages.
// Only grpc/ should import this; generated message types live in ./gen/ (import them from there).
export { historyEventToWire, historyEventFromWire, historyToWire, historyFromWire } from './history-wire.js';
export { actionToWire, actionFromWire, actionsFromWire } from './action-wire.js';
export { runtimeStatusToWire, runtimeStatusFromWire, stalledReasonToWire, stalledReasonFromWire } from './status-wire.js';
export { failureToWire, failureFromWire, optionalFailureToWire, optionalFailureFromWire } from './failure-wire.js';
export { workflowStateToWire, workflowStateFromWire, type WorkflowStateOptions } from './state-wire.js';
export { dateToTimestamp, timestampToDate, optionalDateToTimestamp, optionalTimestampToDate } from './timestamp-wire.js';
export {
  routerToWire,
  routerFromWire,
  optionalRouterToWire,
  optionalRouterFromWire,
  instanceRefToWire,
  instanceRefFromWire,
  traceContextToWire,
  traceContextFromWire,
  parentInstanceToWire,
  parentInstanceFromWire,
  workflowVersionToWire,
  workflowVersionFromWire,
  timerOriginToWire,
  timerOriginFromWire,
  type WireTimerOrigin,
} from './common-wire.js';
