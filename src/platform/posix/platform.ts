// The POSIX platform, the same contract as platform/win32/platform.ts, with what POSIX has: a guard
// that holds nothing (an open descriptor does not stop an unlink), places by handle through
// /proc/self/fd, the state folder and the lock of platform/posix/state.ts, the walk through
// node:fs, names as bytes, and no event log. POSIX is zticache's test platform; Windows its product.

import fs from 'node:fs';
import type { Platform } from '../platform.js';
import { nodeWalk } from '../../core/walk.js';
import { posixNames } from '../../names/posix.js';
import { posixGuard } from './guard.js';
import { posixPlaces } from './places.js';
import { posixLock, preparePosixStateDir } from './state.js';
import { posixProbes } from './probes.js';

export const posixPlatform: Platform = {
  name: 'posix',
  guard: posixGuard,
  locate: (p) => ({ medium: isReadOnlyVolume(p) ? 'readonly' : NETWORK_FILE_SYSTEMS.has(fs.statfsSync(p).type) ? 'remote' : 'fixed' }),
  walk: nodeWalk,
  cannotStart(launcher) {
    try {
      fs.accessSync(launcher, fs.constants.X_OK);
      return undefined;
    } catch (err) {
      return `it is not executable (${(err as NodeJS.ErrnoException).code})`;
    }
  },
  freeBytes(p) {
    const s = fs.statfsSync(p);
    return s.bavail * s.bsize;
  },
  volumeOf: (p) => fs.statSync(p).dev,
  clusterBytes: (p) => fs.statfsSync(p).bsize,
  prepareStateDir: preparePosixStateDir,
  lock: posixLock,
  places: posixPlaces,
  names: () => posixNames,
  probes: posixProbes,
};

/**
 * File systems whose files are on another machine (statfs f_type, linux/magic.h): NFS, SMB, CIFS,
 * SMB2, AFS, Coda, Ceph, 9P. A folder on one is on the network however its path is spelled (a
 * link to a mount, a bind mount of one).
 */
export const NETWORK_FILE_SYSTEMS: ReadonlySet<number> = new Set([0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x5346414f, 0x73757245, 0x00c36400, 0x01021997]);

/** A folder on a volume mounted read-only (EROFS even for root): its files can be copied, never moved. */
export function isReadOnlyVolume(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS';
  }
}

