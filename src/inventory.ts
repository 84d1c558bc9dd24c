// Walks a package and lists every folder and file with its size and time: the inventory that is
// journalled before staging and verified after it. Unlike a plain recursive readdir it refuses
// anything that is not a plain file or folder (symbolic links, junctions, devices): moving a link
// would move the link, not the content, and following one could stage files from outside.

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from './exit-codes.js';
import { ZtiError } from './errors.js';
import { fromRel } from './paths.js';

export interface FileEntry {
  /** package-relative, forward slashes */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface Inventory {
  files: FileEntry[];
  /** package-relative folders, parents before children */
  dirs: string[];
  bytes: number;
}

export interface WalkOptions {
  /** package-relative paths to leave out (e.g. the manifest being written) */
  skip?: ReadonlySet<string>;
}

/**
 * A concatenated string is a tree in V8 (a cons string) until something reads it; reading one
 * character flattens it. 100,000 inventory paths kept flat take half the memory.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

export function takeInventory(p: path.PlatformPath, root: string, opts: WalkOptions = {}): Inventory {
  const inv: Inventory = { files: [], dirs: [], bytes: 0 };
  const pending: string[] = [''];
  while (pending.length) {
    const relDir = pending.pop()!;
    const absDir = fromRel(p, root, relDir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (err) {
      throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read folder ${absDir}`, { path: absDir, cause: err });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const rel = flat(relDir ? `${relDir}/${e.name}` : e.name);
      if (opts.skip?.has(rel)) continue;
      const abs = p.join(absDir, e.name);
      if (e.isSymbolicLink()) {
        throw new ZtiError(ExitCode.SOURCE_HAS_LINK, `the package contains a symbolic link or junction: ${abs}; zticache does not stage links`, { path: abs });
      }
      if (e.isDirectory()) {
        inv.dirs.push(rel);
        subdirs.push(rel);
      } else if (e.isFile()) {
        let st: fs.Stats;
        try {
          st = fs.lstatSync(abs);
        } catch (err) {
          throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read ${abs}`, { path: abs, cause: err });
        }
        inv.files.push({ rel, size: st.size, mtimeMs: st.mtimeMs });
        inv.bytes += st.size;
      } else {
        throw new ZtiError(ExitCode.SOURCE_HAS_LINK, `the package contains something that is neither a file nor a folder: ${abs}`, { path: abs });
      }
    }
    // depth-first, in name order: parents are listed before their children
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
  }
  inv.dirs.sort();
  inv.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return inv;
}

/** Counts the files and folders under root without keeping them; anything else is listed. */
export function countTree(p: path.PlatformPath, root: string): { files: number; dirs: number; others: string[] } {
  const out = { files: 0, dirs: 0, others: [] as string[] };
  const pending = [root];
  while (pending.length) {
    const dir = pending.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isSymbolicLink() || (!e.isFile() && !e.isDirectory())) out.others.push(p.join(dir, e.name));
      else if (e.isFile()) out.files++;
      else {
        out.dirs++;
        pending.push(p.join(dir, e.name));
      }
    }
  }
  return out;
}

/** Package-relative names of the files and plain folders under root (links are not followed). */
export function walkNames(p: path.PlatformPath, root: string): { files: string[]; dirs: string[] } {
  const out = { files: [] as string[], dirs: [] as string[] };
  const pending = [''];
  while (pending.length) {
    const rel = pending.pop()!;
    for (const e of fs.readdirSync(fromRel(p, root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isFile()) out.files.push(r);
      else if (e.isDirectory() && !e.isSymbolicLink()) {
        out.dirs.push(r);
        pending.push(r);
      }
    }
  }
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
