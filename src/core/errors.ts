// The one error type of zticache. Every failure is raised as a ZtiError where it happens, carrying
// the exit code, the path involved and the system error (errno name and, on Windows, the Win32
// code); the CLI is the only place that turns it into an exit code.

import type { ExitCode } from './exit-codes.js';

export interface ZtiErrorInfo {
  path?: string;
  /** errno name from Node (ENOENT, EBUSY, ...) */
  syscallCode?: string;
  /** Win32 error code (GetLastError), when the failure came from a Windows call */
  winError?: number;
  cause?: unknown;
}

export class ZtiError extends Error {
  override name = 'ZtiError';
  readonly exitCode: ExitCode;
  readonly path?: string;
  readonly syscallCode?: string;
  readonly winError?: number;

  constructor(exitCode: ExitCode, message: string, info: ZtiErrorInfo = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.exitCode = exitCode;
    this.path = info.path;
    this.syscallCode = info.syscallCode ?? errnoOf(info.cause);
    this.winError = info.winError;
  }

  /** The one-line text an admin sees: message, then the system code when there is one. */
  describe(): string {
    const codes: string[] = [];
    if (this.syscallCode) codes.push(this.syscallCode);
    if (this.winError !== undefined) codes.push(`Windows error ${this.winError}`);
    return codes.length ? `${this.message} (${codes.join(', ')})` : this.message;
  }
}

/** The errno name of a Node system error, if it is one. */
export function errnoOf(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return undefined;
}
