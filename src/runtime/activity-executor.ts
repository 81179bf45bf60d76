// Where an activity runs: the registered function in this process, or a remote SDK worker over a
// GetWorkItems stream. The processor (activity-processor.ts) delivers the result and owns every rule around it.
import type { ActivityResultEvent, ActivityWorkItem } from '../backends/backend.js';

export interface ActivityExecutor {
  /** Whether this executor can run activities of the name now (a worker locks only what it serves). */
  serves(name: string): boolean;
  /** Runs the task once; the result is TaskCompleted or TaskFailed for the workflow's inbox. */
  run(item: ActivityWorkItem): Promise<ActivityResultEvent>;
}
