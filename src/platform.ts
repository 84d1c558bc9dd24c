// Everything that differs between Windows and the rest, chosen once at start-up and passed down:
// the guard, the network-drive probe, free space and the event log. The flow never asks "am I on
// Windows?"; it asks the platform object.

import fs from 'node:fs';
import path from 'node:path';
import type { Guard } from './guard/guard.js';
import { posixGuard } from './guard/posix.js';

export interface EventLogSink {
  /** type: 'information' | 'warning' | 'error'; never throws */
  write(type: 'information' | 'warning' | 'error', message: string): boolean;
  /** one line for the file log: how many entries were written, how many failed */
  summary?(): string;
  close?(): void;
}

export interface Platform {
  readonly name: string;
  guard: Guard;
  /** true when the path is on a network drive (a mapped drive letter); UNC paths are recognised by their spelling */
  isRemote(p: string): boolean;
  /** bytes free for this process on the volume holding p (p must exist) */
  freeBytes(p: string): number;
  /** device id of the volume holding p (same value = rename works) */
  volumeOf(p: string): number | bigint;
  /**
   * Creates the target folder (its parent exists). On Windows with a protected ACL from the first
   * moment: SYSTEM and Administrators full control, Users read, nothing inherited from a C:\MININT
   * that a user may have created. An existing folder is left as it is. Returns what it did, for the log.
   */
  makeTargetDir(p: string): string;
  eventLog?: EventLogSink;
}

export const posixPlatform: Platform = {
  name: 'posix',
  guard: posixGuard,
  isRemote: () => false,
  freeBytes(p) {
    const s = fs.statfsSync(p);
    return s.bavail * s.bsize;
  },
  volumeOf: (p) => fs.statSync(p).dev,
  makeTargetDir(p) {
    try {
      fs.mkdirSync(p, { mode: 0o755 });
      return `Created ${p} (mode 755)`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return `${p} exists`;
    }
  },
};

/** The nearest existing folder at or above p (for free space and volume checks before creating p). */
export function existingAncestor(p: string, pp: path.PlatformPath = path): string {
  let cur = p;
  for (;;) {
    if (fs.existsSync(cur)) return cur;
    const up = pp.dirname(cur);
    if (up === cur) return cur;
    cur = up;
  }
}
