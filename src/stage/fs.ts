// The one file-system seam of staging: every call that moves, copies, stats, flushes or removes
// a package file goes through the stageFs object below, and nothing else in stage/ touches
// node:fs for package files. The crash and fault tests replace its methods (vi.spyOn) to make
// the failures the OS will not make on demand, the way rimraf's tests swap its src/fs.ts; nothing
// in the shipped code knows about them. Small files are copied with the synchronous forms (see
// copy.ts).

import fs from 'node:fs';
import path from 'node:path';
import { entryId } from '../state/identity.js';
import type { HeldFolder } from '../places/places.js';
import { removeTree, type RemoveOptions } from './remove.js';
import { retryPolicy, TRANSIENT_RENAME_ERRORS, withRetry } from './retry.js';
import { host } from '../core/host.js';
import { fileStat, type FileInfo } from '../core/file-stat.js';

/**
 * The file calls staging makes, as one object.
 */
export interface StageFs {
  copyFile(src: string, dst: string): Promise<void>;
  copyFileSync(src: string, dst: string): void;
  /** a second name for the file src (a hard link); EXDEV across volumes */
  link(src: string, dst: string): void;
  /**
   * kind, size and last-write time of what is at p, as the walk reads them (core/file-stat.ts: on
   * Windows the FILETIME, never Node's wrapping seconds); undefined when nothing is there (no
   * exception: for 10,000 fresh copies, throwing ENOENT each time cost ~60 ms)
   */
  statSync(p: string): FileInfo | undefined;
  /** the same, for the copies made on the thread pool */
  stat(p: string): Promise<FileInfo | undefined>;
  /** sets p's last-write time as statSync and the walk will read it back (core/file-stat.ts) */
  setModified(p: string, mtimeMs: number): void;
  rename(from: string, to: string): Promise<void>;
  /** removes a file or a tree, never through a link, retrying held files (stage/remove.ts) */
  rm(p: string, opts?: RemoveOptions): Promise<void>;
  /**
   * removes the entry `name` of a held folder, by handle (places.ts): the old target, in a folder
   * others may write; retried like rm
   */
  removeIn(folder: HeldFolder, name: string, opts?: RemoveOptions): Promise<void>;
  /** flush a file's (or, on POSIX, a folder's) data to disk */
  fsync(p: string): Promise<void>;
  /** a folder and its missing parents */
  mkdirp(p: string): void;
  /** one file, if it is there (a half-written copy) */
  removeFile(p: string): void;
  /** something is there (a link counts: it is not followed) */
  exists(p: string): boolean;
  /**
   * the identity of what is at p (identity.ts: entryId, as the walk records it; a link as
   * itself), or undefined when nothing is: what a move decides "already in the target" by
   */
  idOf(p: string): string | undefined;
  /**
   * the name the file system keeps for the entry a lookup of p finds: on Windows a lookup by an
   * 8.3 alias or in another case finds an entry of another name (GetFinalPathNameByHandleW)
   */
  realName(p: string): string;
}

async function syncPath(p: string): Promise<void> {
  // write access is needed to flush on Windows; a read-only file (or a folder) is synced as well as it can be
  for (const flags of ['r+', 'r']) {
    let fh: fs.promises.FileHandle | undefined;
    try {
      fh = await fs.promises.open(p, flags);
      await fh.sync();
      return;
    } catch {
      /* try the next way */
    } finally {
      await fh?.close();
    }
  }
}

/**
 * Never onto an existing file (COPYFILE_EXCL): besides being the safe choice, it spares libuv's
 * ftruncate(dst, 0), after which ext4 flushes the whole file on close (auto_da_alloc) and a copy
 * takes twice as long as cp's. COPYFILE_FICLONE clones where the file system can (btrfs, XFS);
 * on Windows both map to CopyFileW(failIfExists).
 */
const COPY_FLAGS = fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE;


export const stageFs: StageFs = {
  copyFile: (s, d) => fs.promises.copyFile(s, d, COPY_FLAGS),
  copyFileSync: (s, d) => fs.copyFileSync(s, d, COPY_FLAGS),
  link: (s, d) => fs.linkSync(s, d),
  statSync: (p) => fileStat.info(p),
  stat: async (p) => fileStat.info(p),
  setModified: (p, ms) => fileStat.setModified(p, ms),
  rename: (a, b) => fs.promises.rename(a, b),
  rm: removeTree,
  removeIn: (folder, name, opts = {}) => withRetry(async () => folder.removeTree(name), retryPolicy, opts.onRetry, TRANSIENT_RENAME_ERRORS),
  fsync: syncPath,
  mkdirp: (p) => void fs.mkdirSync(p, { recursive: true }),
  removeFile: (p) => fs.rmSync(p, { force: true }),
  exists: (p) => fileStat.info(p) !== undefined, // a path through a file (ENOTDIR) is nothing there
  idOf(p) {
    // as the walk reads it: Windows' 64-bit IDs need a bigint stat (the enumeration's are exact),
    // POSIX's walk uses the plain one
    const st = fs.lstatSync(p, { bigint: host.bigFileIds, throwIfNoEntry: false });
    return st && entryId(st.ino, st.birthtimeMs);
  },
  realName: (p) => path.basename(fs.realpathSync.native(p)),
};
