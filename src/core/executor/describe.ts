// Human descriptions of history events for non-determinism messages: both sides, in the SDK's words.
import type { HistoryEvent } from '../../protocol/history.js';

export function describeHistoryEvent(event: HistoryEvent): string {
  switch (event.type) {
    case 'taskScheduled':
      return `callActivity('${event.name}')`;
    case 'childWorkflowInstanceCreated':
      return `callChildWorkflow('${event.name}', instance '${event.instanceId}')`;
    case 'timerCreated':
      return event.origin?.kind === 'externalEvent' ? `waitForExternalEvent('${event.origin.name}') timeout timer` : 'createTimer';
    case 'eventSent':
      return `sendEvent('${event.name}' to '${event.instanceId}')`;
    case 'detachedWorkflowInstanceCreated':
      return `scheduleNewWorkflow(instance '${event.instanceId}')`;
    default:
      return event.type;
  }
}
