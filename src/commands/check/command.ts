// `zticache check [--source DIR] [--manifest FILE] [--scratch-mb MB] [--status-mif NAME]`: is
// this computer ready for the OS package, before the mandatory time? Run from the package's cache
// folder as a second program of the OS package (download and execute, advertised ahead of the
// mandatory one), it makes every decision a real run makes before its first change (the plan with
// --what-if: the state folder, the target, the names, the launcher, the journal, the free space)
// and what a run cannot know yet: the scratch space the OS install needs beside the package, the
// client cache's size against the package, and every cached file against the manifest's SHA-256
// (on the thread pool, as `zticache manifest` hashes). It changes nothing and takes no lock a real
// run needs; the console learns READY or NOT READY from the status MIF (Success or Failed), the
// Application log gets the same line, and the exit code is 0 or the code a run would fail with.

import type { Args } from '../../cli/args.js';
import { pathFor, resolveOptions, type Options, type Runtime } from '../../cli/options.js';
import { DEFAULT_EVENT_SOURCE, DEFAULT_SCRATCH_MB } from '../../cli/defaults.js';
import { fromRel, isInside, toRel } from '../../core/paths.js';
import { forEachLimit } from '../../core/pool.js';
import { VERSION } from '../../core/version.js';
import { createLog, type ClosableLog } from '../../log/logger.js';
import { writeStatusMif } from '../../log/status-mif.js';
import { hashFile } from '../../plan/manifest.js';
import { makePlan, type Plan } from '../../plan/plan.js';
import { existingAncestor, type Platform } from '../../platform/platform.js';
import { loadPlatform } from '../../platform/select.js';
import { fileStat } from '../../core/file-stat.js';
import { readCacheInfo } from '../cache-size/cache-size.js';
import { failureLine, report } from '../failure.js';
import { MB, judgeCache, judgeCached, judgeHashes, judgeRoom, judgeUnlisted, notReadyLine, readyLine } from './readiness.js';

export async function checkCommand(args: Args, rt: Runtime): Promise<number> {
  let platform: Platform;
  try {
    platform = await loadPlatform(rt, args.eventSource ?? DEFAULT_EVENT_SOURCE, { whatIf: true }); // a check changes nothing
  } catch (err) {
    const early = createLog({});
    const code = report(err, early);
    // no event log (it goes through the layer), but the status MIF needs none, as a run's: %windir%
    // is a folder only administrators can write, so NOT READY and the way out are written there by name
    let mif: Options['statusMif'];
    let source = '?';
    try {
      const o = resolveOptions({ ...args, command: 'run', whatIf: true }, rt);
      mif = o.statusMif;
      source = o.path.basename(o.source);
    } catch {
      mif = undefined; // a command line that makes no whole options: the console has the reason
    }
    if (mif) early.info(writeStatusMif(undefined, pathFor(rt.platform), mif, notReadyLine(source, failureLine(err))));
    early.close();
    return code;
  }
  // the console and the Application log; no file: a check writes nothing a run or OSD keeps
  const log = createLog({ eventLog: platform.eventLog });
  let opts: Options | undefined;
  let packageId = '';
  try {
    opts = resolveOptions({ ...args, command: 'run', whatIf: true }, rt);
    packageId = opts.path.basename(opts.source);
    log.info(`zticache ${VERSION} check of ${opts.source} (pid ${process.pid}): every decision of a run before its first change; nothing is changed`);
    log.info(platform.prepareStateDir(opts.stateDir, { readOnly: true }));
    const line = await checkReady(opts, platform, args.scratchMb ?? DEFAULT_SCRATCH_MB, log);
    log.info(line, { event: true });
    if (opts.statusMif) log.info(writeStatusMif(platform.places, opts.path, opts.statusMif, line, new Date(), 'Success'));
    return 0;
  } catch (err) {
    const code = report(err, log);
    const line = notReadyLine(packageId || (opts ? opts.path.basename(opts.source) : '?'), failureLine(err));
    log.error(line);
    if (opts?.statusMif) log.info(writeStatusMif(platform.places, opts.path, opts.statusMif, line));
    return code;
  } finally {
    log.close();
    platform.eventLog?.close?.();
  }
}

/** Everything a run decides before its first change, then the room, the cache and the hashes: the READY line, or the refusal. */
async function checkReady(opts: Options, platform: Platform, scratchMb: number, log: ClosableLog): Promise<string> {
  const p = opts.path;
  const plan = makePlan(opts, platform);
  log.info(`Package: ${plan.inventory.files.length} files, ${plan.inventory.bytes} bytes; a run would ${plan.action === 'none' ? 'stage nothing' : plan.action} (${plan.reason})`);
  judgeCached(plan.kind, opts.source);
  const where = existingAncestor(opts.target, p);
  const free = platform.freeBytes(where);
  judgeRoom(where, { free, staging: plan.neededBytes, scratch: scratchMb * MB });
  log.info(`Room on the volume of ${where}: ${free} bytes free for ${plan.neededBytes} to stage and ${scratchMb} MB of scratch space`);
  const cache = clientCache(platform);
  if (typeof cache === 'string') log.info(`Client cache: not checked (${cache})`);
  else {
    judgeCache({ totalMb: cache.total, location: cache.location, packageBytes: plan.inventory.bytes });
    log.info(`Client cache: ${cache.total} MB at ${cache.location}, room for the package`);
  }
  const hashed = await checkHashes(plan, opts, platform, log);
  return readyLine({ packageId: p.basename(opts.source), files: plan.inventory.files.length, bytes: plan.inventory.bytes, hashed, free });
}

/** The client cache as the client says, or why it cannot be asked (not a ConfigMgr client, no COM here). */
function clientCache(platform: Platform): { total: number; location: string } | string {
  if (!platform.createObject) return 'no ConfigMgr client on this platform';
  try {
    const ui = platform.createObject('UIResource.UIResourceMgr');
    try {
      return readCacheInfo(ui);
    } finally {
      ui.release();
    }
  } catch (err) {
    return `not a ConfigMgr client, or not elevated: ${(err as Error).message}`;
  }
}

/** Every manifest entry's file, where it is now (the cache folder, or the target once staged), read whole against its SHA-256. */
async function checkHashes(plan: Plan, opts: Options, platform: Platform, log: ClosableLog): Promise<number> {
  if (!plan.manifest) {
    log.info('Manifest: none, so the files are checked by presence and size only');
    return 0;
  }
  const p = opts.path;
  const bad: string[] = [];
  let hashed = 0;
  await forEachLimit(plan.manifest.entries, opts.parallel, async (e) => {
    const inSource = fromRel(p, opts.source, e.rel);
    const file = plan.action !== 'none' && fileStat.info(inSource) ? inSource : fromRel(p, opts.target, e.rel);
    try {
      const h = await hashFile(file);
      hashed++;
      if (h !== e.hash) bad.push(`SHA-256 of ${e.rel} is ${h}, the manifest says ${e.hash}`);
    } catch (err) {
      bad.push(`cannot read ${e.rel}: ${(err as Error).message}`);
    }
  });
  bad.sort();
  // the manifest where it is now: the plan names it where a run will have staged it
  const shown = plan.action !== 'none' && isInside(p, plan.manifest.path, opts.target) ? fromRel(p, opts.source, toRel(p, opts.target, plan.manifest.path)) : plan.manifest.path;
  judgeHashes(bad, shown);
  // a file the manifest does not list is content nobody hashed (added on the distribution point
  // after the manifest was written): a run only warns, but a check READY on it would vouch for it
  const key = (rel: string) => platform.names(opts.target).key(rel);
  const listed = new Set(plan.manifest.entries.map((e) => key(e.rel)));
  const manifestKey = key(p.basename(plan.manifest.path));
  judgeUnlisted(plan.inventory.files.map((f) => f.rel).filter((rel) => !listed.has(key(rel)) && key(rel) !== manifestKey).sort(), shown);
  log.info(`Verified the SHA-256 of ${hashed} files against ${shown}`);
  return hashed;
}

