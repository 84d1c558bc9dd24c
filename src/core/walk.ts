// The walk of a tree, the one loop both platforms list folders for: depth first, in name order,
// parents before their children, a link reported and never followed. Each platform supplies only
// the listing of one folder: node:fs here (readdir, and an lstat for each file's size, time and
// identity: POSIX's walk, and the one wherever no platform walk is given, as zticache manifest);
// one FileIdBothDirectoryInfo enumeration per folder on Windows (platform/win32/enumerate.ts).

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from './exit-codes.js';
import { ZtiError } from './errors.js';
import { fromRel } from './paths.js';
import { flatString } from './flat-string.js';
import { entryId } from '../state/identity.js';

/** Package paths in code-unit order (the inventory's, the journal's and the walk's). */
export const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What a walk finds: a plain file, a plain folder, a link or junction, or anything else (a device). */
export type EntryKind = 'file' | 'dir' | 'link' | 'other';

/**
 * Visits every entry under root, depth first, in name order, parents before their children; a
 * folder's children are visited unless visit returns 'skip'. A link is reported, never followed.
 * Files come with their size and modification time, as one listing gives them where the platform
 * can (Windows), so that a walk costs no open per file.
 */
export type Walker = (p: path.PlatformPath, root: string, visit: (rel: string, kind: EntryKind, size: number, mtimeMs: number, id?: string) => void | 'skip') => void;

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
 * enumeration on Windows, src/platform/win32/enumerate.ts); the lister throws when a folder cannot be read.
 */
export function listingWalk(list: (p: path.PlatformPath, absDir: string) => FoundEntry[]): Walker {
  return (p, root, visit) => {
    const pending: string[] = [''];
    while (pending.length) {
      const relDir = pending.pop()!;
      const entries = list(p, fromRel(p, root, relDir)).sort((a, b) => byName(a.name, b.name));
      const subdirs: string[] = [];
      for (const e of entries) {
        const rel = flatString(relDir ? `${relDir}/${e.name}` : e.name);
        if (visit(rel, e.kind, e.size, e.mtimeMs, e.id) !== 'skip' && e.kind === 'dir') subdirs.push(rel);
      }
      // depth-first, in name order: parents are listed before their children
      for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i]!);
    }
  };
}

/**
 * A folder through node:fs: readdir for the names, one lstat for each entry's kind, size, time and
 * identity. The lstat is needed for every file and folder anyway, so the kind is read from it
 * rather than asked of readdir too (withFileTypes: one more object per entry, 10,000 of them in
 * a package of that size, for a fact the lstat already gives); the path is the folder's plus the
 * name (a listed name needs no normalising), not path.join's normalised copy.
 */
function nodeList(p: path.PlatformPath, absDir: string): FoundEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(absDir);
  } catch (err) {
    throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read folder ${absDir}`, { path: absDir, cause: err });
  }
  const prefix = absDir.endsWith(p.sep) ? absDir : absDir + p.sep;
  const out: FoundEntry[] = new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const file = prefix + name;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch (err) {
      throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read ${file}`, { path: file, cause: err });
    }
    if (st.isFile()) out[i] = { name, kind: 'file', size: st.size, mtimeMs: st.mtimeMs, id: entryId(st.ino, st.birthtimeMs) };
    else if (st.isDirectory()) out[i] = { name, kind: 'dir', size: 0, mtimeMs: 0, id: entryId(st.ino, st.birthtimeMs) };
    else out[i] = { name, kind: st.isSymbolicLink() ? 'link' : 'other', size: 0, mtimeMs: 0 };
  }
  return out;
}

/** The walk through node:fs (POSIX; and the fallback where no platform walk is given). */
export const nodeWalk: Walker = listingWalk(nodeList);

