// Checks on what an SDK worker answers, beyond its wire shape: a completion must end the workflow (a RUNNING
// "completion", the proto default an SDK sends when it forgets the status, would wedge the instance), and every
// payload it hands the engine is within the sidecar's payload limit, as everything else entering through gRPC.
import { checkPayloadSize } from '../core/payload.js';
import { InvalidArgumentError } from '../errors.js';
import type { WorkflowAction } from '../protocol/actions.js';
import type { Payload } from '../protocol/common.js';
import { isTerminalStatus } from '../protocol/status.js';

export function checkTurnAnswer(actions: readonly WorkflowAction[], customStatus: Payload, limit: number): void {
  checkPayloadSize(customStatus, 'customStatus', limit);
  actions.forEach((action, i) => {
    const field = `actions[${i}]`;
    switch (action.type) {
      case 'completeWorkflow':
        if (!isTerminalStatus(action.workflowStatus) && action.workflowStatus !== 'CONTINUED_AS_NEW') {
          throw new InvalidArgumentError(
            `${field}.completeWorkflow.workflowStatus`,
            `is ${action.workflowStatus}; a completion must be COMPLETED, FAILED, TERMINATED, CANCELED or CONTINUED_AS_NEW`,
          );
        }
        checkPayloadSize(action.result, `${field}.completeWorkflow.result`, limit);
        break;
      case 'scheduleTask':
      case 'createChildWorkflow':
      case 'createDetachedWorkflow':
        checkPayloadSize(action.input, `${field}.${action.type}.input`, limit);
        break;
      case 'sendEvent':
        checkPayloadSize(action.data, `${field}.sendEvent.data`, limit);
        break;
      case 'terminateWorkflow':
        checkPayloadSize(action.reason, `${field}.terminateWorkflow.reason`, limit);
        break;
      default:
        break;
    }
  });
}
