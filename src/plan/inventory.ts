// Walks a package and lists every folder and file with its size and time: the inventory that is
// journalled before staging and verified after it. Unlike a plain recursive readdir it refuses
// anything that is not a plain file or folder (symbolic links, junctions, devices): moving a link
// would move the link, not the content, and following one could stage files from outside.

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { fromRel } from '../core/paths.js';
import { entryId } from '../state/identity.js';

export interface FileEntry {
  /** package-relative, forward slashes */
  rel: string;
  size: number;
  mtimeMs: number;
  /**
   * the file's identity where the walk read it (identity.ts: entryId): a rename into the target
   * keeps it, so VERIFY can tell the file that was inventoried from one that replaced it
   */
  id?: string;
}

export interface Inventory {
  files: FileEntry[];
  /** package-relative folders, parents before children */
  dirs: string[];
  bytes: number;
  /** the identity of each folder where the walk read it: a move finds its own renamed folders by it */
  dirIds?: Record<string, string>;
}

export interface WalkOptions {
  /** package-relative paths to leave out (e.g. the manifest being written) */
  skip?: ReadonlySet<string>;
  /** how to list a folder: the platform's (Windows: one FileIdBothDirectoryInfo enumeration, no file opened) */
  walk?: Walker;
}

/** What a walk finds: a plain file, a plain folder, a link or junction, or anything else (a device). */
export type EntryKind = 'file' | 'dir' | 'link' | 'other';

/**
 * Visits every entry under root, depth first, in name order, parents before their children; a
 * folder's children are visited unless visit returns 'skip'. A link is reported, never followed.
 * Files come with their size and modification time, as one listing gives them where the platform
 * can (Windows), so that a walk costs no open per file.
 */
export type Walker = (p: path.PlatformPath, root: string, visit: (rel: string, kind: EntryKind, size: number, mtimeMs: number, id?: string) => void | 'skip') => void;

/** Same time to the millisecond (file systems keep different precisions below that): how an inventoried time is compared with one read later. */
export function sameTime(a: number, b: number): boolean {
  return Math.abs(a - b) < 1;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A concatenated string is a tree in V8 (a cons string) until something reads it; reading one
 * character flattens it. 100,000 inventory paths kept flat take half the memory.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** One entry of a folder as a lister gives it. */
export interface FoundEntry {
  name: string;
  kind: EntryKind;
  size: number;
  mtimeMs: number;
  /** the entry's identity (identity.ts: entryId), where the lister reads one */
  id?: string;
}

/**
 * The Walker over a folder lister: depth first, in name order, parents before their children.
 * The platform supplies only the listing of one folder (node:fs below; one FileIdBothDirectoryInfo
 * enumeration on Windows, src/win32/enumerate.ts); the lister throws when a folder cannot be read.
 */
export function listingWalk(list: (p: path.PlatformPath, absDir: string) => FoundEntry[]): Walker {
  return (p, root, visit) => {
    const pending: string[] = [''];
    while (pending.length) {
      const relDir = pending.pop()!;
      const entries = list(p, fromRel(p, root, relDir)).sort((a, b) => byName(a.name, b.name));
      const subdirs: string[] = [];
      for (const e of entries) {
        const rel = flat(relDir ? `${relDir}/${e.name}` : e.name);
        if (visit(rel, e.kind, e.size, e.mtimeMs, e.id) !== 'skip' && e.kind === 'dir') subdirs.push(rel);
      }
      // depth-first, in name order: parents are listed before their children
      for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
    }
  };
}

/** A folder through node:fs: readdir for the names and kinds, lstat for each file's size, time and identity (and each folder's identity). */
function nodeList(p: path.PlatformPath, absDir: string): FoundEntry[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absDir, { withFileTypes: true });
  } catch (err) {
    throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read folder ${absDir}`, { path: absDir, cause: err });
  }
  return entries.map((e): FoundEntry => {
    if (e.isSymbolicLink()) return { name: e.name, kind: 'link', size: 0, mtimeMs: 0 };
    if (!e.isFile() && !e.isDirectory()) return { name: e.name, kind: 'other', size: 0, mtimeMs: 0 };
    const file = p.join(absDir, e.name);
    try {
      const st = fs.lstatSync(file);
      const id = entryId(st.ino, st.birthtimeMs);
      if (e.isDirectory()) return { name: e.name, kind: 'dir', size: 0, mtimeMs: 0, id };
      return { name: e.name, kind: 'file', size: st.size, mtimeMs: st.mtimeMs, id };
    } catch (err) {
      throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read ${file}`, { path: file, cause: err });
    }
  });
}

/** The walk through node:fs (POSIX; and the fallback where no platform walk is given). */
export const nodeWalk: Walker = listingWalk(nodeList);

export function takeInventory(p: path.PlatformPath, root: string, opts: WalkOptions = {}): Inventory {
  const inv: Inventory = { files: [], dirs: [], bytes: 0 };
  (opts.walk ?? nodeWalk)(p, root, (rel, kind, size, mtimeMs, id) => {
    if (opts.skip?.has(rel)) return 'skip';
    const abs = fromRel(p, root, rel);
    if (kind === 'link') {
      throw new ZtiError(ExitCode.SOURCE_HAS_LINK, `the package contains a symbolic link or junction: ${abs}; zticache does not stage links`, { path: abs });
    }
    if (kind === 'other') {
      throw new ZtiError(ExitCode.SOURCE_HAS_LINK, `the package contains something that is neither a file nor a folder: ${abs}`, { path: abs });
    }
    if (kind === 'dir') {
      inv.dirs.push(rel);
      if (id !== undefined) (inv.dirIds ??= {})[rel] = id;
    } else {
      inv.files.push(id === undefined ? { rel, size, mtimeMs } : { rel, size, mtimeMs, id });
      inv.bytes += size;
    }
    return undefined;
  });
  inv.dirs.sort(byName);
  inv.files.sort((a, b) => byName(a.rel, b.rel));
  return inv;
}

/** Package-relative names of the files and plain folders under root (links are not followed). */
export function walkNames(p: path.PlatformPath, root: string, walk: Walker = nodeWalk): { files: string[]; dirs: string[] } {
  const out = { files: [] as string[], dirs: [] as string[] };
  walk(p, root, (rel, kind) => {
    if (kind === 'file') out.files.push(rel);
    else if (kind === 'dir') out.dirs.push(rel);
  });
  return out;
}

/**
 * The inventory split by top-level name (what a move renames), in name order, in one pass: a
 * package of 100,000 files under 1,000 top-level folders must not be scanned once per folder.
 */
export function byTopLevel(inv: Inventory): Map<string, Inventory> {
  const groups = new Map<string, Inventory>();
  const group = (rel: string) => {
    const slash = rel.indexOf('/');
    const top = slash < 0 ? rel : rel.slice(0, slash);
    let g = groups.get(top);
    if (!g) groups.set(top, (g = { files: [], dirs: [], bytes: 0 }));
    return g;
  };
  for (const d of inv.dirs) group(d).dirs.push(d);
  for (const f of inv.files) {
    const g = group(f.rel);
    g.files.push(f);
    g.bytes += f.size;
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
