// What the cache folder holds now, read against the journal's record of what zticache staged from
// it. A rerun does not guess from "the cache folder is not empty": zticache itself leaves files
// there (the running exe and its folder, what `--mode copy` copied and kept, what a source refused
// to delete), and Windows or an admin adds others (desktop.ini, Thumbs.db). Each file the folder
// holds is either one of the record's own (same key, size, last-write time and file ID: the very
// file zticache inventoried and left there), a file of the record that is no longer that file
// (changed), one the record does not know (added), or one the shell keeps (ignored). A new version
// is proven only by changed or added content; everything else is zticache's own remnant.

import type { Inventory } from './inventory.js';
import { sameTime, type FileEntry } from './inventory.js';
import type { NameRules } from '../names/names.js';
import { splitRel } from '../names/names.js';

/** Files Windows' shell and Explorer write into any folder they show: never content of a package version. */
const SHELL_FILES = ['desktop.ini', 'Thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db'];

export interface Evidence {
  /** files that are the record's own (the very files inventoried, left in the cache folder) */
  own: FileEntry[];
  /** files of the record that are no longer the inventoried file (another ID, size or time) */
  changed: FileEntry[];
  /** files the record does not know */
  added: FileEntry[];
  /** files of the shell (desktop.ini, ...), recorded or not: not evidence of anything */
  ignored: FileEntry[];
  /** how many of the record's files the cache folder no longer holds (moved into the target) */
  missing: number;
}

/** The file now is the file the record has: same size, same last-write time, and the same file ID where both know one. */
export function sameAsRecorded(now: FileEntry, was: FileEntry): boolean {
  return now.size === was.size && sameTime(now.mtimeMs, was.mtimeMs) && (now.id === undefined || was.id === undefined || now.id === was.id);
}

/**
 * The cache folder's inventory now, against the record's. `skip`: the key of a file that is
 * neither (the running zticache.exe, which an admin may have replaced by a newer build).
 */
export function readEvidence(now: Inventory, record: Inventory, names: NameRules, skip?: string): Evidence {
  const recorded = new Map(record.files.map((f) => [names.key(f.rel), f]));
  const shell = new Set(SHELL_FILES.map((n) => names.key(n)));
  const e: Evidence = { own: [], changed: [], added: [], ignored: [], missing: 0 };
  let present = 0;
  for (const f of now.files) {
    const key = names.key(f.rel);
    if (key === skip) continue;
    const was = recorded.get(key);
    if (was !== undefined) present++;
    // the shell rewrites its files in any folder it shows, the package's own desktop.ini included:
    // never evidence of a version, though a recorded one is still there
    if (shell.has(names.key(splitRel(f.rel).name))) e.ignored.push(f);
    else if (was === undefined) e.added.push(f);
    else (sameAsRecorded(f, was) ? e.own : e.changed).push(f);
  }
  e.missing = record.files.length - present - (skip !== undefined && recorded.has(skip) ? 1 : 0);
  return e;
}
