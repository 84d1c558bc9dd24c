// The one reader of what a file is now (kind, size, last-write time) wherever zticache compares it
// with what the walk recorded, and the one writer of a last-write time. It reads what the walk reads:
// on POSIX an lstat; on Windows the FILETIME the volume keeps (the walk's enumeration gives it, and
// so does GetFileAttributesExW, which opens nothing). Never Node's fs.stat on Windows: libuv turns
// the FILETIME into 32-bit seconds there, so a file dated before 1970 or from 2106 on (1601, 1969,
// 2200: old setup and driver files carry such dates) reads as another time than its own inventory's
// and would be "changed" on every run. The platform puts its strategy in place once at start-up
// (useFileStat), as core/host.ts does for the rules; until then the POSIX one is in force.

import fs from 'node:fs';
import type { EntryKind } from './walk.js';

export interface FileInfo {
  /** what is at the path itself (a link is not followed) */
  kind: EntryKind;
  size: number;
  /** last-write time in milliseconds since 1970 (negative before), as the walk reads it */
  mtimeMs: number;
}

export interface FileStat {
  /** what is at p, or undefined when nothing is; any other failure is thrown */
  info(p: string): FileInfo | undefined;
  /**
   * sets p's last-write time to mtimeMs as info() will read it back (to the millisecond); the
   * last-access time is left to the file system
   */
  setModified(p: string, mtimeMs: number): void;
}

function kindOf(st: fs.Stats): EntryKind {
  if (st.isSymbolicLink()) return 'link';
  if (st.isDirectory()) return 'dir';
  return st.isFile() ? 'file' : 'other';
}

export const POSIX_FILE_STAT: Readonly<FileStat> = {
  info(p) {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p, { throwIfNoEntry: false });
    } catch (err) {
      // a folder on the way is a file (a package whose file became a folder): nothing is there
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
    return st && { kind: kindOf(st), size: st.size, mtimeMs: st.mtimeMs };
  },
  setModified(p, mtimeMs) {
    // seconds as a numeric string: Node takes a negative number for "now", and a Date would cut
    // the time to whole milliseconds (a time read back 1 ms off its source's: "rewritten")
    const t = String(mtimeMs / 1000);
    fs.utimesSync(p, t, t);
  },
};

/** The strategy in force. */
export const fileStat: FileStat = { ...POSIX_FILE_STAT };

/** Puts a platform's reader and writer in force (once, when the platform is chosen). */
export function useFileStat(s: Readonly<FileStat>): void {
  Object.assign(fileStat, s);
}
