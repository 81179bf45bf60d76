// The source location of a durable call: the frame of the workflow code that called a ctx method. One
// stack frame, captured with V8's captureStackTrace cut at the method, so it costs a few microseconds, and
// only on a worker that asked for it.
import type { SourceLocation } from '../protocol/common.js';

export function callSite(method: Function): SourceLocation | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  try {
    Error.captureStackTrace(holder, method);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return parseFrame(holder.stack?.split('\n')[1]);
}

/** "    at fn (file:///app/x.js:12:5)" or "    at file:///app/x.js:12:5" -> { file, line, column }. */
export function parseFrame(frame: string | undefined): SourceLocation | undefined {
  const match = frame && /(?:\(|at )([^()\s][^()]*?):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (!match) return undefined;
  const file = match[1]!.replace(/^file:\/\//, '');
  return { file, line: Number(match[2]), column: Number(match[3]) };
}
