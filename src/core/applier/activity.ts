// ScheduleTask: recorded in the caller's history and queued for an activity worker, in the same commit.
import type { ScheduleTaskAction } from '../../protocol/actions.js';
import { newEvent } from '../../protocol/history.js';
import { withSource } from './source.js';
import { record, type Turn } from './turn-output.js';

export function applyScheduleTask(turn: Turn, action: ScheduleTaskAction): void {
  const scheduled = newEvent('taskScheduled', turn.ctx.now, {
    eventId: action.id,
    name: action.name,
    version: action.version,
    input: action.input,
    taskExecutionId: action.taskExecutionId,
    parentTraceContext: turn.ctx.traceContext,
    router: action.router,
  });
  withSource(scheduled, action);
  record(turn, scheduled);
  turn.out.activityTasks.push(scheduled);
}
