// Everything that differs between Windows and the rest, chosen once at start-up and passed down:
// the guard, the network-drive probe, free space, the state folder and its run lock, the places
// others can write (by handle), what a name is (names/) and the event log. The flow never asks "am I on
// Windows?"; it asks the platform object.

import fs from 'node:fs';
import path from 'node:path';
import type { Guard } from '../guard/guard.js';
import type { Walker } from '../core/walk.js';
import { NOT_CREATED, type Busy, type ReadOnly, type RunLock } from '../state/run-lock.js';
import type { Medium } from '../core/types.js';
import type { EventLogSink } from '../log/logger.js';
import type { Places } from '../places/places.js';
import type { Dispatch } from '../core/automation.js';
import type { NameRules } from '../names/names.js';


/** Where a folder is: its medium, and (Windows) its final path as opened, links followed. */
export interface Location {
  medium: Medium;
  final?: string;
}

export interface Platform {
  readonly name: string;
  guard: Guard;
  /**
   * Where the folder p (which exists) is, as opened, not as spelled: the medium of the volume that
   * holds it (a network share or drive, removable, CD-ROM, read-only, or a fixed writable disk),
   * found through the links on its way (a folder that is a link to a share is on the network), and
   * on Windows its final path.
   */
  locate(p: string): Location;
  /**
   * Lists a tree: names, kinds, sizes and times. POSIX: readdir + lstat; Windows: one
   * FileIdBothDirectoryInfo enumeration per folder, no file opened (on NTFS with an antivirus filter every
   * open is a scan: the guard's handle should be the only one per file).
   */
  walk: Walker;
  /**
   * Why the existing file `launcher` cannot be started here as a program, or undefined when it can:
   * POSIX, no execute permission; Windows, not a PE image this machine runs (0 bytes, text, a DLL,
   * another machine type; platform/win32/pe.ts). Asked in the plan, before anything moves.
   */
  cannotStart(launcher: string): string | undefined;
  /** bytes free for this process on the volume holding p (p must exist) */
  freeBytes(p: string): number;
  /** the allocation unit of the volume holding p: a file takes its size rounded up to it */
  clusterBytes(p: string): number;
  /** device id of the volume holding p (same value = rename works) */
  volumeOf(p: string): number | bigint;
  /**
   * Makes zticache's state folder, or checks the existing one: not a link, and made by SYSTEM,
   * administrators (root) or the user running zticache, with nobody else able to write in it.
   * Throws STATE_UNSAFE otherwise; returns what it found or did, for the log.
   */
  prepareStateDir(p: string, opts?: ReadOnly): string;
  /**
   * One run at a time: takes the lock of the state folder, which the operating system releases
   * when the process dies. Busy when another process holds it, with that process's ID where the
   * operating system tells it (Linux: the process holding the socket).
   */
  lock(stateDir: string, opts?: ReadOnly): Promise<RunLock | Busy>;
  /** privileged file operations in places others can write, by handle (places/places.ts) */
  places: Places;
  /**
   * What a name is on the file system that holds `target` (names/names.ts): which names it can
   * hold, when two are one, whether it makes 8.3 aliases. The one authority every step asks.
   */
  names(target: string): NameRules;
  /** CreateObject(progId) for COM automation (Windows only: zticache util, zticache cache-size) */
  createObject?(progId: string): Dispatch;
  /** what `zticache selftest` asks of this machine that only the platform can answer */
  probes: SelftestProbes;
  /** what loading the platform did that the log should say (Windows: where the native module went) */
  notes?: string[];
  eventLog?: EventLogSink;
}

/** What `zticache selftest` asks of this machine that only the platform can answer (commands/selftest/). */
export interface SelftestProbes {
  /** makes a junction at link pointing at target: true, or why it cannot be made here */
  junction(link: string, target: string): Promise<true | string>;
  /** the 8.3 alias the volume gave an existing path's last name, when it gave one */
  shortName(path: string): string | undefined;
  /** the newest record of the Application log from source whose text holds marker; 'none'; or why it cannot be read here */
  findEvent(source: string, marker: string): { record: number; id: number; type: number; source: string } | 'none' | { skip: string };
  /**
   * starts exe with args as the SMS client may (no console window; detached from any console) and
   * no standard handles at all, waits, and gives its full exit code
   */
  start(exe: string, args: readonly string[], how: 'no window' | 'detached'): Promise<number>;
  /** what the machine says about itself that a deployment depends on (the temp folder SYSTEM gets, long paths) */
  machine(): string[];
  /** the emulator this runs under (Wine), which some checks cannot be judged on; undefined on a real system */
  emulator(): string | undefined;
}

export type { Busy, ReadOnly, RunLock };
export { NOT_CREATED };

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
