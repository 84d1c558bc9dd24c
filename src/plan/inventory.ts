// The inventory: every folder and file of a package with its size, time and identity, taken by the
// plan, journalled before staging and verified after it. Unlike a plain recursive readdir it
// refuses anything that is not a plain file or folder (symbolic links, junctions, devices): moving
// a link would move the link, not the content, and following one could stage files from outside.
// The walk under it is core/walk.ts (each platform lists a folder its own way).

import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { fromRel } from '../core/paths.js';
import { byName, nodeWalk, type Walker } from '../core/walk.js';

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

/** Same time to the millisecond (file systems keep different precisions below that): how an inventoried time is compared with one read later. */
export function sameTime(a: number, b: number): boolean {
  return Math.abs(a - b) < 1;
}


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
