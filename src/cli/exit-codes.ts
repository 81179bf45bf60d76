// Exit codes of the durabletask CLI: one table from DurableTaskError codes, plus the CLI's own error for
// problems the engine has no class for (bad command-line input, a database that cannot be opened).
import { DurableTaskError, type ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_OTHER = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;
export const EXIT_PRECONDITION = 4;
export const EXIT_DATABASE = 5;
/** check-replay found instances that would diverge. */
export const EXIT_DIVERGED = 6;

/** Exit code per DurableTaskError code: scripts can tell "fix your input" from "no such instance" from "try later". */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: EXIT_USAGE,
  PAYLOAD_TOO_LARGE: EXIT_USAGE,
  NOT_FOUND: EXIT_NOT_FOUND,
  ALREADY_EXISTS: EXIT_PRECONDITION,
  FAILED_PRECONDITION: EXIT_PRECONDITION,
  UNAVAILABLE: EXIT_DATABASE,
  LEASE_LOST: EXIT_OTHER,
  NON_DETERMINISM: EXIT_OTHER,
  NOT_REGISTERED: EXIT_OTHER,
  TIMEOUT: EXIT_OTHER,
  TASK_FAILED: EXIT_OTHER,
  INTERNAL: EXIT_OTHER,
};

/** An expected CLI failure: printed as one line, exits with exitCode. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad input on the command line (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(EXIT_USAGE, message);
}

/** The exit code for an error, and whether it was expected (expected errors print no stack trace). */
export function classify(error: unknown): { exitCode: number; expected: boolean } {
  if (error instanceof CliError) return { exitCode: error.exitCode, expected: true };
  if (error instanceof DurableTaskError) return { exitCode: EXIT_CODES[error.code] ?? EXIT_OTHER, expected: error.code !== 'INTERNAL' };
  return { exitCode: EXIT_OTHER, expected: false };
}
