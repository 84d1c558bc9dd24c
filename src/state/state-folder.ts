// zticache's state folder (%ProgramData%\zticache, /var/lib/zticache): the one place whose content
// zticache trusts, so it is opened like any place others could write (by handle, never through a
// link; places.ts), created private when missing, and held: the platform then judges its owner from
// the handle (Windows: GetSecurityInfo; POSIX: fstat), never from a name that could be swapped in
// between. Refusals are STATE_UNSAFE, naming what was found.

import path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { PlaceError, type HeldFolder, type Places } from '../places/places.js';

/** The state folder, held; undefined when it does not exist and readOnly forbids making it. */
export function openStateFolder(places: Places, dir: string, pp: path.PlatformPath, readOnly = false): HeldFolder | undefined {
  try {
    const parent = places.openFolder(pp.dirname(dir), { create: !readOnly });
    try {
      return parent.folder(pp.basename(dir), readOnly ? 'existing' : 'either', 'private');
    } finally {
      parent.release();
    }
  } catch (err) {
    if (!(err instanceof PlaceError)) throw err;
    if (readOnly && err.code === 'ENOENT') return undefined;
    throw new ZtiError(ExitCode.STATE_UNSAFE,
      `the state folder ${dir} cannot be used: ${err.message}; zticache keeps its journals only in a folder of its own, nothing was changed`,
      { path: err.path, cause: err, winError: err.winError });
  }
}

/** The refusal of a state folder someone else made: its journals could be anyone's. */
export function untrustedState(dir: string, why: string): ZtiError {
  return new ZtiError(ExitCode.STATE_UNSAFE,
    `the state folder ${dir} ${why}: a standard user may have created it, so its journals are not trusted. Delete it (an administrator) and run again; nothing was changed`,
    { path: dir });
}
