// STAGE: the only part of zticache that changes the disk, and it always goes through the journal:
// journal "clearing" -> old target removed -> new target created (protected ACL) -> journal
// "staging" with the new folder's identity -> move or copy -> journal "staged". A crash at any
// point leaves a journal that tells the next run what to finish. The old target is removed only
// when the plan allows it (zticache's own by identity, the default PackageSource, or empty), never
// through a link; the new one must be created here, not found: a folder that appears between the
// removal and the creation is someone else's. The target's parent and the target are held (on
// Windows: no FILE_SHARE_DELETE) from their check until the guard takes over.

import { ExitCode } from '../core/exit-codes.js';
import { ZtiError, errnoOf } from '../core/errors.js';
import type { Plan } from '../plan/plan.js';
import type { Platform } from '../platform/platform.js';
import { formatBytes, plural } from '../core/format.js';
import { checkTargetSafe } from '../plan/checks.js';
import { sameId, type FileId } from '../state/identity.js';
import { PlaceError, type HeldFolder } from '../places/places.js';
import { walkNames, type Inventory } from '../plan/inventory.js';
import { splitRel, type NameRules } from '../names/names.js';
import { fromRel } from '../core/paths.js';
import { copyInventory, stageError, type CopyOptions } from './copy.js';
import { stageFs } from './fs.js';
import { writeJournal, type JournalState } from '../plan/journal.js';
import { moveInventory, type MoveResult } from './move.js';
import { retryPolicy } from './retry.js';
import { Progress } from './progress.js';
import { faultPoint } from '../core/fault-points.js';

export interface StageOptions extends Omit<CopyOptions, 'progress' | 'walk'> {
  platform: Platform;
  tty?: NodeJS.WriteStream;
}

export interface Staged {
  /** lets go of the folders held since they were checked (the guard holds them from then on) */
  release(): void;
  /**
   * the top-level names whose files in the target are the inventoried files themselves (renamed
   * into it, this run or an earlier one): VERIFY holds them to the file IDs the inventory has
   */
  same: ReadonlySet<string>;
}

export async function stage(plan: Plan, opts: StageOptions): Promise<Staged> {
  const { p, log, platform } = opts;
  const started = Date.now();
  const pins: Array<() => void> = [];
  const release = () => {
    while (pins.length) pins.pop()!();
  };
  const same = new Set<string>(plan.action === 'none' ? plan.same : []);
  if (plan.action === 'none') {
    log.info(`Nothing to stage: ${plan.reason}`, { event: true });
    return { release, same };
  }
  const { target, source, inventory: inv } = plan;
  const startedIso = new Date().toISOString();
  let crossed = plan.crossed;
  /** what a move copied into the target and left in the cache folder (journal.kept) */
  let kept: string[] = [];
  const journal = (state: JournalState, targetId: FileId | undefined): void => {
    writeJournal(plan.journalFile, {
      tool: 'zticache', version: 2, source, sourceId: plan.sourceId, target, targetId,
      mode: plan.action as 'move' | 'copy', state, ...(crossed.length ? { crossed } : {}),
      ...(state === 'staged' && same.size ? { same: [...same] } : {}),
      ...(state === 'staged' && kept.length ? { kept } : {}),
      ...(plan.leftOut !== undefined ? { leftOut: plan.leftOut } : {}),
      started: startedIso, updated: new Date().toISOString(), inventory: inv,
    });
  };

  let step = 'preparing the target';
  try {
    // from here on the target's parent (C:\MININT, which any user may create) is used by handle
    // only, and held: what is checked below is what is used (places.ts)
    step = `opening ${p.dirname(target)}`;
    const parent = openPlace(() => platform.places.openFolder(p.dirname(target), { create: true }), 'the target\'s parent');
    pins.push(() => parent.release());
    checkTargetSafe(p, target); // again: the parent may have been created by someone else meanwhile
    const name = p.basename(target);

    let targetId: FileId | undefined;
    if (plan.resume === 'staging') {
      const held = openPlace(() => parent.folder(name, 'existing'), 'the target');
      pins.push(() => held.release());
      targetId = held.id();
      if (!sameId(targetId, plan.oldTarget?.id)) {
        throw new ZtiError(ExitCode.TARGET_UNSAFE, `${target} was replaced after it was checked; nothing was changed`, { path: target });
      }
      if (plan.prune) {
        journal('staging', targetId); // the fresh inventory, before the target is made to match it
        step = `removing from ${target} what is no longer in the package`;
        const { renamed, removed } = await pruneTarget(target, inv, plan.names, opts);
        if (renamed) log.info(`Renamed ${plural(renamed, 'file or folder', 'files and folders')} in ${target} to the package's spelling (another case on the distribution point)`);
        if (removed) log.info(`Removed ${plural(removed, 'file or folder', 'files and folders')} from ${target} that are no longer in the package`);
      }
    } else {
      if (plan.removeOldTarget || plan.resume === 'clearing') {
        journal('clearing', plan.oldTarget?.trusted ? plan.oldTarget.id : undefined);
        if (stageFs.exists(target)) {
          step = `removing the old ${target}`;
          log.info(`Removing the old ${target} (${plan.oldTarget?.why ?? 'left by an interrupted clearing'})`);
          await removeOldTarget(parent, name, opts);
          faultPoint('old target removed');
        }
      }
      step = `creating ${target}`;
      let made: HeldFolder;
      try {
        made = parent.folder(name, 'new'); // created here, protected; one that appeared meanwhile is refused
      } catch (err) {
        if (err instanceof PlaceError && err.code === 'EEXIST') {
          throw new ZtiError(ExitCode.TARGET_UNSAFE, `${target} appeared while zticache was preparing it (someone else created it); nothing was staged`, { path: target });
        }
        throw err;
      }
      pins.push(() => made.release());
      log.info(`Created ${target} ${platform.places.createdAs}`);
      targetId = made.id();
      journal('staging', targetId);
    }

    step = plan.action === 'move' ? `moving the package into ${target}` : `copying the package into ${target}`;
    const verb = plan.action === 'move' && plan.sameVolume ? 'Moved' : 'Copied';
    const progress = new Progress(verb, inv.bytes, inv.files.length, log, { tty: opts.tty }).start();
    let summary: string;
    /** the package's files by what happened to them, adding up to its count (said in the closing line) */
    let counts: Array<[number, string]>;
    try {
      if (plan.action === 'move') {
        // what was moved is in the target only: a move that cannot finish starts over from a
        // package downloaded anew
        const startOver = `have the package downloaded again into the cache folder, then delete ${target} and the journal ${plan.journalFile}, and run zticache again`;
        const r = await moveInventory(source, target, inv, {
          ...opts, walk: platform.walk, keep: plan.keep, progress, crossed: plan.crossed, startOver, checkExtra: plan.resume === 'staging',
          // the rest of the cache folder is another version now: neither half can be finished from the other
          whenChanged: `the package in the cache folder changed while it was being moved (a content refresh?); a move cannot finish from a changed source: ${startOver}`,
          onCrossed: (names) => {
            crossed = names;
            journal('staging', targetId);
          },
        });
        for (const name of r.same) same.add(name);
        kept = r.left;
        summary = `Move: ${moveSummary(r)}`;
        counts = [[r.files.moved, 'moved'], [r.files.finished, 'copied by an earlier run and moved by this one'], [r.files.kept, 'copied and kept in the cache folder'], [r.files.already, 'already in place from an earlier run']];
      } else {
        // the package's size; how many of its files this run copies and how many an earlier run did is said after
        log.info(`Copying the package (${plural(inv.files.length, 'file')}, ${formatBytes(inv.bytes)}, in ${plural(inv.dirs.length, 'folder')}) from ${source}`);
        const r = await copyInventory(source, target, inv, { ...opts, walk: platform.walk, progress, startOver: `delete ${target} and the journal ${plan.journalFile}, then run zticache again (a copy starts over from the source)` });
        summary = `Copy: ${plural(r.copied, 'file')} copied, ${r.skipped} already complete from an earlier run`;
        counts = [[r.copied, 'copied'], [r.skipped, 'already complete from an earlier run']];
      }
    } finally {
      const s = progress.stop(); // ends the bar's line before anything else is printed
      if (plan.action === 'copy') log.info(`${progress.line()} in ${s.seconds.toFixed(1)} s`);
    }
    log.info(summary);
    journal('staged', targetId);
    const seconds = (Date.now() - started) / 1000;
    const how = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(', ');
    log.info(`Staged ${plural(inv.files.length, 'file')} (${formatBytes(inv.bytes)}) from ${source} into ${target} in ${seconds.toFixed(2)} s: ${how}`, { event: true });
  } catch (err) {
    release();
    if (errnoOf(err) === 'ENOSPC' || (err instanceof ZtiError && errnoOf(err.cause) === 'ENOSPC')) {
      let free = -1;
      try { free = opts.platform.freeBytes(target); } catch { /* report what we know */ }
      throw new ZtiError(ExitCode.NO_SPACE,
        `the target volume is full: ${formatBytes(plan.inventory.bytes)} needed for the package, ${free >= 0 ? formatBytes(free) : 'unknown'} free now; run again after freeing space (what was staged is kept)`,
        { path: target, cause: err });
    }
    throw stageError(err, `${step} failed`, target);
  }
  return { release, same };
}

/** How a move went, entry by entry (a folder is one entry), only what happened: "6 entries renamed". */
export function moveSummary(r: MoveResult): string {
  const parts = [
    r.renamed ? `${plural(r.renamed, 'entry', 'entries')} renamed` : '',
    r.crossVolume ? `${plural(r.crossVolume, 'entry', 'entries')} moved across volumes (${plural(r.crossVolumeCopied, 'file')} copied by this run${r.leftInSource ? `; ${r.leftInSource} of them left in the source too, which refused the delete` : ''})` : '',
    r.kept ? `${plural(r.kept, 'entry', 'entries')} copied and kept in the cache folder` : '',
    r.alreadyDone ? `${plural(r.alreadyDone, 'entry', 'entries')} already in place` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing to move';
}

/**
 * A copy resumed from a fresh inventory: zticache's own target is made to hold the package's
 * entries by the package's spelling. An entry that is one of the package's by key but spelled
 * otherwise (the distribution point renamed NET.INF to net.inf; Windows finds one by the other)
 * is renamed to the package's spelling, parents first, so the copy meets the very name it copies
 * to; files and folders the package no longer has (removed or renamed on the distribution point)
 * go, so that verification finds exactly the package. Only inside a target whose identity zticache
 * recorded. Returns what was renamed and what removed.
 */
async function pruneTarget(target: string, inv: Inventory, names: NameRules, opts: StageOptions): Promise<{ renamed: number; removed: number }> {
  const { p } = opts;
  const sfs = stageFs;
  const key = (rel: string) => names.key(rel);
  const files = new Set(inv.files.map((f) => key(f.rel)));
  const dirs = new Set(inv.dirs.map(key));
  const spelled = new Map([...inv.dirs, ...inv.files.map((f) => f.rel)].map((rel) => [key(rel), rel]));
  const found = walkNames(p, target, opts.platform.walk);
  /** found path -> path now, for every folder renamed so far (a child's path follows its parent's) */
  const moved: Array<[string, string]> = [];
  const now = (rel: string) => {
    let best: [string, string] | undefined;
    for (const m of moved) if ((rel === m[0] || rel.startsWith(`${m[0]}/`)) && (!best || m[0].length > best[0].length)) best = m;
    return best ? best[1] + rel.slice(best[0].length) : rel;
  };
  let renamed = 0;
  // folders first, parents before children (the walk's order), then files
  for (const [list, wanted] of [[found.dirs, dirs], [found.files, files]] as const) for (const rel of list) {
    const want = spelled.get(key(rel));
    if (want === undefined || want === rel || !wanted.has(key(rel))) continue;
    const at = now(rel);
    const to = `${splitRel(at).parent ? `${splitRel(at).parent}/` : ''}${splitRel(want).name}`;
    if (to === at) continue;
    // through a name of its own: a rename to another case of the same name is a no-op where the
    // file system takes the new name for the old one (Wine; some SMB servers)
    const between = `${splitRel(at).parent ? `${splitRel(at).parent}/` : ''}~zticache-rename-${process.pid}-${renamed}`;
    await sfs.rename(fromRel(p, target, at), fromRel(p, target, between));
    await sfs.rename(fromRel(p, target, between), fromRel(p, target, to));
    moved.push([rel, to]);
    renamed++;
  }
  let removed = 0;
  for (const f of found.files) {
    if (files.has(key(f))) continue;
    await sfs.rm(fromRel(p, target, now(f)));
    removed++;
  }
  // deepest first; a folder still wanted keeps everything it holds
  for (const d of found.dirs.sort().reverse()) {
    if (dirs.has(key(d))) continue;
    await sfs.rm(fromRel(p, target, now(d)));
    removed++;
  }
  return { renamed, removed };
}

/**
 * Removes an old target by handle from its held parent: links inside are removed as links, never
 * followed, and nothing is reached by a name someone could swap meanwhile; a file that cannot be
 * removed is named in the error with its own path, after the backoff.
 */
async function removeOldTarget(parent: HeldFolder, name: string, opts: StageOptions): Promise<void> {
  const retry = retryPolicy;
  await stageFs.removeIn(parent, name, {
    onRetry: (err, attempt, delay) => opts.log.warn(`removing ${(err as { path?: string }).path ?? name}: ${errnoOf(err)} (try ${attempt} of ${retry.attempts}), retrying in ${delay} ms`),
  });
}

/** A folder on the target's way that is a link, not a folder, or swapped since the plan: refused as the plan refuses it. */
function openPlace<T>(open: () => T, what: string): T {
  try {
    return open();
  } catch (err) {
    if (!(err instanceof PlaceError) || !['ELOOP', 'ENOTDIR', 'ENOENT'].includes(err.code)) throw err;
    throw new ZtiError(ExitCode.TARGET_UNSAFE, `${what}: ${err.message}; zticache will not write or delete through it`, { path: err.path, cause: err, winError: err.winError });
  }
}
