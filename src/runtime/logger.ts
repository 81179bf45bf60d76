// The engine's logger: pino, quiet by default (warnings and errors), level from DURABLETASK_LOG_LEVEL.
import { pino } from 'pino';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function defaultLogger(): Logger {
  return pino({ name: 'durabletask', level: process.env.DURABLETASK_LOG_LEVEL ?? 'warn' }, pino.destination(2));
}
