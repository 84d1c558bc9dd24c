// How every command turns a failure into its exit code and its one line: a ZtiError is its own
// code and words; anything else is a bug, INTERNAL, with the stack in the log. And what asks a
// command to stop.

import { codeHeading, ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';

/**
 * The one line a failure is known by: its name and its way out first (what the console's 128
 * characters of a status MIF must carry), then its words and its system code.
 */
export function failureLine(err: unknown): string {
  if (err instanceof ZtiError) return `${codeHeading(err.exitCode) ?? err.exitCode}: ${err.describe()}`;
  return `${codeHeading(ExitCode.INTERNAL)}: ${err instanceof Error ? err.message : String(err)}`;
}

export function report(err: unknown, log: { error(m: string): void }): number {
  if (err instanceof ZtiError) {
    log.error(`${err.describe()} [exit ${err.exitCode}]`);
    return err.exitCode;
  }
  log.error(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)} [exit ${ExitCode.INTERNAL}]`);
  return ExitCode.INTERNAL;
}

/** What asks a command to stop: Ctrl+C and Ctrl+Break (SIGBREAK) on Windows, SIGTERM everywhere. */
export const STOP_SIGNALS: Readonly<Record<'win32' | 'posix', readonly NodeJS.Signals[]>> = {
  win32: ['SIGINT', 'SIGBREAK', 'SIGTERM'],
  posix: ['SIGINT', 'SIGTERM', 'SIGHUP'],
};
