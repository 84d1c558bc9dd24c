// The one JSON document `zticache util --json` and `zticache selftest --json` print when they fail
// before their own document exists (a mistyped option, no SMS provider, no Windows layer): a
// script piping standard output to ConvertFrom-Json always gets a document with the exit code, its
// name and way out, and the failure's words, never log lines (those go to standard error).

import { ExitCode, codeInfo } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { VERSION } from '../core/version.js';

export interface FailureJson {
  tool: 'zticache';
  command: string;
  version: string;
  exitCode: number;
  name: string | null;
  wayOut: string | null;
  message: string;
}

/** The document for a failure of `command` (`util`, `selftest`). */
export function failureJson(command: string, err: unknown): FailureJson {
  const exitCode = err instanceof ZtiError ? err.exitCode : ExitCode.INTERNAL;
  const info = codeInfo(exitCode);
  const message = err instanceof ZtiError ? err.describe() : err instanceof Error ? err.message : String(err);
  return { tool: 'zticache', command, version: VERSION, exitCode, name: info?.name ?? null, wayOut: info?.wayOut ?? null, message };
}

/** Writes the document on standard output, flushed before the process exits (a pipe on Windows writes asynchronously). */
export function printFailureJson(command: string, err: unknown): Promise<void> {
  const json = `${JSON.stringify(failureJson(command, err), null, 2)}\n`;
  return new Promise<void>((done) => void process.stdout.write(json, () => done()));
}
