// STAGE, last: zticache.exe beside the package in the target. The running exe is no file of the
// inventory (it cannot be moved while it runs, and copying its 85 MB was most of a local run's
// staging), but the package as the admin built it holds it: the README has it added as a required
// file of an OSD custom action, and that action looks for it where OSDLaunch.exe runs. So it is
// put there after the staging, as a hard link to the file in the cache folder where the volume
// allows (no byte copied: the same file under a second name, which OSDLaunch.exe's cleanup can
// only unlink), else as a copy with its time. Not a step of the journal: the journal's `leftOut`
// names it, and any run puts it back the same way. VERIFY passes over it as zticache's own; a
// manifest's line for it is checked against it like any file.

import fs from 'node:fs';
import type { Log } from '../log/logger.js';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError, errnoOf } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { fromRel } from '../core/paths.js';
import { stageFs } from './fs.js';
import { sameTime } from './copy-check.js';

export interface OwnCopyOptions {
  p: typeof import('node:path');
  log: Log;
}

/**
 * Puts the cache folder's zticache.exe (`rel`, package-relative) into the target at the same
 * place. One already there that is the same file, or holds the same bytes, stays; another file
 * or a link is replaced (the target is zticache's own); a folder or a device is refused, never
 * removed. Returns how it was put there, or undefined when the cache folder no longer holds it
 * and the target has none either (said as a warning).
 */
export async function placeOwnCopy(source: string, target: string, rel: string, { p, log }: OwnCopyOptions): Promise<'kept' | 'linked' | 'copied' | undefined> {
  const src = fromRel(p, source, rel);
  const dst = fromRel(p, target, rel);
  const from = stageFs.statSync(src);
  const there = stageFs.statSync(dst);
  if (from?.kind !== 'file') {
    if (there?.kind === 'file') return 'kept';
    log.warn(`${src} is gone and ${dst} is not there: a custom action that lists zticache.exe as a required file will not find it in ${target}`);
    return undefined;
  }
  if (there?.kind === 'dir' || there?.kind === 'other') {
    // not a copy zticache made: never removed
    throw new ZtiError(ExitCode.STAGE_FAILED, `${dst} is ${there.kind === 'dir' ? 'a folder' : 'neither a file nor a folder'}, where zticache puts its own zticache.exe beside the package; zticache removes only what it made: remove it yourself, then run zticache again`, { path: dst });
  }
  // the same file (the hard link), or a copy of the same bytes: left as it is; a build of the same
  // size and time with other bytes (a rebuilt release keeps its commit's time) is not the same
  if (there?.kind === 'file' && there.size === from.size && sameTime(there.mtimeMs, from.mtimeMs) && (stageFs.idOf(dst) === stageFs.idOf(src) || sameBytes(src, dst))) return 'kept';
  try {
    if (there !== undefined) stageFs.removeFile(dst); // another build's from an earlier run, or a link
    try {
      stageFs.link(src, dst);
      log.info(`Put ${dst} beside the package: a hard link to ${src} (no bytes copied)`);
      return 'linked';
    } catch (err) {
      if (errnoOf(err) === 'EEXIST') throw err;
    }
    stageFs.copyFileSync(src, dst);
    stageFs.setModified(dst, from.mtimeMs);
    await stageFs.fsync(dst);
    log.info(`Put ${dst} beside the package: a copy of ${src} (${formatBytes(from.size)}; another volume)`);
    return 'copied';
  } catch (err) {
    throw new ZtiError(ExitCode.STAGE_FAILED, `putting zticache.exe into the target failed: ${dst}; the package itself is staged: run again`, { path: dst, cause: err });
  }
}

/** Whether two files of one size hold the same bytes, read a megabyte at a time. */
function sameBytes(a: string, b: string): boolean {
  const fa = fs.openSync(a, 'r');
  try {
    const fb = fs.openSync(b, 'r');
    try {
      const ba = Buffer.alloc(1 << 20);
      const bb = Buffer.alloc(1 << 20);
      for (;;) {
        const na = fs.readSync(fa, ba, 0, ba.length, null);
        const nb = fs.readSync(fb, bb, 0, bb.length, null);
        if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
        if (na === 0) return true;
      }
    } finally {
      fs.closeSync(fb);
    }
  } finally {
    fs.closeSync(fa);
  }
}
