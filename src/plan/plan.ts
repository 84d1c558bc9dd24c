// PLAN: everything that can be decided before the first change, decided here and returned as a
// value. It reads the disk (source, target, journal, manifest, free space) and never writes, so
// `--what-if` is just "print the plan", and every refusal happens while nothing has changed.

import fs from 'node:fs';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import type { Options } from '../options.js';
import { isInside, relKey, samePath, toRel, fromRel } from '../paths.js';
import { existingAncestor, type Platform } from '../platform.js';
import { journalPathFor, readJournal, type Journal, type JournalState } from '../stage/journal.js';
import { parseManifest, MANIFEST_NAME, type ManifestEntry } from '../verify/manifest.js';
import { checkFreeSpace, checkOverlap, checkTargetSafe } from './checks.js';
import { chooseMode, classifySource, type SourceKind } from './classify.js';
import { takeInventory, type Inventory } from './inventory.js';

export type Action = 'move' | 'copy' | 'none';

export interface Plan {
  source: string;
  target: string;
  kind: SourceKind;
  action: Action;
  /** why this action, in words for the log */
  reason: string;
  /** move only: source and target on one volume (rename, no bytes copied) */
  sameVolume?: boolean;
  inventory: Inventory;
  /** set when finishing a run that stopped part way (from its journal) */
  resume?: JournalState;
  /** an old target exists and will be removed before staging (only when no journal forbids it) */
  removeOldTarget: boolean;
  journalPath: string;
  launcher: string;
  launchArgs: string[];
  /** manifest entries to check after staging, and where the manifest was found */
  manifest?: { path: string; entries: ManifestEntry[] };
  /** top-level names that are copied even in a move (the running zticache.exe) */
  keep: string[];
  neededBytes: number;
  freeBytes?: number;
}

export function makePlan(opts: Options, platform: Platform): Plan {
  const p = opts.path;
  const { source, target } = opts;

  let st: fs.Stats;
  try {
    st = fs.lstatSync(source);
  } catch (err) {
    throw new ZtiError(ExitCode.SOURCE_MISSING, `the source folder ${source} does not exist or cannot be read`, { path: source, cause: err });
  }
  if (st.isSymbolicLink()) throw new ZtiError(ExitCode.SOURCE_HAS_LINK, `the source ${source} is a symbolic link or junction; give the real folder`, { path: source });
  if (!st.isDirectory()) throw new ZtiError(ExitCode.SOURCE_NOT_FOLDER, `the source ${source} is not a folder`, { path: source });

  const overlap = checkOverlap(p, source, target);
  const { targetExists } = checkTargetSafe(p, target);
  const journalPath = journalPathFor(p, target);
  const journal = loadJournal(p, journalPath, target);
  const unfinished = journal !== undefined && journal.state !== 'staged';
  const sameSource = journal !== undefined && samePath(p, journal.source, source);
  const kind = classifySource(source, platform.isRemote);

  let action: Action;
  let reason: string;
  let inventory: Inventory;
  let resume: JournalState | undefined;
  let removeOldTarget = false;

  if (unfinished && !sameSource) {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
      `${target} holds an unfinished staging from ${journal.source} (journal ${journalPath}); its files may exist nowhere else, so nothing was deleted. Run zticache --source "${journal.source}" to finish it.`,
      { path: journalPath });
  }
  if (overlap === 'same') {
    action = 'none';
    reason = 'zticache runs from the target itself: nothing to stage';
    inventory = journal?.state === 'staged' ? journal.inventory : takeInventory(p, target);
  } else if (unfinished) {
    action = journal.mode;
    resume = journal.state;
    reason = `finishing an interrupted ${journal.mode} (journal ${journalPath}, state ${journal.state}); nothing already staged is deleted`;
    inventory = journal.inventory;
    if (opts.mode !== 'auto' && opts.mode !== journal.mode) reason += `; --mode ${opts.mode} ignored, a staging is finished the way it started`;
  } else {
    const found = takeInventory(p, source);
    const selfRel = opts.self ? toRel(p, source, opts.self) : undefined;
    const payload = found.files.length - (found.files.some((f) => f.rel === selfRel) ? 1 : 0) + found.dirs.length;
    if (journal && sameSource && targetExists && payload === 0) {
      action = 'none';
      reason = 'already staged by an earlier run (the source now holds nothing but zticache itself)';
      inventory = journal.inventory;
    } else {
      if (found.files.length === 0) throw new ZtiError(ExitCode.SOURCE_EMPTY, `the source folder ${source} holds no files`, { path: source });
      action = chooseMode(kind, opts.mode, source);
      inventory = found;
      removeOldTarget = targetExists;
      reason = opts.mode === action ? `--mode ${action}`
        : kind === 'unc' ? 'the source is a UNC path: copy, never move off a server'
        : kind === 'remote' ? 'the source is on a network drive: copy, never move off a server'
        : 'the source is local: move';
    }
  }

  const launcher = checkLauncher(p, opts.launcher, target, inventory, source);
  const manifest = findManifest(opts, inventory, action);
  const keep = opts.self && action === 'move' && samePath(p, p.dirname(opts.self), source) ? [p.basename(opts.self)] : [];

  let sameVolume: boolean | undefined;
  let neededBytes = 0;
  let freeBytes: number | undefined;
  if (action !== 'none') {
    const where = existingAncestor(target, p);
    if (action === 'move') sameVolume = sameVolumeOf(platform, source, where);
    if (action === 'copy' || !sameVolume) {
      neededBytes = resume ? bytesStillToCopy(p, target, inventory) : inventory.bytes;
      freeBytes = platform.freeBytes(where);
      let reclaimable = 0;
      if (removeOldTarget && freeBytes < neededBytes) reclaimable = takeInventory(p, target).bytes;
      checkFreeSpace(where, neededBytes, freeBytes + reclaimable);
    }
  }

  return {
    source, target, kind, action, reason, sameVolume, inventory, resume, removeOldTarget, journalPath,
    launcher, launchArgs: opts.launchArgs, manifest, keep, neededBytes, freeBytes,
  };
}

function loadJournal(p: Options['path'], journalPath: string, target: string): Journal | undefined {
  const r = readJournal(journalPath, p.sep === '\\');
  if (r.kind === 'none') return undefined;
  if (r.kind === 'invalid') {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
      `the staging journal ${journalPath} is unreadable: ${r.reason}. It may describe an unfinished staging whose files exist only in ${target}, so nothing was deleted. Check ${target}, then delete the journal and run again.`,
      { path: journalPath });
  }
  if (!samePath(p, r.journal.target, target)) {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT, `the staging journal ${journalPath} names another target (${r.journal.target}); nothing was deleted`, { path: journalPath });
  }
  return r.journal;
}

function checkLauncher(p: Options['path'], launcher: string, target: string, inv: Inventory, source: string): string {
  if (isInside(p, launcher, target)) {
    const key = relKey(p, toRel(p, target, launcher));
    const entry = inv.files.find((f) => relKey(p, f.rel) === key);
    if (!entry) {
      throw new ZtiError(ExitCode.LAUNCHER_MISSING, `the launcher ${toRel(p, target, launcher)} is not in the package (${source}); nothing was changed`, { path: launcher });
    }
    return fromRel(p, target, entry.rel);
  }
  let ok = false;
  try {
    ok = fs.statSync(launcher).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new ZtiError(ExitCode.LAUNCHER_MISSING, `the launcher ${launcher} does not exist; nothing was changed`, { path: launcher });
  return launcher;
}

/** --manifest, or zticache.sha256 at the top of the package. Parsed now, so a bad one refuses before any change. */
function findManifest(opts: Options, inv: Inventory, action: Action): Plan['manifest'] {
  const p = opts.path;
  let readFrom: string | undefined;
  let path: string | undefined;
  if (opts.manifest) {
    readFrom = opts.manifest;
    // a manifest inside the package travels with it
    path = isInside(p, opts.manifest, opts.source) ? fromRel(p, opts.target, toRel(p, opts.source, opts.manifest)) : opts.manifest;
    if (action === 'none' || !fs.existsSync(readFrom)) readFrom = path;
  } else {
    const entry = inv.files.find((f) => relKey(p, f.rel) === relKey(p, MANIFEST_NAME));
    if (!entry) return undefined;
    path = fromRel(p, opts.target, entry.rel);
    readFrom = action === 'none' || !fs.existsSync(fromRel(p, opts.source, entry.rel)) ? path : fromRel(p, opts.source, entry.rel);
  }
  let text: string;
  try {
    text = fs.readFileSync(readFrom, 'utf8');
  } catch (err) {
    throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `cannot read the manifest ${readFrom}`, { path: readFrom, cause: err });
  }
  const entries = parseManifest(text, readFrom);
  const known = new Set(inv.files.map((f) => relKey(p, f.rel)));
  const missing = entries.filter((e) => !known.has(relKey(p, e.rel)));
  if (missing.length) {
    throw new ZtiError(ExitCode.VERIFY_FAILED,
      `the manifest ${readFrom} lists ${missing.length} file(s) that are not in the package, first: ${missing[0]!.rel}; nothing was changed, the launcher was not started`,
      { path: readFrom });
  }
  return { path, entries };
}

function sameVolumeOf(platform: Platform, a: string, b: string): boolean {
  try {
    return platform.volumeOf(a) === platform.volumeOf(b);
  } catch {
    return false;
  }
}

/** On resume, the bytes of inventory files not yet complete in the target. */
function bytesStillToCopy(p: Options['path'], target: string, inv: Inventory): number {
  let n = 0;
  for (const f of inv.files) {
    try {
      if (fs.statSync(fromRel(p, target, f.rel)).size === f.size) continue;
    } catch {
      /* not there yet */
    }
    n += f.size;
  }
  return n;
}
