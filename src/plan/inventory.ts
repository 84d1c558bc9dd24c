// Walks a package and lists every folder and file with its size and time: the inventory that is
// journalled before staging and verified after it. Unlike a plain recursive readdir it refuses
// anything that is not a plain file or folder (symbolic links, junctions, devices): moving a link
// would move the link, not the content, and following one could stage files from outside.

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import { fromRel } from '../paths.js';

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
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
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

/** The top-level names of an inventory: what a move renames. */
export function topLevel(inv: Inventory): string[] {
  const names = new Set<string>();
  for (const d of inv.dirs) names.add(d.split('/', 1)[0]!);
  for (const f of inv.files) names.add(f.rel.split('/', 1)[0]!);
  return [...names].sort();
}

/** The part of an inventory under one top-level name. */
export function subInventory(inv: Inventory, top: string): Inventory {
  const prefix = top + '/';
  const files = inv.files.filter((f) => f.rel === top || f.rel.startsWith(prefix));
  const dirs = inv.dirs.filter((d) => d === top || d.startsWith(prefix));
  return { files, dirs, bytes: files.reduce((n, f) => n + f.size, 0) };
}
