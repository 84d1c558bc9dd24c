// VERIFY, run while the guard holds every file, so what is checked is what the launcher gets:
// the target must hold exactly the inventory: every file the very version that was inventoried
// (same size and last-write time, and, for a file renamed into the target, the same file ID:
// a cache refresh during a move replaces files with others of the same size), no strays, every
// folder, and no second file or folder under a package name (a case twin). The facts come from one
// walk of the target, which also finds the strays: on Windows the guard's own walk, each held
// folder listed through the handle it holds (every file's ID, size and time, no second open, no
// lookup by name); where nothing is held (POSIX), a walk by path. With a manifest every SHA-256
// must match. Any difference stops the launch; the
// error lists the first few differences, how many there are, and the way out.

import { plural } from '../core/format.js';
import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import type { Log } from '../log/logger.js';
import { sameTime, type Inventory } from '../plan/inventory.js';
import { nodeWalk, type Walker } from '../core/walk.js';
import { fromRel } from '../core/paths.js';
import type { NameRules } from '../names/names.js';
import { forEachLimit } from '../core/pool.js';
import { hashFile, type ManifestEntry } from '../plan/manifest.js';

/** Files Windows would run or load: a stray one is refused even where other strays are tolerated. */
const PROGRAM_FILE = /\.(exe|dll|com|cpl|ocx|sys|scr|drv|msi|bat|cmd|ps1|vbs|js|wsf|hta)$/i;

export interface VerifyOptions {
  p: path.PlatformPath;
  log: Log;
  parallel: number;
  manifest?: { path: string; entries: ManifestEntry[] };
  /**
   * zticache's own complete target, run again: files and folders beyond the package (what the
   * launcher wrote there: logs, state) are logged as warnings instead of stopping the launch.
   * Links, devices and program files (.exe, .dll, ...) are still refused, and every package file
   * must still be intact.
   */
  toleratesExtra?: boolean;
  /** the platform's walk of a folder (Windows: enumeration, no file opened) */
  walk?: Walker;
  /** what a name is in the target: the walk's names are matched to the inventory's by it */
  names: NameRules;
  /**
   * the key of zticache.exe in the target (zticache runs from there, or put it beside the
   * package): passed over where the inventory does not list it, as zticache never stages itself;
   * any other file not in the package is still one
   */
  runningExe?: string;
  /** the staged file at rel must be the inventoried file itself (renamed into the target: same file ID) */
  keepsId?: (rel: string) => boolean;
  /**
   * the way out when a package file is missing or changed and the package cannot be made whole
   * from what is left (the cache folder holds nothing but zticache): said after the differences
   */
  whenIncomplete?: string;
}

/** The way out of a target whose files are of two versions. */
const REFRESHED = 'The package in the cache folder was refreshed while zticache staged it (files replaced or rewritten after the inventory), so the target holds files of two versions: have the client download the package again (re-run the advertisement), then run zticache again; it stages the package anew from the cache folder, and stops here the same way until then.';

export interface VerifyResult {
  files: number;
  bytes: number;
  hashed: number;
}

export async function verify(target: string, expected: Inventory, opts: VerifyOptions): Promise<VerifyResult> {
  const { p } = opts;
  const problems: string[] = [];
  const key = (rel: string) => opts.names.key(rel);

  // one walk of the target, while the guard holds it: every inventoried file with its size, every
  // folder, and nothing else. On Windows the walk is one enumeration per folder, no file opened
  // (the guard's handle is the only one per file); the guard keeps all of it from changing.
  const fileIndex = new Map<string, number>();
  expected.files.forEach((f, i) => fileIndex.set(key(f.rel), i));
  const wantDirs = new Set(expected.dirs.map(key));
  // what the walk found of each inventory file, by its index: whether it was seen, and only what
  // differs from the inventory (a size, a time, an identity: a file that replaced the inventoried
  // one); 100,000 identity strings kept for one comparison each cost 5 MB
  const n = expected.files.length;
  const seen = new Uint8Array(n);
  const otherSize = new Map<number, number>();
  const otherTime = new Map<number, number>();
  const otherId = new Map<number, string>();
  // a file found under another spelling of an inventory name (rare: kept only then), and the
  // inventory files the walk found twice
  const spelled = new Map<number, string>();
  const twins = new Map<number, string>();
  let refreshed = false;
  const seenDirs = new Set<string>();
  const extra: string[] = [];
  const programs: string[] = [];
  const others: string[] = [];
  let bytes = 0;
  (opts.walk ?? nodeWalk)(p, target, (rel, kind, size, mtimeMs, id) => {
    const k = key(rel);
    if (kind === 'file') {
      const i = fileIndex.get(k);
      if (i === undefined) {
        if (k === opts.runningExe) return;
        extra.push(`not in the package: ${rel}`);
        // a program file beside OSDLaunch.exe could be loaded by it (a planted version.dll): never tolerated
        if (PROGRAM_FILE.test(rel)) programs.push(rel);
        return;
      }
      const was = expected.files[i]!;
      if (seen[i]) {
        // a second file under the name (a case twin Wine or a case-sensitive folder keeps apart):
        // which one the launcher opens is the file system's choice, so never tolerated
        twins.set(i, `two files under one name: ${spelled.get(i) ?? was.rel} and ${rel}`);
        return;
      }
      seen[i] = 1;
      if (rel !== was.rel) spelled.set(i, rel);
      if (size !== was.size) otherSize.set(i, size);
      if (!sameTime(mtimeMs, was.mtimeMs)) otherTime.set(i, mtimeMs);
      if (was.id !== undefined && id !== undefined && id !== was.id) otherId.set(i, id);
    } else if (kind === 'dir') {
      if (wantDirs.has(k) && seenDirs.has(k)) problems.push(`two folders under one name: ${rel}`);
      else if (wantDirs.has(k)) seenDirs.add(k);
      else extra.push(`folder not in the package: ${rel}`);
    } else {
      others.push(`not in the package (a link or device): ${rel}`);
    }
    return undefined;
  });
  for (let i = 0; i < n; i++) {
    const f = expected.files[i]!;
    if (!seen[i]) {
      problems.push(`missing: ${f.rel}`);
      continue;
    }
    const twin = twins.get(i);
    if (twin !== undefined) {
      problems.push(twin);
      continue;
    }
    const size = otherSize.get(i);
    const id = otherId.get(i);
    const time = otherTime.get(i);
    bytes += size ?? f.size;
    if (size !== undefined) problems.push(`size of ${f.rel}: ${size} bytes, expected ${f.size}`);
    else if (id !== undefined && opts.keepsId?.(f.rel)) {
      refreshed = true;
      problems.push(`${f.rel} is not the file that was inventoried (file ${f.id} then, ${id} now)`);
    } else if (time !== undefined) {
      refreshed = true;
      problems.push(`${f.rel} was rewritten after the inventory (modified ${new Date(f.mtimeMs).toISOString()} then, ${new Date(time).toISOString()} now)`);
    }
  }
  if (seenDirs.size !== wantDirs.size) for (const d of expected.dirs) if (!seenDirs.has(key(d))) problems.push(`missing folder: ${d}`);
  problems.push(...others);
  if (extra.length) {
    if (opts.toleratesExtra && !others.length && !programs.length) {
      for (const e of extra.slice(0, 20)) opts.log.warn(`${target}: ${e} (left by an earlier launch; the package itself is checked)`);
      if (extra.length > 20) opts.log.warn(`${target}: and ${extra.length - 20} more not in the package`);
    } else {
      problems.push(...extra);
    }
  }
  if (bytes !== expected.bytes && !problems.length) problems.push(`${bytes} bytes, expected ${expected.bytes}`);
  fail(problems, target, 'does not match the package inventory', opts.whenIncomplete ?? (refreshed ? REFRESHED : undefined));
  opts.log.info(`Verified ${plural(expected.files.length, 'file')}, ${plural(bytes, 'byte')} in ${target}`);

  let hashed = 0;
  if (opts.manifest) {
    const bad: string[] = [];
    await forEachLimit(opts.manifest.entries, opts.parallel, async (e) => {
      const file = fromRel(p, target, e.rel);
      let h: string;
      try {
        h = await hashFile(file);
      } catch (err) {
        bad.push(`cannot read ${e.rel}: ${(err as Error).message}`);
        return;
      }
      hashed++;
      if (h !== e.hash) bad.push(`SHA-256 of ${e.rel} is ${h}, manifest says ${e.hash}`);
    });
    bad.sort();
    fail(bad, target, `does not match the manifest ${opts.manifest.path}`, opts.whenIncomplete);
    const listed = new Set(opts.manifest.entries.map((e) => key(e.rel)));
    const unlisted = expected.files.filter((f) => !listed.has(key(f.rel)) && key(f.rel) !== key(p.basename(opts.manifest!.path)));
    if (unlisted.length) opts.log.warn(`${plural(unlisted.length, 'file')} ${unlisted.length === 1 ? 'is' : 'are'} not in the manifest (not checked by hash), first: ${unlisted[0]!.rel}`);
    opts.log.info(`Verified the SHA-256 of ${plural(hashed, 'file')} against ${opts.manifest.path}`);
  }
  return { files: expected.files.length, bytes, hashed };
}

function fail(problems: string[], target: string, what: string, wayOut?: string): void {
  if (!problems.length) return;
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  throw new ZtiError(ExitCode.VERIFY_FAILED, `${target} ${what}: ${shown}${more}. The launcher was not started.${wayOut ? ` ${wayOut}` : ''}`, { path: target });
}
