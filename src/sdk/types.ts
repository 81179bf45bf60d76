// The shapes of user code: workflows and activities, and how calls refer to them (function or name).
import type { ActivityContext } from './activity-context.js';
import type { WorkflowContext } from './workflow-context.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Workflow<I = any, O = any> = (ctx: WorkflowContext, input: I) => Promise<O> | O;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Activity<I = any, O = any> = (ctx: ActivityContext, input: I) => Promise<O> | O;

/** A workflow by function (typed) or by registered name. */
export type WorkflowRef<I, O> = Workflow<I, O> | string;
/** An activity by function (typed) or by registered name. */
export type ActivityRef<I, O> = Activity<I, O> | string;
