// The guard: hold every staged file and folder open so that OSDLaunch.exe's cleanup of C:\MININT
// cannot delete them while OSDLaunch itself can still read and run them. The original held only
// the files of the top folder and its direct subfolders, through FileSystemObject; here every file
// and folder at every depth is held, and a file that cannot be held stops the launch.

import { ExitCode } from '../core/exit-codes.js';
import type { Walker } from '../core/walk.js';
import { ZtiError } from '../core/errors.js';

/** Win32 errors a hold can meet (winerror.h); named here, not imported from win32/, so the guard contract needs no Windows layer. */
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_PATH_NOT_FOUND = 3;

export interface HoldRequest {
  /** iterables, so 100,000 paths are made one at a time, not held in an array */
  files: Iterable<string>;
  dirs: Iterable<string>;
}

export interface Held {
  files: number;
  dirs: number;
  /**
   * the walk VERIFY reads the target with, over the folder handles the guard holds (Windows: one
   * FileIdBothDirectoryInfo enumeration per held folder, through its own handle: each entry's ID,
   * size and time, no second open and no lookup by name); none where the guard holds nothing
   * (POSIX, --no-guard), where VERIFY walks by path
   */
  walk?: Walker;
  /** close every handle; safe to call twice */
  release(): void;
}

export interface Guard {
  /** how it holds, for the log */
  readonly description: string;
  /** false where holding a file does not stop its deletion (POSIX) */
  readonly protects: boolean;
  /**
   * The handles are left for the process's exit to close (Windows): zticache exits right after
   * the launcher, and closing 18,000 handles one by one took 0.7 s under Wine for nothing.
   */
  readonly closedByExit?: boolean;
  holdAll(req: HoldRequest): Held;
}

/** A file missing at guard time is a verification failure; anything else is the guard failing. */
export function holdFailure(path: string, errno: string | undefined, winError?: number, cause?: unknown): ZtiError {
  const missing = errno === 'ENOENT' || winError === ERROR_FILE_NOT_FOUND || winError === ERROR_PATH_NOT_FOUND;
  return missing
    ? new ZtiError(ExitCode.VERIFY_FAILED, `staged file or folder is missing: ${path}; the launcher was not started`, { path, syscallCode: errno, winError, cause })
    : new ZtiError(ExitCode.GUARD_FAILED, `cannot hold ${path} open; the launcher was not started`, { path, syscallCode: errno, winError, cause });
}

/** The --no-guard diagnostic: holds nothing. */
export const noGuard: Guard = {
  description: 'no guard (--no-guard): staged files are NOT protected from cleanup',
  protects: false,
  holdAll: () => ({ files: 0, dirs: 0, release() {} }),
};
