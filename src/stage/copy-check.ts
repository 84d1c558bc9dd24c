// The checks of a copy against the inventory, shared by both ways of copying (stage/copy.ts): is a
// file still what was inventoried (size and last-write time, since a refresh of the same size
// shows only by its time), the one message when it is not, and the check of the copies made
// without a stat of their source (Windows: CopyFileW keeps the time) by listing their folders
// afterwards, instead of one open per file before.

import type { FileInfo } from '../core/file-stat.js';
import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { plural } from '../core/format.js';
import type { Log } from '../log/logger.js';
import { sameTime, type FileEntry } from '../plan/inventory.js';
import { type Walker } from '../core/walk.js';
import { fromRel } from '../core/paths.js';
import { stageFs } from './fs.js';

export interface CheckOptions {
  p: path.PlatformPath;
  log: Log;
  walk: Walker;
  /** what the admin does when a source changed (default: run again, for a copy) */
  whenChanged?: string;
}

/** A copy's way out when its source changed or lost a file: it restarts from a fresh inventory. */
export const RUN_AGAIN = 'run zticache again, a copy restarts from a fresh inventory of the source';

/** A source file gone since the inventory fails as ENOENT, which sourceGone() then explains. */
function present(src: string, s: FileInfo | undefined): asserts s is FileInfo {
  if (!s) throw Object.assign(new Error(`ENOENT: no such file, stat '${src}'`), { code: 'ENOENT', path: src });
}

export { sameTime };

/** Still what was inventoried: same size, same last-write time (a refresh of the same size shows by its time). */
function sameFile(f: FileEntry, size: number, mtimeMs: number): boolean {
  return size === f.size && sameTime(mtimeMs, f.mtimeMs);
}

/**
 * A source's stat, asserted to be there (ENOENT otherwise, which sourceGone() explains) and still
 * what was inventoried (STAGE_FAILED otherwise, with what the admin does about it).
 */
export function stillInventoried(src: string, f: FileEntry, s: FileInfo | undefined, whenChanged: string | undefined): asserts s is FileInfo {
  present(src, s);
  if (s.kind !== 'file') throw changed(src, f, whenChanged, 'not a file');
  if (!sameFile(f, s.size, s.mtimeMs)) throw changed(src, f, whenChanged, s.size, s.mtimeMs);
}

/** The one message for a source that is no longer what was inventoried, with what the admin does about it. */
function changed(src: string, f: FileEntry, whenChanged: string | undefined, size: number | 'not a file', mtimeMs = NaN): ZtiError {
  const now = size === 'not a file' ? size : `${size} bytes, modified ${new Date(mtimeMs).toISOString()}`;
  return new ZtiError(ExitCode.STAGE_FAILED, `${src} changed after it was inventoried (${f.size} bytes, modified ${new Date(f.mtimeMs).toISOString()} then; ${now} now): ${whenChanged ?? RUN_AGAIN}`, { path: src });
}

/**
 * The copies made without a stat of their source (Windows), checked by one listing of each of
 * their folders: each must be a file with the size and last-write time the inventory has. A
 * source changed after the inventory shows here (CopyFileW carried its new time, and size, over),
 * before any source is deleted (a move across volumes) and before the launch.
 */
export function checkCopies(srcRoot: string, dstRoot: string, files: FileEntry[], opts: CheckOptions): void {
  const { p } = opts;
  const sfs = stageFs;
  let timesSet = 0;
  /**
   * A copy that differs: the source is asked again. Changed since the inventory: the error. Not
   * changed, same size, another time: a copy that did not carry the time over (a file system or
   * redirector that does not), which is set now rather than failing every run.
   */
  const recheck = (f: FileEntry, size: number) => {
    const src = fromRel(p, srcRoot, f.rel);
    const s = sfs.statSync(src);
    stillInventoried(src, f, s, opts.whenChanged);
    if (size !== f.size) {
      const dst = fromRel(p, dstRoot, f.rel);
      throw new ZtiError(ExitCode.STAGE_FAILED, `the copy ${dst} came out ${size} bytes, its unchanged source ${src} has ${f.size}: run zticache again, the file is copied again`, { path: dst });
    }
    sfs.setModified(fromRel(p, dstRoot, f.rel), s.mtimeMs);
    timesSet++;
  };
  const byFolder = new Map<string, Map<string, FileEntry>>();
  for (const f of files) {
    const slash = f.rel.lastIndexOf('/');
    const folder = slash < 0 ? '' : f.rel.slice(0, slash);
    let names = byFolder.get(folder);
    if (!names) byFolder.set(folder, (names = new Map()));
    names.set(f.rel.slice(slash + 1), f);
  }
  for (const [folder, names] of byFolder) {
    opts.walk(p, fromRel(p, dstRoot, folder), (name, kind, size, mtimeMs) => {
      const f = names.get(name);
      if (!f) return 'skip';
      names.delete(name);
      if (kind !== 'file') throw changed(fromRel(p, srcRoot, f.rel), f, opts.whenChanged, 'not a file');
      if (!sameFile(f, size, mtimeMs)) recheck(f, size);
      return 'skip';
    });
    const [missing] = names.values();
    if (missing) {
      const dst = fromRel(p, dstRoot, missing.rel);
      throw new ZtiError(ExitCode.STAGE_FAILED, `${dst} is missing right after it was copied`, { path: dst });
    }
  }
  if (timesSet) opts.log.warn(`${plural(timesSet, 'copy', 'copies')} did not keep ${timesSet === 1 ? 'its' : 'their'} source's last-write time; it was set afterwards (a stat and a time change each)`);
}
