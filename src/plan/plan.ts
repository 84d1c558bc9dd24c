// PLAN: everything that can be decided before the first change, decided here and returned as a
// value. It reads the disk (source, target, journal, manifest, free space) and never writes, so
// `--what-if` is just "print the plan", and every refusal happens while nothing has changed.

import fs from 'node:fs';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import type { Options } from '../cli/options.js';
import { formatId, idOf, isVolumeRoot, locateUnder, sameId, type FileId } from '../state/identity.js';
import { isInside, toRel, fromRel } from '../core/paths.js';
import type { NameRules } from '../names/names.js';
import { existingAncestor, type Platform } from '../platform/platform.js';
import { findJournal, findJournalOfSource, type FoundJournal, type Journal, type JournalState } from './journal.js';
import { decodeManifest, parseManifest, type ManifestEntry } from './manifest.js';
import { MANIFEST_NAME } from '../cli/defaults.js';
import { checkFreeSpace, checkOverlap, checkPackageNames, checkTargetSafe, type TargetState } from './checks.js';
import { chooseMode, classifySource, isUncPath, modeReason, openedElsewhere, type SourceKind } from './classify.js';
import { sameTime, takeInventory, type Inventory } from './inventory.js';
import { readEvidence, type Evidence } from './record.js';
import { fileStat } from '../core/file-stat.js';

export type Action = 'move' | 'copy' | 'none';

export interface Plan {
  source: string;
  sourceId: FileId;
  target: string;
  kind: SourceKind;
  /** where the source folder is as opened, when that is not where its spelling says (a link to a share, a mounted volume) */
  sourceOpened?: string;
  action: Action;
  /** why this action, in words for the log */
  reason: string;
  /** move only: source and target on one volume (rename, no bytes copied) */
  sameVolume?: boolean;
  inventory: Inventory;
  /** set when finishing a run that stopped part way (from its journal) */
  resume?: JournalState;
  /** resuming a move across volumes: entries already whole in the target (journal.crossed) */
  crossed: string[];
  /** resuming a copy from a fresh inventory: what the target holds beyond it is removed first */
  prune: boolean;
  /**
   * a rerun against zticache's own complete target: files the launcher wrote there (a log, a
   * state file) are reported, not refused, as long as every package file is intact
   */
  toleratesExtra: boolean;
  /** what the existing target is, and why it may be replaced; undefined when there is none */
  oldTarget?: { id?: FileId; trusted: boolean; why: string };
  /** an old target exists and will be removed before staging */
  removeOldTarget: boolean;
  /** zticache's journal for this target, in the state folder */
  journalFile: string;
  launcher: string;
  launchArgs: string[];
  /** manifest entries to check after staging, and where the manifest was found */
  manifest?: { path: string; entries: ManifestEntry[] };
  /** top-level names that are copied even in a move (the folder holding the running zticache.exe) */
  keep: string[];
  /**
   * the running zticache.exe, package-relative, when it is in the package: no inventory lists it
   * (it is not moved or copied with the package, it stays where it runs); after the staging it is
   * put beside the package in the target (stage/own-copy.ts), which VERIFY passes over, and a
   * manifest's line for it is checked against that (manifestListsExe)
   */
  leftOut?: string;
  /** the manifest lists the running zticache.exe: its line is checked against the one in the target */
  manifestListsExe?: boolean;
  /**
   * the key (names/) of the running zticache.exe in the target, when it runs from there: VERIFY
   * passes over that one file where the inventory does not list it (the exe is never staged)
   */
  exeInTarget?: string;
  neededBytes: number;
  freeBytes?: number;
  /**
   * nothing to stage: the top-level entries a trusted journal records as the inventoried files
   * themselves (renamed into the target), which VERIFY holds to their file IDs
   */
  same: string[];
  /**
   * the package was staged by an earlier run and the cache folder no longer holds all of it (only
   * zticache, or what zticache left there): a package file missing from the target cannot come
   * from anywhere
   */
  spent: boolean;
  /** what a name is in the target (names/): every later step keys package paths by it */
  names: NameRules;
  /** names that are staged but that only `\\?\` paths reach on the target (warned about) */
  awkwardNames: Array<{ rel: string; why: string }>;
}

/**
 * The plan, as a list of named steps: look at the source, the target and the journal; decide
 * the action (from the target itself, resuming a copy, resuming a move, or fresh); judge an old
 * target; check every name, the launcher and the manifest; decide what a move keeps; and count
 * the space. Each step reads what the ones before it found and writes nothing.
 */
export function makePlan(opts: Options, platform: Platform): Plan {
  const look = lookAround(opts, platform);
  const decided = decideAction(look);
  const oldTarget = judgeOldTarget(look, decided);
  const { p, source, target, sourceId, names, trusted, tgt, journal } = look;
  const { action, inventory, resume } = decided;
  // every name the plan will stage, before anything else is decided about them
  const awkwardNames = checkPackageNames(p, names, inventory, source, target);
  refuseExeTwin(look, inventory);
  const launcher = checkLauncher(p, opts.launcher, { source, sourceId, target, targetId: trusted ? tgt.id : undefined, inventory, action, names, platform: look.platform });
  const found = findManifest(opts, inventory, action, sourceId, names, look.exeRel);
  const keep = keptEntries(look, decided);
  const space = countSpace(look, decided, keep);
  return {
    source, sourceId, target, kind: look.kind, sourceOpened: look.sourceOpened, action, reason: decided.reason, sameVolume: space.sameVolume, inventory, resume, prune: decided.prune,
    toleratesExtra: action === 'none' && trusted, crossed: resume === 'staging' ? journal?.crossed ?? [] : [], oldTarget,
    removeOldTarget: decided.removeOldTarget, journalFile: look.journalFile, launcher, launchArgs: opts.launchArgs, manifest: found?.manifest, keep,
    leftOut: look.exeRel, manifestListsExe: found?.listsExe, exeInTarget: exeInTarget(look),
    neededBytes: space.neededBytes, freeBytes: space.freeBytes, names, awkwardNames, spent: decided.spent,
    same: action === 'none' && trusted && journal!.state === 'staged' ? journal!.same ?? [] : [],
  };
}

/** What the plan found before deciding anything. */
interface Look {
  opts: Options;
  platform: Platform;
  p: Options['path'];
  source: string;
  target: string;
  sourceId: FileId;
  names: NameRules;
  tgt: TargetState;
  overlap: 'same' | 'apart';
  journalFile: string;
  journal?: Journal;
  /** the target is zticache's own: the very folder zticache recorded creating */
  trusted: boolean;
  sameSource: boolean;
  kind: SourceKind;
  sourceOpened?: string;
  /**
   * where the running zticache.exe is in the source, package-relative; run from elsewhere, the one
   * the journal's run left there (journal.leftOut)
   */
  exeRel?: string;
}

/** The source (a plain folder), the target (safe, apart from the source), the journal and the names rules. */
function lookAround(opts: Options, platform: Platform): Look {
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
  const sourceId = idOf(source);
  if (!sourceId) throw new ZtiError(ExitCode.SOURCE_MISSING, `the source folder ${source} vanished while it was examined`, { path: source });

  const names = platform.names(target);
  const tgt = checkTargetSafe(p, target);
  const overlap = checkOverlap(p, source, target, sourceId, tgt.id); // the identities just taken, not a second stat each
  const found = findJournal(p, opts.stateDir, target, tgt.id, names);
  const journal = loadJournal(found, target);
  return {
    opts, platform, p, source, target, sourceId, names, tgt, overlap, journalFile: found.file, journal,
    trusted: tgt.exists && journal !== undefined && sameId(journal.targetId, tgt.id),
    sameSource: journal !== undefined && sameId(journal.sourceId, sourceId),
    ...located(p, source, platform),
    exeRel: (opts.runningExe === undefined ? undefined : runningExeIn(p, opts.runningExe, source, sourceId, names))
      // run from elsewhere (not from the target: that one is never removed, judgeOldTarget): the
      // zticache.exe the journal's own run left in this cache folder is still not content
      ?? (journal !== undefined && sameId(journal.sourceId, sourceId) && !runsFromTarget(p, opts, tgt) ? journal.leftOut : undefined),
  };
}

/**
 * A path as the file system spells it (each name as stored: case, long names, links resolved),
 * so the running exe's package path is the one the walk gives; as given when it cannot be read.
 */
function realPath(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}

/**
 * The running zticache.exe, package-relative, spelled as the walk spells it: realpath gives the
 * stored spelling; where it cannot be read (the path as given, ZTICACHE.EXE), each name is matched
 * to the folder's entries by names/ (the exact one first, else the one entry of its key).
 */
function runningExeIn(p: Options['path'], exe: string, source: string, sourceId: FileId, names: NameRules): string | undefined {
  let real: string | undefined;
  try {
    real = fs.realpathSync.native(exe);
  } catch {
    real = undefined;
  }
  const rel = locateUnder(p, real ?? exe, sourceId);
  if (real !== undefined || !rel) return rel;
  let stored = '';
  for (const name of rel.split('/')) {
    let entries: string[];
    try {
      entries = fs.readdirSync(stored === '' ? source : fromRel(p, source, stored));
    } catch {
      return rel;
    }
    const key = names.key(name);
    const same = entries.includes(name) ? [name] : entries.filter((e) => names.key(e) === key);
    if (same.length !== 1) return rel;
    stored = stored === '' ? same[0]! : `${stored}/${same[0]!}`;
  }
  return stored;
}

/** Whether the running zticache.exe is in the target (by the target's identity, as the file system spells the exe's path). */
function runsFromTarget(p: Options['path'], opts: Options, tgt: TargetState): boolean {
  return opts.runningExe !== undefined && tgt.exists && locateUnder(p, realPath(opts.runningExe), tgt.id) !== undefined;
}

/** The running zticache.exe in the target (by the target's identity), as a key: zticache runs from the target. */
function exeInTarget({ p, opts, tgt, names }: Look): string | undefined {
  if (opts.runningExe === undefined || !tgt.exists) return undefined;
  const rel = locateUnder(p, realPath(opts.runningExe), tgt.id);
  return rel ? names.key(rel) : undefined;
}

/**
 * The inventory of a folder the package is staged from: every file and folder but the running
 * zticache.exe (look.exeRel), which nothing in the target needs. It cannot be moved while it
 * runs: copying its 85 MB on every run was most of the staging of a local package.
 */
function inventoryOf({ p, platform, exeRel }: Look, root: string): Inventory {
  return takeInventory(p, root, { walk: platform.walk, skip: exeRel === undefined ? undefined : new Set([exeRel]) });
}

/** The kind of source, for the folder as opened (a link on its way to a share makes it network). */
function located(p: Options['path'], source: string, platform: Platform): Pick<Look, 'kind' | 'sourceOpened'> {
  if (isUncPath(source)) return { kind: 'unc' };
  const where = platform.locate(source);
  return { kind: classifySource(source, where), sourceOpened: openedElsewhere(p, source, where.final) };
}

/** What the plan decided to do, and with which inventory. */
interface Decision {
  action: Action;
  reason: string;
  inventory: Inventory;
  resume?: JournalState;
  removeOldTarget: boolean;
  prune: boolean;
  /** --mode copy finishing a stuck move: every top-level entry is copied and kept */
  copyRest: boolean;
  spent: boolean;
}

/** The action: nothing (run from the target, or already staged), a resumed copy or move, or a fresh one. */
function decideAction(look: Look): Decision {
  refuseConflictingJournal(look);
  const { journal } = look;
  if (look.overlap === 'same') return fromTheTarget(look);
  if (journal?.state === 'staging' && journal.mode === 'copy') return resumeCopy(look);
  if (journal?.state === 'staging') return resumeMove(look, journal);
  if (journal?.state === 'staged' && look.sameSource) return rerun(look, journal);
  return fresh(look, journal === undefined ? notStagedElsewhere(look) : undefined);
}

/**
 * A cache folder zticache moved (part of) into another target is not a package to stage here:
 * what is left of it would be staged and launched alone. Finished from its own target, or
 * downloaded again; staged again only when it holds the whole package once more. Returns the
 * inventory it took to tell, if it took one.
 */
function notStagedElsewhere(look: Look): Inventory | undefined {
  const { p, opts, source, sourceId, target, names, journalFile } = look;
  const other = findJournalOfSource(p, opts.stateDir, sourceId, journalFile, names);
  if (other?.read.kind !== 'ok' || other.read.journal.mode !== 'move') return undefined;
  const j = other.read.journal;
  const inventory = inventoryOf(look, source);
  if (j.state === 'staged' && readEvidence(inventory, j.inventory, names, exeKey(look)).missing === 0) return inventory;
  const was = j.state === 'staged' ? `moved into ${j.target} by an earlier run` : `being moved into ${j.target} by a run that did not finish`;
  throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
    `the cache folder ${source} was ${was} (journal ${other.file}); what is left of it here is not the package, so nothing was staged into ${target}. Run zticache with --target "${j.target}" (the package is there${j.state === 'staged' ? '' : ': the run finishes it'}), or have the package downloaded again into an empty cache folder`,
    { path: other.file });
}

/** A journal of an unfinished staging is finished only from its own source into its own target. */
function refuseConflictingJournal({ journal, journalFile, target, tgt, trusted, sameSource }: Look): void {
  if (journal !== undefined && journal.state !== 'staged' && !sameSource) {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
      `${target} holds an unfinished staging from ${journal.source} (journal ${journalFile}); its files may exist nowhere else, so nothing was deleted. Run zticache --source "${journal.source}" to finish it.`,
      { path: journalFile });
  }
  if (journal?.state === 'staging' && !trusted) {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
      `an unfinished ${journal.mode} from ${journal.source} into ${target} is recorded (journal ${journalFile}), but ${target} ${tgt.exists ? 'is no longer the folder zticache created (it was replaced)' : 'was removed'}; files moved into it may exist nowhere else, so nothing was deleted or launched. Recover what is left of the package, then delete the journal and run again.`,
      { path: journalFile });
  }
}

const decision = (d: Pick<Decision, 'action' | 'reason' | 'inventory'> & Partial<Decision>): Decision => ({ removeOldTarget: false, prune: false, copyRest: false, spent: false, ...d });

/** zticache runs from the target itself (restarted from PackageSource): nothing to stage. */
function fromTheTarget(look: Look): Decision {
  const { target, trusted, journal } = look;
  const inventory = trusted && journal!.state === 'staged' ? journal!.inventory : inventoryOf(look, target);
  return decision({ action: 'none', reason: 'zticache runs from the target itself: nothing to stage', inventory });
}

/**
 * A copy never changes its source, so the source is still the package: inventory it afresh (a
 * distribution point may have refreshed it meanwhile) rather than replay the old inventory.
 */
function resumeCopy(look: Look): Decision {
  const { source, journalFile, opts } = look;
  const inventory = inventoryOf(look, source);
  if (inventory.files.length === 0) throw new ZtiError(ExitCode.SOURCE_EMPTY, `the source folder ${source} holds no files${look.exeRel === undefined ? '' : ` but the running ${look.exeRel}, which is not staged`}`, { path: source });
  let reason = `finishing an interrupted copy (journal ${journalFile}) from a fresh inventory of the source: complete files are kept, changed ones copied again, files no longer in the package removed from the target`;
  if (opts.mode === 'move') reason += '; --mode move ignored, a copy is finished as a copy';
  return decision({ action: 'copy', resume: 'staging', inventory, prune: true, reason });
}

/** A move is finished from its journal's inventory: what it moved is in the target only. */
function resumeMove({ journalFile, opts }: Look, journal: Journal): Decision {
  let reason = `finishing an interrupted move (journal ${journalFile}); nothing already staged is deleted`;
  // the way out when a source will not give its files up: the rest is copied and stays there
  const copyRest = opts.mode === 'copy';
  if (copyRest) reason += '; --mode copy: what is still in the source is copied, not moved, and stays there';
  return decision({ action: 'move', resume: 'staging', inventory: journal.inventory, reason, copyRest });
}

/**
 * A rerun after a complete staging from this very cache folder: the journal decides, and what the
 * folder holds now is evidence checked against it (record.ts). Nothing in it but the record's own
 * files (what zticache left there: the running exe and its folder, what --mode copy copied and
 * kept) and the shell's: the staging stands, and the target is never removed to make room for a
 * remnant. Only content the record does not have (changed or added) proves a new version, which
 * replaces the target when the folder holds it whole; part of the staged package beside new
 * content is neither, and is refused.
 */
function rerun(look: Look, journal: Journal): Decision {
  const { source, target, tgt, trusted, names, journalFile } = look;
  const inventory = inventoryOf(look, source);
  const ev = readEvidence(inventory, journal.inventory, names, exeKey(look));
  const whole = ev.missing === 0;
  const recorded = `the package zticache staged from it into ${target} (journal ${journalFile})`;
  if (ev.changed.length || ev.added.length) {
    const first = ev.changed[0] ? `${ev.changed[0].rel}, changed` : `${ev.added[0]!.rel}, new`;
    const n = ev.changed.length + ev.added.length;
    // a move's target holds the files it moved out of the cache folder, and nowhere else: it is
    // replaced only by a whole new version (every file of the record there again), never by part
    // of one, whatever the part is (touched, replaced, or one file made by hand)
    if (!whole && journal.mode === 'move') {
      const part = ev.own.length ? `${ev.own.length} file(s) of ${recorded}, ` : `no file of ${recorded} as it was staged, but `;
      throw new ZtiError(ExitCode.SOURCE_MIXED,
        `the cache folder ${source} holds ${part}${n} file(s) that differ from it (first: ${first}), and not the ${ev.missing} file(s) zticache moved out of it: neither that package nor a whole new version, so nothing was changed or launched (${target} is kept). Have the client download the package again into an empty cache folder (delete its cache entry first: Configuration Manager in Control Panel, Cache, Delete Files), then run zticache again`,
        { path: source });
    }
    return fresh(look, inventory, `a new version in the cache folder: ${n} of its files differ from ${recorded} (first: ${first})`);
  }
  chooseMode(look.kind, look.opts.mode, source); // a mode this source cannot take is refused even when there is nothing to stage
  const left = leftInCache(ev, journal);
  if (!trusted) {
    if (whole) return fresh(look, inventory, `${target} ${tgt.exists ? 'has been replaced' : 'has been removed'} since an earlier run staged the package; the cache folder still holds it whole (${left}): staged again`);
    throw new ZtiError(ExitCode.SOURCE_EMPTY,
      `the package was staged from ${source} into ${target} by an earlier run, but ${target} ${tgt.exists ? 'has been replaced since' : 'has been removed since'}, and the cache folder now holds ${left}: download the package again (for instance by re-running the advertisement after clearing the client cache)`,
      { path: target });
  }
  if (whole && !holdsWhole(look, journal.inventory)) {
    return fresh(look, inventory, `${target} no longer holds the whole package an earlier run staged, and the cache folder does (${left}): staged again`);
  }
  return decision({ action: 'none', spent: !whole, reason: `already staged by an earlier run (journal ${journalFile}); the cache folder holds ${left}`, inventory: journal.inventory });
}

/** What a cache folder holds beside the staged package, in words: nothing but zticache, or the record's files zticache left there. */
function leftInCache(ev: Evidence, journal: Journal): string {
  const own = ev.own.length ? `${ev.own.length} of its ${journal.inventory.files.length} files that zticache left there${journal.kept?.length ? ` (copied and kept: ${journal.kept.join(', ')})` : ''}` : 'nothing of it but zticache itself';
  return ev.ignored.length ? `${own}, and ${ev.ignored.length} file(s) of the Windows shell (${ev.ignored[0]!.rel}), which are not the package's` : own;
}

/** The target holds every file of the inventory with its size and time (one walk of it). */
function holdsWhole({ p, target, platform, names }: Look, inv: Inventory): boolean {
  const want = new Map(inv.files.map((f) => [names.key(f.rel), f]));
  let found = 0;
  platform.walk(p, target, (rel, kind, size, mtimeMs) => {
    const f = kind === 'file' ? want.get(names.key(rel)) : undefined;
    if (f && f.size === size && sameTime(f.mtimeMs, mtimeMs)) found++;
  });
  return found === want.size;
}

/** A fresh inventory of the source (or the one a rerun took): a move or a copy. */
function fresh(look: Look, taken?: Inventory, why?: string): Decision {
  const { p, source, target, tgt, journal, journalFile, kind, opts } = look;
  const inventory = taken ?? inventoryOf(look, source);
  if (inventory.files.length === 0) throw new ZtiError(ExitCode.SOURCE_EMPTY, `the source folder ${source} holds no files${look.exeRel === undefined ? '' : ` but the running ${look.exeRel}, which is not staged`}`, { path: source });
  const action = chooseMode(kind, opts.mode, source);
  if (action === 'move' && isVolumeRoot(p, source)) {
    // E:\zticache.exe with no arguments, or --source E:\: everything on the drive, the user's
    // data included, would be moved onto the disk the OS install is about to wipe
    throw new ZtiError(ExitCode.SOURCE_IS_VOLUME_ROOT,
      `the source ${source} is the root of a volume; zticache never moves a drive's top level (everything on it would go into ${target}). Put the package in a folder of its own and run from there, or copy the whole drive with --mode copy; nothing was changed`,
      { path: source });
  }
  const clearing = journal?.state === 'clearing';
  return decision({
    action, inventory, resume: clearing ? 'clearing' : undefined, removeOldTarget: tgt.exists,
    reason: clearing ? `finishing an interrupted clearing of the old target (journal ${journalFile}), then a fresh ${action}` : why ? `${why}; ${modeReason(kind, opts.mode, action)}` : modeReason(kind, opts.mode, action),
  });
}

/**
 * The old target zticache is about to remove: its own (by identity, whatever state its journal is
 * in, an interrupted clearing included), the default one (what ZTICache.vbs replaced), or an empty
 * folder; anything else is someone else's and is refused, as is one holding the running zticache.
 */
function judgeOldTarget({ p, target, tgt, trusted, journalFile, opts }: Look, { removeOldTarget }: Decision): Plan['oldTarget'] {
  if (!tgt.exists) return undefined;
  const why = trusted ? `made by zticache (identity ${formatId(tgt.id)} recorded in ${journalFile})`
    : tgt.empty ? 'an empty folder'
    : opts.targetIsDefault ? 'not made by zticache (no matching record): replaced, as it is the default PackageSource'
    : undefined;
  if (removeOldTarget) {
    if (why === undefined) {
      throw new ZtiError(ExitCode.TARGET_UNSAFE,
        `the target ${target} exists, holds files and was not made by zticache (no staging record for it in ${opts.stateDir}); zticache replaces only its own staging or the default PackageSource. Give a new or empty folder, or remove ${target} yourself; nothing was changed`,
        { path: target });
    }
    if (runsFromTarget(p, opts, tgt)) {
      throw new ZtiError(ExitCode.TARGET_UNSAFE, `the target ${target} holds the running zticache (${opts.runningExe}); it is never removed`, { path: target });
    }
  }
  return { id: tgt.id, trusted, why: why ?? 'kept' };
}

/**
 * The top-level names a move copies and leaves in the source: all of them (--mode copy on a stuck
 * move), or the folder holding the running zticache.exe (a folder cannot be renamed while a file
 * in it runs; the exe itself is not staged, so at the top it keeps nothing back, unless an older
 * zticache's journal being finished lists it).
 */
function keptEntries({ exeRel, names }: Look, { action, copyRest, inventory }: Decision): string[] {
  if (action !== 'move') return [];
  if (copyRest) return [...inventory.dirs.filter((r) => !r.includes('/')), ...inventory.files.map((f) => f.rel).filter((r) => !r.includes('/'))];
  if (exeRel === undefined) return [];
  if (exeRel.includes('/')) return [topName(exeRel)];
  // the journal of an older zticache (before issue 38) lists the running exe: copied, never moved
  // out of the cache folder the SMS client runs it from
  const key = names.key(exeRel);
  const listed = inventory.files.find((f) => names.key(f.rel) === key);
  return listed ? [listed.rel] : [];
}

/**
 * A package file that is one name with the zticache.exe left out (ZTICACHE.EXE beside it in a
 * case-sensitive folder or share) is refused as two names are: staged, it would be passed over as
 * zticache itself by every rerun's evidence, and a new version of it never staged.
 */
function refuseExeTwin({ p, exeRel, names, source, target }: Look, inv: Inventory): void {
  if (exeRel === undefined) return;
  const key = names.key(exeRel);
  // a file, or a folder (ZTICACHE.EXE\notes.txt): either stands where zticache.exe is put beside the package
  const twin = inv.files.find((f) => f.rel !== exeRel && names.key(f.rel) === key)?.rel ?? inv.dirs.find((d) => names.key(d) === key);
  if (twin === undefined) return;
  throw new ZtiError(ExitCode.NAME_CLASH,
    `"${twin}" and "${exeRel}" (zticache itself, which is not moved) are two entries of ${source} but one name in ${target} (${names.description}): the package's would be taken for zticache on every rerun; rename it in the package on the distribution point and update the distribution points; nothing was changed`,
    { path: fromRel(p, source, twin) });
}

/** The key of the running zticache.exe in the source: a rerun's evidence passes over it (an admin may have replaced it by a newer build). */
function exeKey({ exeRel, names }: Look): string | undefined {
  return exeRel === undefined ? undefined : names.key(exeRel);
}

/** Whether a move stays on one volume, and the clusters what is written needs against what is free. */
function countSpace({ p, source, target, platform, names, exeRel }: Look, { action, resume, inventory, removeOldTarget }: Decision, keep: readonly string[]): { sameVolume?: boolean; neededBytes: number; freeBytes?: number } {
  if (action === 'none') return { neededBytes: 0 };
  const where = existingAncestor(target, p);
  const sameVolume = action === 'move' || exeRel !== undefined ? sameVolumeOf(platform, source, where) : undefined;
  let written: Inventory['files'];
  if (action === 'copy' || !sameVolume) {
    written = resume === 'staging' ? stillToCopy(p, target, inventory) : inventory.files;
  } else {
    // a move on one volume writes no package bytes, but the kept entries (zticache.exe) are copies
    const kept = new Set(keep.map((k) => names.key(k)));
    written = kept.size === 0 ? [] : inventory.files.filter((f) => kept.has(names.key(topName(f.rel))));
  }
  // zticache.exe put beside the package: a hard link on one volume, a copy on another (stage/own-copy.ts)
  const exe = exeRel !== undefined && !sameVolume ? fileStat.info(fromRel(p, source, exeRel)) : undefined;
  if (exe?.kind === 'file') written = [...written, { rel: exeRel!, size: exe.size, mtimeMs: exe.mtimeMs }];
  if (written.length === 0) return { sameVolume, neededBytes: 0 };
  // what the files take on the disk, not their sizes: 3,000 small files of 200 bytes are 600 KB
  // of data but 12 MB of 4 KB clusters
  const cluster = platform.clusterBytes(where);
  const data = written.reduce((n, f) => n + f.size, 0);
  const neededBytes = allocated(written, cluster);
  const freeBytes = platform.freeBytes(where);
  let reclaimable = 0;
  if (removeOldTarget && freeBytes < neededBytes) reclaimable = allocated(takeInventory(p, target, { walk: platform.walk }).files, cluster);
  checkFreeSpace(where, { needed: neededBytes, data, files: written.length, cluster }, freeBytes + reclaimable);
  return { sameVolume, neededBytes, freeBytes };
}

function loadJournal(found: FoundJournal, target: string): Journal | undefined {
  const r = found.read;
  if (r.kind === 'none') return undefined;
  if (r.kind === 'invalid') {
    throw new ZtiError(ExitCode.JOURNAL_CONFLICT,
      `the staging journal ${found.file} is unreadable: ${r.reason}. It may describe an unfinished staging whose files exist only in ${target}, so nothing was deleted. Check ${target}, then delete the journal and run again.`,
      { path: found.file });
  }
  return r.journal;
}

interface LauncherContext {
  source: string;
  sourceId: FileId;
  target: string;
  /** the target's identity when it is zticache's own (kept, not replaced) */
  targetId?: FileId;
  inventory: Inventory;
  action: Action;
  names: NameRules;
  platform: Platform;
}

/**
 * The launcher, resolved to the path it will have when staging is done: a file of the package
 * (named under the target, or under the source by any spelling: it is launched from the target),
 * or an existing program outside both. It must be a regular file, and executable on POSIX.
 */
function checkLauncher(p: Options['path'], launcher: string, c: LauncherContext): string {
  let rel: string | undefined;
  if (isInside(p, launcher, c.target)) rel = toRel(p, c.target, launcher);
  else rel = locateUnder(p, launcher, c.sourceId) || locateUnder(p, launcher, c.targetId) || undefined;
  if (rel !== undefined) {
    const key = c.names.key(rel);
    const entry = c.inventory.files.find((f) => c.names.key(f.rel) === key);
    if (!entry) {
      throw new ZtiError(ExitCode.LAUNCHER_MISSING, `the launcher ${rel} is not a file of the package (${c.source}); nothing was changed`, { path: launcher });
    }
    const now = fromRel(p, c.action === 'none' || !fs.existsSync(fromRel(p, c.source, entry.rel)) ? c.target : c.source, entry.rel);
    checkRunnable(c.platform, now);
    return fromRel(p, c.target, entry.rel);
  }
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(launcher);
  } catch {
    st = undefined;
  }
  if (!st?.isFile()) throw new ZtiError(ExitCode.LAUNCHER_MISSING, `the launcher ${launcher} ${st ? 'is not a regular file' : 'does not exist'}; nothing was changed`, { path: launcher });
  checkRunnable(c.platform, launcher);
  return launcher;
}

/** A launcher this machine cannot start is refused while the package is still in the cache folder (it would fail only once moved). */
function checkRunnable(platform: Platform, file: string): void {
  const why = platform.cannotStart(file);
  if (why !== undefined) throw new ZtiError(ExitCode.LAUNCHER_MISSING, `the launcher ${file} cannot be started on this computer: ${why}; nothing was changed`, { path: file });
}

/**
 * --manifest, or zticache.sha256 at the top of the package. Parsed now, so a bad one refuses
 * before any change. A line for the running zticache.exe (`exeRel`), which is not in the
 * inventory, is checked against the copy of it put beside the package (listsExe).
 */
function findManifest(opts: Options, inv: Inventory, action: Action, sourceId: FileId, names: NameRules, exeRel?: string): { manifest: NonNullable<Plan['manifest']>; listsExe: boolean } | undefined {
  const p = opts.path;
  let readFrom: string | undefined;
  let path: string | undefined;
  if (opts.manifest) {
    readFrom = opts.manifest;
    // a manifest inside the package (by any spelling) travels with it
    const rel = locateUnder(p, opts.manifest, sourceId);
    path = rel ? fromRel(p, opts.target, rel) : opts.manifest;
    if (action === 'none' || !fs.existsSync(readFrom)) readFrom = path;
  } else {
    const manifestKey = names.key(MANIFEST_NAME);
    const entry = inv.files.find((f) => names.key(f.rel) === manifestKey);
    if (!entry) return undefined;
    path = fromRel(p, opts.target, entry.rel);
    readFrom = action === 'none' || !fs.existsSync(fromRel(p, opts.source, entry.rel)) ? path : fromRel(p, opts.source, entry.rel);
  }
  let text: string;
  try {
    // a FIFO or a device would block the read forever: only a regular file is a manifest
    if (!fs.statSync(readFrom).isFile()) {
      throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${readFrom} is not a regular file`, { path: readFrom });
    }
    text = decodeManifest(fs.readFileSync(readFrom), readFrom);
  } catch (err) {
    if (err instanceof ZtiError) throw err;
    throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `cannot read the manifest ${readFrom}`, { path: readFrom, cause: err });
  }
  let entries = parseManifest(text, readFrom, p, names);
  // a manifest that is there but lists no file (0 bytes from a failed copy, only a comment) vouches
  // for nothing: taken for "no manifest", a damaged package would pass on sizes alone
  if (!entries.length) {
    throw new ZtiError(ExitCode.MANIFEST_UNREADABLE, `the manifest ${readFrom} lists no file (empty, or only comments): write it again with zticache manifest, or remove it to check sizes only; nothing was changed`, { path: readFrom });
  }
  const known = new Set(inv.files.map((f) => names.key(f.rel)));
  const exe = exeRel === undefined ? undefined : names.key(exeRel);
  const listsExe = exe !== undefined && !known.has(exe) && entries.some((e) => names.key(e.rel) === exe);
  // checked against the zticache.exe put beside the package (stage/own-copy.ts), by its spelling there
  if (listsExe) entries = entries.map((e) => (names.key(e.rel) === exe ? { ...e, rel: exeRel! } : e));
  const missing = entries.filter((e) => !known.has(names.key(e.rel)) && names.key(e.rel) !== exe);
  if (missing.length) {
    throw new ZtiError(ExitCode.VERIFY_FAILED,
      `the manifest ${readFrom} lists ${missing.length} file(s) that are not in the package, first: ${missing[0]!.rel}; nothing was changed, the launcher was not started`,
      { path: readFrom });
  }
  return { manifest: { path, entries }, listsExe };
}

/** The top-level name of a package path. */
function topName(rel: string): string {
  const slash = rel.indexOf('/');
  return slash < 0 ? rel : rel.slice(0, slash);
}

function sameVolumeOf(platform: Platform, a: string, b: string): boolean {
  try {
    return platform.volumeOf(a) === platform.volumeOf(b);
  } catch {
    return false;
  }
}

/** On resume, the inventory files not yet complete in the target. */
function stillToCopy(p: Options['path'], target: string, inv: Inventory): Inventory['files'] {
  return inv.files.filter((f) => {
    const now = fileStat.info(fromRel(p, target, f.rel));
    return now?.kind !== 'file' || now.size !== f.size;
  });
}

/** Bytes the files take in clusters of `cluster` bytes (an empty file takes none). */
export function allocated(files: ReadonlyArray<{ size: number }>, cluster: number): number {
  return files.reduce((n, f) => n + Math.ceil(f.size / cluster) * cluster, 0);
}
