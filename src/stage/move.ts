// MOVE: each top-level entry of the package is renamed into the target, so on one volume no byte
// is copied, however big the package. Unlike the original's MoveFile/MoveFolder it is resumable,
// and "already in the target" is decided by identity, never by a lookup of the name: a rename
// keeps the file ID the inventory recorded, so an entry is done only when the target holds that
// very file or folder (on NTFS a name can find another entry: an 8.3 alias, another case). It falls
// back to copy, check, flush, delete when the rename crosses volumes (EXDEV), and copies instead
// of moving the running zticache.exe, which the SMS client still expects in its cache.

import { ExitCode } from '../core/exit-codes.js';
import { ZtiError, errnoOf } from '../core/errors.js';
import { byTopLevel, type Inventory } from '../plan/inventory.js';
import { fromRel } from '../core/paths.js';
import { copyInventory, stageError, type CopyOptions } from './copy.js';
import { stageFs } from './fs.js';
import { retryPolicy, TRANSIENT_RENAME_ERRORS, withRetry } from './retry.js';
import { formatBytes, plural } from '../core/format.js';
import { faultPoint } from '../core/fault-points.js';
import { forEachLimit } from '../core/pool.js';

/** Deletes refused for good by the source itself (after retries): the copy stands, the source keeps its files. */
const UNDELETABLE: ReadonlySet<string> = new Set(['EPERM', 'EACCES', 'EROFS']);

export interface MoveOptions extends CopyOptions {
  /** what the admin does when the package cannot be finished from what is left (said in the error) */
  startOver: string;
  /** top-level names to copy and leave in the source */
  keep: readonly string[];
  /** top-level names an earlier run copied whole across volumes (journal.crossed): only their deletes are left */
  crossed?: readonly string[];
  /**
   * resuming from a journal: a folder is renamed or deleted only while it holds nothing but the
   * files the journal inventoried (a zticache.exe left out of it, a file added since); one that
   * holds more is copied and left in the source whole
   */
  checkExtra?: boolean;
  /** called with every entry whose copy is complete and flushed, before any of their sources is deleted (the journal records them) */
  onCrossed?: (names: string[]) => void;
}

export interface MoveResult {
  renamed: number;
  /** top-level entries moved by copy + delete (another volume), leftInSource of them still in the source too */
  crossVolume: number;
  /** files those entries held that were really copied (not already complete from an earlier run) */
  crossVolumeCopied: number;
  /** entries whose source refused the delete after their copy was complete (left as an extra copy) */
  leftInSource: number;
  kept: number;
  alreadyDone: number;
  /** top-level names whose files in the target are the inventoried files themselves (renamed, this run or an earlier one) */
  same: string[];
  /** top-level names copied into the target and still in the source too (kept, or their delete refused): the journal records them */
  left: string[];
  /**
   * The package's files by what happened to them, adding up to the inventory's count: moved by this
   * run (renamed, or copied across volumes and deleted from the source), copied and left in the
   * source too (kept, or a delete the source refused), or already in the target from an earlier run.
   */
  files: { moved: number; finished: number; kept: number; already: number };
}

export async function moveInventory(source: string, target: string, inv: Inventory, opts: MoveOptions): Promise<MoveResult> {
  const { p, log } = opts;
  const sfs = stageFs;
  const retry = retryPolicy;
  const result: MoveResult = { renamed: 0, crossVolume: 0, crossVolumeCopied: 0, leftInSource: 0, kept: 0, alreadyDone: 0, same: [], left: [], files: { moved: 0, finished: 0, kept: 0, already: 0 } };
  const dirs = new Set(inv.dirs);
  sfs.mkdirp(target);

  const crossedBefore = new Set(opts.crossed ?? []);
  const crossing: Array<{ name: string; src: string; sub: Inventory; what: string }> = [];
  /** copied whole across volumes by an earlier run, whose delete was cut short */
  const unfinishedDeletes: typeof crossing = [];
  const groups = byTopLevel(inv);
  const tops = new Set(groups.keys());
  for (const [name, sub] of groups) {
    const src = fromRel(p, source, name);
    const dst = fromRel(p, target, name);
    const what = dirs.has(name) ? 'folder' : 'file';
    if (crossedBefore.has(name)) {
      if (sfs.exists(src)) unfinishedDeletes.push({ name, src, sub, what });
      else {
        result.alreadyDone++;
        result.files.already += sub.files.length;
      }
      opts.progress?.add(sub.bytes, sub.files.length);
      continue;
    }
    const inSource = sfs.exists(src);
    const extra = inSource && what === 'folder' && opts.checkExtra ? notInventoried(opts, source, name, sub) : undefined;
    if (extra !== undefined) log.warn(`${src} holds ${extra}, which the journal's inventory does not list: the folder is copied and stays in the source (never moved or deleted with a file zticache did not inventory)`);
    if ((opts.keep.includes(name) || extra !== undefined) && inSource) {
      await copyInventory(source, target, sub, opts);
      log.info(`Copied ${src} (it stays in the source)`);
      result.kept++;
      result.files.kept += sub.files.length;
      result.left.push(name);
      continue;
    }
    /** the identity the inventory recorded for this entry (none in a journal of an older zticache) */
    const want = what === 'folder' ? inv.dirIds?.[name] : sub.files[0]?.id;
    const found = sfs.idOf(dst);
    const inTarget = found !== undefined;
    if (inTarget && found === want) {
      // the very entry inventoried, renamed by this run or an earlier one
      if (inSource) log.warn(`${src} is in the cache folder again after it was moved (a content refresh?): the one moved is kept, the new one is left where it is`);
      result.alreadyDone++;
      result.files.already += sub.files.length;
      result.same.push(name);
      opts.progress?.add(sub.bytes, sub.files.length);
      continue;
    }
    if (inTarget) {
      // found by its name, but not the entry moved: another entry NTFS answers to this name (an
      // 8.3 alias, another case) must never be taken for it, copied over or deleted
      const real = sfs.realName(dst);
      if (real !== name) {
        // a rename on the distribution point helps only when the other entry is one of the package's
        const wayOut = tops.has(real) ? `Rename one of them in the package on the distribution point, then ${opts.startOver}` : `It is not the package's: ${opts.startOver}`;
        throw new ZtiError(ExitCode.STAGE_FAILED, `in ${target} the name ${name} finds ${real} (an 8.3 short name or another case of it), so ${name} cannot be staged beside it; nothing was deleted. ${wayOut}`, { path: dst });
      }
      if (!inSource && want !== undefined) {
        throw new ZtiError(ExitCode.STAGE_FAILED, `${dst} is not the ${what} zticache moved there (file ${found} now, ${want} when inventoried), and ${src} is gone from the cache folder; nothing was deleted. The package cannot be made whole from what is left: ${opts.startOver}`, { path: dst });
      }
      if (!inSource) {
        // a journal of an older zticache, without identities: the name is all there is to go by
        result.alreadyDone++;
        result.files.already += sub.files.length;
        opts.progress?.add(sub.bytes, sub.files.length);
        continue;
      }
    }
    if (!inSource && !inTarget) {
      throw new ZtiError(ExitCode.STAGE_FAILED, `${name} is in the journal's inventory but neither in ${source} nor in ${target} (removed since, by a cleanup or by hand); the package cannot be made whole from what is left: ${opts.startOver}`, { path: src });
    }
    if (what === 'folder') log.info(`Moving folder ${src} (${plural(sub.files.length, 'file')}, ${formatBytes(sub.bytes)})`);
    if (!inTarget) {
      try {
        await withRetry(() => sfs.rename(src, dst), retry,
          (err, attempt, delay) => log.warn(`moving ${src}: ${errnoOf(err)} (try ${attempt} of ${retry.attempts}), retrying in ${delay} ms`),
          TRANSIENT_RENAME_ERRORS);
        faultPoint('renamed');
        result.renamed++;
        result.same.push(name);
        result.files.moved += sub.files.length;
        opts.progress?.add(sub.bytes, sub.files.length);
        continue;
      } catch (err) {
        // another volume (EXDEV), or a source that cannot give up its files (EROFS): copy instead
        if (errnoOf(err) !== 'EXDEV' && errnoOf(err) !== 'EROFS') throw stageError(err, `cannot move ${src} to ${dst}`, src);
      }
    }
    // another volume, or a copy that was interrupted: done below, all such entries together
    crossing.push({ name, src, sub, what });
  }

  /** files an earlier run had copied across completely (a resumed move): their moves are said apart */
  let complete = new Set<string>();
  if (crossing.length) {
    // Copy every such entry, check every size, flush all the copies to disk in one go (many
    // flushes in flight share the file system's journal commits; one entry at a time ran at half
    // cp's speed), and only then delete the sources: a power cut at any moment leaves one whole
    // copy of every file.
    const all: Inventory = { files: crossing.flatMap((c) => c.sub.files), dirs: crossing.flatMap((c) => c.sub.dirs), bytes: 0 };
    const copy = await copyInventory(source, target, all, opts);
    result.crossVolumeCopied = copy.copied;
    complete = copy.complete;
    for (const f of all.files) {
      const got = sfs.statSync(fromRel(p, target, f.rel))?.size ?? -1;
      if (got !== f.size) {
        throw new ZtiError(ExitCode.STAGE_FAILED, `copy of ${fromRel(p, source, f.rel)} has ${got} bytes, expected ${f.size}; the source was kept`, { path: fromRel(p, target, f.rel) });
      }
    }
    // flushes in flight share the file system's journal commits: at least 16 at once, more with --parallel
    const flushes = Math.max(16, opts.parallel);
    await forEachLimit(all.files, flushes, (f) => sfs.fsync(fromRel(p, target, f.rel)));
    await forEachLimit(all.dirs, flushes, (d) => sfs.fsync(fromRel(p, target, d)));
    await sfs.fsync(target);
    faultPoint('copied across volumes, not journalled');
  }
  if (crossing.length || unfinishedDeletes.length) {
    opts.onCrossed?.([...crossedBefore, ...crossing.map((c) => c.name)]);
    faultPoint('copied across volumes, sources not deleted');
    for (const c of [...unfinishedDeletes, ...crossing]) {
      // a folder holding a file the inventory does not list (the running zticache.exe, left out of
      // it) is never deleted: that file was not copied and would exist nowhere
      const extra = c.what === 'folder' ? notInventoried(opts, source, c.name, c.sub) : undefined;
      if (extra !== undefined) {
        log.warn(`copied ${c.src} into the target, but it holds ${extra}, which the inventory does not list: the folder stays in the source whole, nothing is deleted`);
        result.leftInSource++;
        result.files.kept += c.sub.files.length;
        result.left.push(c.name);
        result.crossVolume++;
        continue;
      }
      try {
        await sfs.rm(c.src, { retry, onRetry: (err, attempt, delay) => log.warn(`deleting ${(err as { path?: string }).path ?? c.src} from the source: ${errnoOf(err)} (try ${attempt} of ${retry.attempts}), retrying in ${delay} ms`) });
        faultPoint('source deleted');
        // an entry an earlier run crossed whole, or files its copy had completed: that run copied them, this one deleted the source
        const earlier = unfinishedDeletes.includes(c) ? c.sub.files.length : c.sub.files.filter((f) => complete.has(f.rel)).length;
        result.files.finished += earlier;
        result.files.moved += c.sub.files.length - earlier;
      } catch (err) {
        // the copy is complete, checked and flushed: a source that refuses the delete (read-only
        // media, a file locked for good) keeps an extra copy, and nothing is lost
        if (!UNDELETABLE.has(errnoOf(err) ?? '')) throw stageError(err, `copied ${c.src} to the target but cannot delete it from the source`, c.src);
        log.warn(`copied ${c.src} into the target, but the source refuses its delete (${errnoOf(err)} at ${(err as { path?: string }).path ?? c.src}): an extra copy stays there, nothing is lost`);
        result.leftInSource++;
        result.files.kept += c.sub.files.length;
        result.left.push(c.name);
      }
      result.crossVolume++;
    }
  }
  return result;
}

/** The first file under the top-level folder `name` that its inventory does not list, package-relative; undefined when there is none. */
function notInventoried({ p, walk }: MoveOptions, source: string, name: string, sub: Inventory): string | undefined {
  // no longer a folder (a new version in the cache folder): the copy's check names the change
  if (stageFs.statSync(fromRel(p, source, name))?.kind !== 'dir') return undefined;
  const listed = new Set(sub.files.map((f) => f.rel));
  let found: string | undefined;
  walk(p, fromRel(p, source, name), (rel, kind) => {
    if (found !== undefined) return 'skip';
    if (kind !== 'dir' && !listed.has(`${name}/${rel}`)) found = `${name}/${rel}`;
  });
  return found;
}
