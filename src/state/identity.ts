// What a location IS, as the file system says: volume + file ID (a bigint stat's dev and ino; on
// Windows libuv fills them with the volume serial number and the 64-bit file index). Two spellings
// of one folder — case, 8.3 short names, \\.\ and \\?\ prefixes, forward slashes, "..", a subst
// drive, a junction or symbolic link above it, \\localhost\c$ — give one identity, so every
// "is A inside B?" in zticache is asked here and never of the strings. Spelling is used only for
// what does not exist yet (the part of a path below its nearest existing ancestor).

import fs from 'node:fs';
import type path from 'node:path';
import { host } from '../core/host.js';
import { flatString } from '../core/flat-string.js';

export interface FileId {
  /** volume (st_dev; the volume serial number on Windows), as a decimal string so it survives JSON */
  dev: string;
  /** file ID within the volume (st_ino; the NTFS file index on Windows) */
  ino: string;
  /**
   * POSIX only: the birth time in ns (statx), where the file system keeps one. ext4 hands a
   * deleted folder's inode number to the next folder made (measured: rm then mkdir gets the same
   * ino), so dev + ino alone would take a recreated folder for the one zticache made. NTFS file IDs
   * carry a sequence number that changes on reuse, so Windows needs no more than dev + ino (and
   * a creation time there could be set by the folder's owner).
   */
  born?: string;
}

/** The identity of what exists at p (links followed), or undefined when nothing does. */
export function idOf(p: string): FileId | undefined {
  let st: fs.BigIntStats | undefined;
  try {
    st = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable counts as absent here; the caller's own checks report it
  }
  if (!st) return undefined;
  const id: FileId = { dev: st.dev.toString(), ino: st.ino.toString() };
  if (host.birthTimeInIds && st.birthtimeNs > 0n) id.born = st.birthtimeNs.toString();
  return id;
}

/** One file: same volume and file ID, and (where both know it) the same birth time. */
export function sameId(a: FileId | undefined, b: FileId | undefined): boolean {
  if (a === undefined || b === undefined || a.dev !== b.dev || a.ino !== b.ino) return false;
  return a.born === undefined || b.born === undefined || a.born === b.born;
}

/**
 * The identity of one entry of a package, as the journal keeps it: its file ID within the volume
 * (the inventory's volume is the source's; a rename keeps the ID, a replaced or rewritten-by-copy
 * file has another), and on POSIX its birth time after an `@` where the file system keeps one,
 * since ext4 hands a deleted file's inode number to the next file made. The walk records it, a
 * move decides "already in the target" by it, and VERIFY compares it; one function makes it for
 * every one of them, from a stat (Windows: a bigint one, as NTFS file IDs pass 2^53) or from the
 * 64-bit ID an enumeration gives.
 */
export function entryId(ino: number | bigint, birthtimeMs: number | bigint = 0): string {
  const born = Math.floor(Number(birthtimeMs)); // whole milliseconds, as a bigint stat gives them
  return !host.birthTimeInIds || !(born > 0) ? String(ino) : flatString(`${ino}@${born}`); // kept per file for the whole run
}

export function formatId(id: FileId | undefined): string {
  return id ? `volume ${id.dev}, file ${id.ino}${id.born ? `, born ${id.born}` : ''}` : 'none';
}

/**
 * Where `p` is under the folder whose identity is `folder`: the package-relative path (forward
 * slashes, '' for the folder itself) or undefined when p is not at or below it. Walks p's
 * ancestors and compares each one that exists with `folder`.
 */
export function locateUnder(pp: path.PlatformPath, p: string, folder: FileId | undefined): string | undefined {
  if (!folder) return undefined;
  const parts: string[] = [];
  let cur = pp.resolve(p);
  for (;;) {
    if (sameId(idOf(cur), folder)) return parts.join('/');
    const up = pp.dirname(cur);
    if (up === cur) return undefined;
    parts.unshift(pp.basename(cur));
    cur = up;
  }
}

/**
 * A volume root (C:\, E:\, a subst drive's root, /, a mount point): by spelling, or because its
 * parent is on another volume or is the folder itself.
 */
export function isVolumeRoot(pp: path.PlatformPath, p: string): boolean {
  const abs = pp.resolve(p);
  if (pp.dirname(abs) === abs) return true;
  const here = idOf(abs);
  const parent = idOf(pp.join(abs, '..'));
  if (!here || !parent) return false;
  return here.dev !== parent.dev || sameId(here, parent);
}
