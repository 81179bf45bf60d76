// Parsers for option and argument values. Option parsers throw commander's InvalidArgumentError, which
// commander reports naming the option; JSON arguments throw a usage error naming the argument.
import { InvalidArgumentError, type Command } from 'commander';
import { RUNTIME_STATUSES, isRuntimeStatus, type RuntimeStatus } from '../protocol/status.js';
import { usageError } from './exit-codes.js';
import type { GlobalOptions } from './open-backend.js';

/** Collects --status values: repeatable and comma-separated, case-insensitive. */
export function collectStatuses(value: string, previous: RuntimeStatus[] | undefined): RuntimeStatus[] {
  const out = [...(previous ?? [])];
  for (const part of value.split(',')) {
    const status = part.trim().toUpperCase();
    if (status === '') continue;
    if (!isRuntimeStatus(status)) throw new InvalidArgumentError(`'${part.trim()}' is not a status; expected one of ${RUNTIME_STATUSES.join(', ')}.`);
    if (!out.includes(status)) out.push(status);
  }
  return out;
}

export function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`'${value}' is not an ISO 8601 date or time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z).`);
  return date;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer.`);
  return n;
}

/** A TCP port: 0 picks a free one. */
export function parsePort(value: string): number {
  return value === '0' ? 0 : parsePositiveInt(value);
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** JSON text from the command line; bad JSON is a usage error that names the argument. */
export function parseJsonArgument(text: string | undefined, name: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const hint = /^[A-Za-z_][\w-]*$/.test(text) ? ` (a string must be quoted: '"${text}"')` : '';
    throw usageError(`${name} is not valid JSON: ${(error as Error).message}${hint}`);
  }
}

export function globalsOf(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<{ db: string; schema?: string }>();
  return { db: opts.db, schema: opts.schema };
}

/** Prints lines to stdout. */
export function print(lines: string | string[]): void {
  process.stdout.write(`${(Array.isArray(lines) ? lines : [lines]).join('\n')}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
