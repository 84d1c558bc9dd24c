// The Windows Platform: the share-mode guard, GetDriveTypeW for mapped network drives,
// GetDiskFreeSpaceExW (quota-aware free space) and the Application event log. Everything
// Windows-only is reached from here; the rest of zticache only sees the Platform interface.

import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import type { Platform } from '../platform.js';
import { bindCreateProtectedDir, openEventLog, TARGET_SDDL } from './advapi32.js';
import { windowsGuard } from './guard.js';
import { bindKernel32, DRIVE_REMOTE, longPath } from './kernel32.js';
import { loadKoffi, type LoadNativeOptions } from './load-native.js';

export async function windowsPlatform(opts: LoadNativeOptions & { eventSource: string }): Promise<Platform> {
  let k32;
  let koffi;
  try {
    koffi = await loadKoffi(opts);
    k32 = bindKernel32(koffi);
  } catch (err) {
    throw new ZtiError(ExitCode.GUARD_FAILED, `cannot load the Windows layer (koffi): ${(err as Error).message}; without it the staged files cannot be protected, so nothing was changed`, { cause: err });
  }
  let eventLog: ReturnType<typeof openEventLog> | undefined;
  try {
    eventLog = openEventLog(koffi, opts.eventSource, k32.lastError);
  } catch {
    eventLog = undefined; // the event log never fails the run
  }
  const kernel = k32;
  const createProtectedDir = bindCreateProtectedDir(koffi, kernel.lastError);
  return {
    name: 'win32',
    guard: windowsGuard(kernel),
    isRemote(p) {
      const plain = p.replace(/^\\\\\?\\(?!UNC\\)/i, '');
      const root = path.win32.parse(path.win32.resolve(plain)).root;
      return kernel.driveType(root) === DRIVE_REMOTE;
    },
    freeBytes(p) {
      const r = kernel.freeBytes(p.endsWith('\\') ? p : p + '\\');
      if (typeof r === 'number') return r;
      const s = fs.statfsSync(p);
      return s.bavail * s.bsize;
    },
    volumeOf: (p) => fs.statSync(p).dev,
    makeTargetDir(p) {
      const err = createProtectedDir(longPath(p), TARGET_SDDL);
      if (err === 183 /* ERROR_ALREADY_EXISTS */) return `${p} exists (its ACL is left as it is)`;
      if (err !== 0) throw new ZtiError(ExitCode.STAGE_FAILED, `cannot create ${p} with its protected ACL`, { path: p, winError: err });
      return `Created ${p} with a protected ACL (${TARGET_SDDL})`;
    },
    eventLog: eventLog && {
      write: (type, message) => eventLog.write(type, message),
      summary: () => `Event log: ${eventLog.stats.written} entries written to the Application log as source "${opts.eventSource}", ${eventLog.stats.failed} failed${eventLog.stats.lastError ? ` (last Windows error ${eventLog.stats.lastError})` : ''}`,
      close: () => eventLog.close(),
    },
  };
}
