// The Windows Platform: the share-mode guard, where a folder is as opened (locate.ts),
// GetDiskFreeSpaceExW (quota-aware free space) and the Application event log. Everything
// Windows-only is reached from here; the rest of zticache only sees the Platform interface.

import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { daclInWords } from '../../core/sddl.js';
import { NOT_CREATED, type Platform } from '../platform.js';
import { bindSecurity, openEventLog, STATE_SDDL, TRUSTED_OWNERS } from './advapi32.js';
import { openStateFolder, untrustedState } from '../../state/state-folder.js';
import { windowsGuard } from './guard.js';
import { bindEnumerate, enumerationWalk } from './enumerate.js';
import { bindKernel32, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_SHARING_VIOLATION, longPath } from './kernel32.js';
import { loadKoffi, removeOtherVersions, type LoadNativeOptions } from './load-native.js';
import { bindNtFiles, windowsPlaces } from './places.js';
import { bindCom, type Com } from './com/dispatch.js';
import { bindNames } from './names.js';
import { bindProbes } from './probes.js';
import { bindLocate } from './locate.js';
import { bindCannotStart } from './start-check.js';
import { useHost, WINDOWS_HOST } from '../../core/host.js';
import { useFileStat } from '../../core/file-stat.js';
import { bindFileStat } from './file-stat.js';

/** The root of the volume holding p (C:\, \\server\share\), whatever prefix p is spelled with. */
const rootOf = (p: string) => path.win32.parse(path.win32.resolve(p.replace(/^\\\\[?.]\\(?!UNC\\)/i, ''))).root;

/** Held open with share mode 0 by the run in progress; Windows closes it when the process dies. */
const LOCK_FILE = 'zticache.lock';

export async function windowsPlatform(opts: LoadNativeOptions & { eventSource: string; systemDrive?: string; whatIf?: boolean }): Promise<Platform> {
  useHost(WINDOWS_HOST); // how files and processes behave here, for every step (core/host.ts)
  let k32;
  let koffi;
  let note: string | undefined;
  let kept: { root: string; version: string } | undefined;
  try {
    ({ koffi, note, kept } = await loadKoffi(opts));
    k32 = bindKernel32(koffi);
  } catch (err) {
    throw new ZtiError(ExitCode.WINDOWS_LAYER_FAILED, `cannot load the Windows layer (koffi): ${(err as Error).message}; without it the staged files cannot be protected, so nothing was changed`, { cause: err });
  }
  let eventLog: ReturnType<typeof openEventLog> | undefined;
  try {
    eventLog = openEventLog(koffi, opts.eventSource, k32.lastError);
  } catch {
    eventLog = undefined; // the event log never fails the run
  }
  const kernel = k32;
  useFileStat(bindFileStat(koffi, kernel.lastError)); // every time compared with the walk's is read as the walk reads it
  const security = bindSecurity(koffi, kernel.lastError);
  const enumerate = bindEnumerate(koffi, kernel.lastError);
  const places = windowsPlaces(bindNtFiles(koffi, kernel, security));
  // the folders of other versions' native modules, now that there is a places layer to remove them
  // with; --what-if changes nothing but the module it must load
  const notes = [...(note ? [note] : []), ...(kept ? removeOtherVersions(places, kept.root, kept.version, path.win32, opts.whatIf) : [])];
  const names = bindNames(koffi, opts.systemDrive);
  let com: Com | undefined; // COM is initialised only by the commands that use it
  return {
    name: 'win32',
    guard: windowsGuard(kernel, enumerate),
    locate: bindLocate(koffi, kernel.lastError, rootOf),
    walk: enumerationWalk((dir) => enumerate.list(dir)),
    cannotStart: bindCannotStart(koffi),
    freeBytes(p) {
      const r = kernel.freeBytes(p.endsWith('\\') ? p : p + '\\');
      if (typeof r === 'number') return r;
      const s = fs.statfsSync(p);
      return s.bavail * s.bsize;
    },
    volumeOf: (p) => fs.statSync(p).dev,
    clusterBytes(p) {
      const r = kernel.clusterBytes(rootOf(p));
      return typeof r === 'number' && r > 0 ? r : 4096; // unknown: NTFS's usual cluster
    },
    prepareStateDir(p, o = {}) {
      const held = openStateFolder(places, p, path.win32, o.readOnly);
      if (!held) return NOT_CREATED(`The state folder ${p}`);
      const owner = held.owner();
      const me = security.processUser();
      const trusted = TRUSTED_OWNERS.find(([sid]) => sid === owner)?.[1] ?? (typeof me === 'string' && me === owner ? `this user, ${me}` : undefined);
      if (!trusted) {
        held.release();
        throw untrustedState(p, `is owned by ${owner}, not by SYSTEM, Administrators or the user running zticache`);
      }
      // held for the rest of the run (no FILE_SHARE_DELETE): the journals are then written by name
      // into the very folder whose owner was just read
      return held.created ? `Created the state folder ${p} with a protected ACL: ${daclInWords(STATE_SDDL)}` : `State folder ${p} (owner ${trusted})`;
    },
    async lock(stateDir, o = {}) {
      const file = path.win32.join(stateDir, LOCK_FILE);
      const h = kernel.openExclusive(longPath(file), !o.readOnly);
      if (o.readOnly && typeof h !== 'number' && (h.error === ERROR_FILE_NOT_FOUND || h.error === ERROR_PATH_NOT_FOUND)) {
        return { where: NOT_CREATED(`The lock file ${file}`), release: () => {}, held: false };
      }
      if (typeof h !== 'number') {
        if (h.error === ERROR_SHARING_VIOLATION) return { busy: true };
        throw new ZtiError(ExitCode.STATE_UNSAFE, `cannot open the lock file ${file}`, { path: file, winError: h.error });
      }
      return { where: file, release: () => void kernel.close(h) };
    },
    places,
    names: (target) => names.rulesFor(rootOf(target)),
    probes: bindProbes(koffi, kernel.lastError),
    createObject: (progId) => (com ??= bindCom(koffi)).create(progId),
    notes,
    eventLog: eventLog && {
      write: (type, message) => eventLog.write(type, message),
      summary: () => `Event log: ${eventLog.stats.written} entries written to the Application log as source "${opts.eventSource}", ${eventLog.stats.failed} failed${eventLog.stats.lastError ? ` (last Windows error ${eventLog.stats.lastError})` : ''}`,
      close: () => eventLog.close(),
    },
  };
}
