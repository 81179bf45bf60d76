// What the CLI's text output may assume of where it goes: colours only on a terminal that wants them
// (NO_COLOR, https://no-color.org, and FORCE_COLOR are honoured), and lines cut to the terminal's width.
import type { RuntimeStatus } from '../protocol/status.js';

export interface Output {
  isTTY?: boolean;
  columns?: number;
}

export function colorEnabled(out: Output = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return out.isTTY === true && env['TERM'] !== 'dumb';
}

const STATUS_COLORS: Record<RuntimeStatus, number> = {
  RUNNING: 34, // blue
  PENDING: 36, // cyan
  COMPLETED: 32, // green
  FAILED: 31, // red
  TERMINATED: 35, // magenta
  CANCELED: 35,
  CONTINUED_AS_NEW: 34,
  SUSPENDED: 33, // yellow
  STALLED: 33,
};

/** The status, coloured when colours are on; padding is applied by the caller before colouring. */
export function paintStatus(text: string, status: RuntimeStatus, color: boolean): string {
  return color ? `\u001b[${STATUS_COLORS[status]}m${text}\u001b[0m` : text;
}

/** Lines cut to the terminal's width with an ellipsis; unchanged when the output is not a terminal. */
export function fitToWidth(lines: string[], out: Output = process.stdout): string[] {
  const width = out.isTTY ? out.columns : undefined;
  if (!width || width < 20) return lines;
  return lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
}
