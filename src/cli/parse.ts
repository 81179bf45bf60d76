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

// Strict ISO 8601: a calendar date, optionally with a time that names its offset (Z or ±hh:mm), since a
// time without one would silently mean this machine's zone. Date.parse alone accepts '1', 'March 7' and
// rolls '2026-02-30' over to March.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseDate(value: string): Date {
  const match = ISO_DATE.exec(value.trim());
  const hint = 'an ISO 8601 date or time with its offset (e.g. 2025-01-31, 2025-01-31T12:00:00Z or 2025-01-31T12:00+01:00)';
  if (!match) throw new InvalidArgumentError(`'${value}' is not ${hint}.`);
  const [, y, mo, d, h, mi, sec] = match;
  const date = new Date(value.trim());
  const calendar = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const realDay = calendar.getUTCFullYear() === Number(y) && calendar.getUTCMonth() === Number(mo) - 1 && calendar.getUTCDate() === Number(d);
  const realTime = h === undefined || (Number(h) < 24 && Number(mi) < 60 && Number(sec ?? 0) < 60);
  if (!realDay || !realTime || Number.isNaN(date.getTime())) throw new InvalidArgumentError(`'${value}' is not a real date or time; expected ${hint}.`);
  return date;
}

const AGE_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A relative age such as 90s, 15m, 12h, 7d or 2w, as a duration in milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d|w)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) throw new InvalidArgumentError(`'${value}' is not an age; expected a positive number and a unit: s, m, h, d or w (e.g. 7d).`);
  return Number(match[1]) * AGE_UNITS[match[2]!]!;
}

/** The instant that is `age` before now: --older-than 7d means created at or before seven days ago. */
export function ageToInstant(ageMs: number, now: number = Date.now()): Date {
  return new Date(now - ageMs);
}

/** A TCP port: 0 (pick a free one) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n > 65_535) throw new InvalidArgumentError(`'${value}' is not a TCP port (0-65535; 0 picks a free one).`);
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer.`);
  return n;
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
