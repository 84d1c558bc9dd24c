// The refusals that can be decided before anything is touched: overlapping source and target, a
// target (or its parent) that is a link or not a folder, and not enough free space. Each throws a
// ZtiError naming the path; none of them writes.

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import { isInside, samePath } from '../paths.js';

/** 'same' when zticache runs from the target itself (restarted from PackageSource). */
export function checkOverlap(p: path.PlatformPath, source: string, target: string): 'same' | 'apart' {
  if (samePath(p, source, target)) return 'same';
  if (isInside(p, target, source)) {
    throw new ZtiError(ExitCode.OVERLAP, `the target ${target} is inside the source ${source}`, { path: target });
  }
  if (isInside(p, source, target)) {
    throw new ZtiError(ExitCode.OVERLAP, `the source ${source} is inside the target ${target}; the old target would be replaced while it is being read`, { path: source });
  }
  return 'apart';
}

/**
 * The target and its parent must be plain folders or not exist yet. A link or junction planted
 * there (C:\MININT can be created by any user) would make a SYSTEM process write or delete
 * through it.
 */
export function checkTargetSafe(p: path.PlatformPath, target: string): { targetExists: boolean } {
  const parent = p.dirname(target);
  for (const [what, dir] of [['the target\'s parent', parent], ['the target', target]] as const) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (dir === target) return { targetExists: false };
        continue;
      }
      throw new ZtiError(ExitCode.TARGET_UNSAFE, `cannot examine ${what} ${dir}`, { path: dir, cause: err });
    }
    if (st.isSymbolicLink()) {
      throw new ZtiError(ExitCode.TARGET_UNSAFE, `${what} ${dir} is a symbolic link or junction; zticache will not write or delete through it`, { path: dir });
    }
    if (!st.isDirectory()) {
      throw new ZtiError(ExitCode.TARGET_UNSAFE, `${what} ${dir} exists and is not a folder`, { path: dir });
    }
  }
  return { targetExists: true };
}

export function checkFreeSpace(where: string, needed: number, free: number): void {
  if (free < needed) {
    throw new ZtiError(ExitCode.NO_SPACE,
      `not enough free space on the volume of ${where}: ${formatBytes(needed)} needed (${needed} bytes), ${formatBytes(free)} free (${free} bytes)`,
      { path: where });
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
