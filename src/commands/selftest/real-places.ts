// zticache selftest's look at the places the real run uses, not at its sandbox: the state folder
// as the real run finds or makes it (prepareStateDir), and the sandbox's package planned against
// the real target and state folder with --what-if, so that every check the real run makes before
// its first change runs as it is (C:\MININT or PackageSource a file, a link, someone else's; an
// unfinished staging journalled there, or a journal that cannot be read), then C:\MININT opened by
// handle as staging opens it (a junction a user planted is refused there). Each FAILs with the real
// run's code and its words, which name the way out; the plan changes nothing. The sandboxes of
// earlier selftests are found here too, by the identity each one recorded before it was used.

import path from 'node:path';
import fs from 'node:fs';
import type { Options } from '../../cli/options.js';
import { ZtiError } from '../../core/errors.js';
import { codeHeading, ExitCode } from '../../core/exit-codes.js';
import { PlaceError } from '../../places/places.js';
import { makePlan } from '../../plan/plan.js';
import type { Platform } from '../../platform/platform.js';
import { formatId, idOf, sameId, type FileId } from '../../state/identity.js';
import { failureLine } from '../failure.js';
import { fail, pass, skip, type Verdict } from './checks.js';

/** The state folder, as a run finds it (and makes it, protected, when it is missing). */
export function checkStateFolder(platform: Platform, stateDir: string): Verdict {
  try {
    return pass(platform.prepareStateDir(stateDir));
  } catch (err) {
    return fail(failureLine(err));
  }
}

/**
 * The real target and its parent, as a run of a package would find them: the sandbox's package
 * planned into them (--what-if, against the real state folder), then the parent opened by handle.
 */
export function checkRealTarget(platform: Platform, opts: Options): Verdict {
  const p = opts.path;
  const minint = p.dirname(opts.target);
  try {
    const plan = makePlan({ ...opts, whatIf: true }, platform);
    const what = plan.removeOldTarget ? `a run replaces it (${plan.oldTarget?.why})` : 'a run creates it, protected';
    let parent = `${minint} does not exist yet (a run creates it)`;
    if (fs.existsSync(minint)) {
      const held = platform.places.openFolder(minint);
      try {
        parent = `${minint} is a folder (owner ${held.owner()})`;
      } finally {
        held.release();
      }
    }
    return pass(`${opts.target}: ${what}; ${parent}; no unfinished staging is recorded for it`);
  } catch (err) {
    if (err instanceof PlaceError) return fail(`${codeHeading(ExitCode.TARGET_UNSAFE)}: ${err.path}: ${err.message}; zticache will not write or delete through it: remove it (an administrator), then run again`);
    if (err instanceof ZtiError) return fail(failureLine(err));
    throw err;
  }
}

/** No target to judge (POSIX has no default PackageSource). */
export const noTarget = skip('this platform has no default PackageSource: give --target (and --state-dir) to judge the places the real run uses');

/** A sandbox a selftest made, as it recorded it before using it: where, what, and whose (its process ID). */
interface SandboxRecord {
  path: string;
  id: FileId;
  pid?: number;
}

/** A selftest that is still running (its process exists; a process ID reused meanwhile leaves a sandbox, the safe side). */
function running(pid: number | undefined): boolean {
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The name every selftest sandbox has: `zticache-selftest-` and 8 hex digits. */
export const SANDBOX_NAME = /^zticache-selftest-[0-9a-f]{8}$/;

const RECORD = 'selftest-sandboxes.json';

/**
 * The sandboxes selftests recorded in the state folder: each earlier one still there with the
 * identity it recorded is removed (a selftest stopped or killed before its own removal), anything
 * else under such a name is left and said; the record then holds only `keep` (this run's own, made
 * next). Returns what was done, a line each.
 */
export function sweepSandboxes(platform: Platform, stateDir: string, pp: path.PlatformPath, base: string): string[] {
  const file = pp.join(stateDir, RECORD);
  let records: SandboxRecord[] = [];
  try {
    records = (JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxRecord[]).filter((r) => typeof r?.path === 'string' && typeof r.id?.dev === 'string' && typeof r.id.ino === 'string');
  } catch {
    /* no record (or none readable): nothing can be proven ours */
  }
  const lines: string[] = [];
  const left: SandboxRecord[] = [];
  for (const r of records) {
    if (running(r.pid)) {
      left.push(r);
      lines.push(`${r.path} is the sandbox of a selftest that is still running (process ${r.pid}): left to it`);
      continue;
    }
    const now = idOf(r.path);
    if (!now) continue; // gone: its record goes too
    if (!sameId(now, r.id)) {
      lines.push(`${r.path} is not the sandbox an earlier selftest made there (${formatId(now)}, recorded ${formatId(r.id)}): left as it is`);
      continue;
    }
    const parent = platform.places.openFolder(pp.dirname(r.path));
    try {
      const held = parent.folder(pp.basename(r.path), 'existing');
      const same = sameId(held.id(), r.id);
      held.release();
      if (!same) {
        lines.push(`${r.path} was replaced while it was looked at: left as it is`);
        continue;
      }
      parent.removeTree(pp.basename(r.path));
      lines.push(`Removed ${r.path}, the sandbox of an earlier selftest that was stopped before it removed it`);
    } catch (err) {
      left.push(r);
      lines.push(`could not remove ${r.path}, the sandbox of an earlier selftest: ${(err as Error).message}; remove it by hand`);
    } finally {
      parent.release();
    }
  }
  writeRecords(file, left);
  // what no selftest recorded (one killed while the state folder could not be used, or someone
  // else's folder of that name): named, never removed
  let names: string[] = [];
  try {
    names = fs.readdirSync(base).filter((n) => SANDBOX_NAME.test(n));
  } catch {
    /* the base cannot be listed: nothing to name */
  }
  for (const n of names) {
    const at = pp.join(base, n);
    if (records.some((r) => r.path === at)) continue;
    lines.push(`${at} looks like a selftest's sandbox, but no selftest recorded it (one stopped while the state folder could not be used, or someone else's folder): left as it is; remove it by hand if it is a selftest's`);
  }
  return lines;
}

/** Records a sandbox (before anything is put in it), or forgets one (after it was removed). */
export function recordSandbox(stateDir: string, pp: path.PlatformPath, sandbox: string, id: FileId | undefined): void {
  const file = pp.join(stateDir, RECORD);
  let records: SandboxRecord[] = [];
  try {
    records = JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxRecord[];
  } catch {
    /* the first */
  }
  records = records.filter((r) => r?.path !== sandbox);
  if (id) records.push({ path: sandbox, id, pid: process.pid });
  writeRecords(file, records);
}

function writeRecords(file: string, records: SandboxRecord[]): void {
  if (!records.length) {
    fs.rmSync(file, { force: true });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(records));
  fs.renameSync(tmp, file);
}
