// The refusals that can be decided before anything is touched: overlapping source and target
// (by identity: see identity.ts), a target that is a volume root, a link, or not a folder, names
// the target cannot stage (names/), and not enough free space. Each throws a ZtiError naming the path; none of them writes.

import fs from 'node:fs';
import type path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { idOf, isVolumeRoot, locateUnder, sameId, type FileId } from '../state/identity.js';
import { fromRel, isInside, samePath } from '../core/paths.js';
import type { Inventory } from './inventory.js';
import { splitRel, type NameRules } from '../names/names.js';
import { checkNames, type NameReport } from '../names/check.js';

/**
 * 'same' when zticache runs from the target itself (restarted from PackageSource). Source and
 * target are compared by what the file system says they are, so no second spelling of either
 * (case, 8.3 name, \\.\ prefix, subst drive, junction or link above it) hides an overlap.
 */
export function checkOverlap(pp: path.PlatformPath, source: string, target: string, sourceId = idOf(source), targetId = idOf(target)): 'same' | 'apart' {
  if (sameId(sourceId, targetId)) return 'same';
  if (locateUnder(pp, target, sourceId) !== undefined) {
    throw new ZtiError(ExitCode.OVERLAP, `the target ${target} is inside the source ${source}`, { path: target });
  }
  if (locateUnder(pp, source, targetId) !== undefined) {
    throw new ZtiError(ExitCode.OVERLAP, `the source ${source} is inside the target ${target}; the old target would be replaced while it is being read`, { path: source });
  }
  return 'apart';
}

export interface TargetState {
  exists: boolean;
  /** identity of the existing target */
  id?: FileId;
  /** it exists and holds nothing */
  empty: boolean;
}

/**
 * The target and its parent must be plain folders or not exist yet, and the target is never a
 * volume root. A link or junction planted there (C:\MININT can be created by any user) would make
 * a SYSTEM process write or delete through it.
 */
export function checkTargetSafe(pp: path.PlatformPath, target: string): TargetState {
  if (isVolumeRoot(pp, target)) {
    throw new ZtiError(ExitCode.TARGET_UNSAFE, `the target ${target} is the root of a volume; zticache stages into a folder of its own and never replaces a drive`, { path: target });
  }
  const parent = pp.dirname(target);
  for (const [what, dir] of [['the target\'s parent', parent], ['the target', target]] as const) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (dir === target) return { exists: false, empty: false };
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
  let empty = false;
  try {
    empty = fs.readdirSync(target).length === 0;
  } catch (err) {
    throw new ZtiError(ExitCode.TARGET_UNSAFE, `cannot list the target ${target}`, { path: target, cause: err });
  }
  return { exists: true, id: idOf(target), empty };
}

/**
 * The log must live outside the package: inside the source it would be moved away with it (and
 * the guard could not hold it), inside the target it would be removed with an old target.
 */
export function checkLogPlace(pp: path.PlatformPath, log: string, source: string, target: string | undefined): void {
  // a root target is refused by the plan; a root source is only ever copied, and no log can be outside it
  if ((target !== undefined && isVolumeRoot(pp, target)) || isVolumeRoot(pp, source)) return;
  // a target not named yet (a refused command line's) holds nothing a log could be inside
  const inside = locateUnder(pp, log, idOf(source)) !== undefined ? source
    : target !== undefined && (isInside(pp, log, target) || locateUnder(pp, log, idOf(target)) !== undefined) ? target
    : undefined;
  if (inside) {
    throw new ZtiError(ExitCode.USAGE, `--log ${log} is inside ${inside === source ? 'the package' : 'the target'} (${inside}); give a log file outside both`, { path: log });
  }
  // the target itself, or a folder on its way (MININT): a log file there would stand where a folder must
  if (target !== undefined && (isInside(pp, target, log) || sameTarget(pp, log, target))) {
    throw new ZtiError(ExitCode.USAGE, `--log ${log} names the target ${target} or a folder on its way; give a log file outside both`, { path: log });
  }
}

export interface SpaceNeeded {
  /** bytes the files take on the disk, in whole clusters */
  needed: number;
  /** the sum of their sizes */
  data: number;
  files: number;
  cluster: number;
}

export function checkFreeSpace(where: string, n: SpaceNeeded, free: number): void {
  if (free < n.needed) {
    throw new ZtiError(ExitCode.NO_SPACE,
      `not enough free space on the volume of ${where}: ${formatBytes(n.needed)} needed (${n.needed} bytes: ${formatBytes(n.data)} of data in ${n.files} files, on ${n.cluster}-byte clusters), ${formatBytes(free)} free (${free} bytes)`,
      { path: where });
  }
}

/**
 * Every name of the package against the target's rules (names/), before any change: a name the
 * target cannot hold, two names that are one name there, and a name that could be another entry's
 * 8.3 alias where the target makes them would each lose or mix up a file part way through
 * staging, or leave a journal no run could finish. Refused with its own code, naming both names.
 * Returns the names that are staged but awkward there (for one warning).
 */
export function checkPackageNames(pp: path.PlatformPath, names: NameRules, inv: Inventory, source: string, target: string): NameReport['awkward'] {
  const { problems, awkward } = checkNames(names, inv);
  const first = problems[0];
  if (!first) return awkward;
  const more = problems.length > 1 ? ` (${problems.length} names in all)` : '';
  const fix = `rename it in the package on the distribution point and update the distribution points; nothing was changed${more}`;
  const { parent } = splitRel(first.rel);
  const where = parent === '' ? 'at the top of the package' : `in ${parent}`;
  const bare = (rel: string) => splitRel(rel).name;
  const at = fromRel(pp, source, first.rel);
  if (first.kind === 'unholdable') {
    throw new ZtiError(ExitCode.NAME_UNUSABLE, `the package holds a name ${target} cannot hold: "${bare(first.rel)}" ${where} (${source}): ${first.why}; ${fix}`, { path: at });
  }
  if (first.kind === 'clash') {
    throw new ZtiError(ExitCode.NAME_CLASH, `"${bare(first.other)}" and "${bare(first.rel)}" ${where} are two entries of the package but one name in ${target} (${names.description}): one would take the other's place; ${fix}`, { path: at });
  }
  throw new ZtiError(ExitCode.SHORT_NAME_CLASH, `"${bare(first.rel)}" ${where} could be the 8.3 short name the target volume gives "${bare(first.other)}", so in ${target} a lookup of one could find the other; ${fix}`, { path: at });
}

/** The log names the target itself: the same spelling (Windows: any case, as the file system takes it), or, once it exists, the same folder. */
function sameTarget(pp: path.PlatformPath, log: string, target: string): boolean {
  if (samePath(pp, log, target)) return true;
  const t = idOf(target);
  return t !== undefined && sameId(idOf(log), t);
}
