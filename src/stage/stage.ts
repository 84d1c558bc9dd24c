// STAGE: the only part of zticache that changes the disk, and it always goes through the journal:
// journal written -> old target cleared -> journal "staging" -> move or copy -> journal "staged".
// A crash at any point leaves a journal that tells the next run what to finish. The old target is
// removed only when the plan allows it (no unfinished journal), never through a link.

import fs from 'node:fs';
import { ExitCode } from '../exit-codes.js';
import { ZtiError, errnoOf } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import type { Platform } from '../platform.js';
import { formatBytes, checkTargetSafe } from '../plan/checks.js';
import { copyInventory, nodeFs, stageError, type CopyOptions } from './copy.js';
import { writeJournal, type JournalState } from './journal.js';
import { moveInventory } from './move.js';
import { Progress } from './progress.js';
import { faultPoint } from './fault-points.js';

export interface StageOptions extends Omit<CopyOptions, 'progress'> {
  platform: Platform;
  tty?: NodeJS.WriteStream;
}

export async function stage(plan: Plan, opts: StageOptions): Promise<void> {
  const { p, log } = opts;
  const started = Date.now();
  if (plan.action === 'none') {
    log.info(`Nothing to stage: ${plan.reason}`);
    return;
  }
  const { target, source, inventory: inv } = plan;
  const startedIso = new Date().toISOString();
  const journal = (state: JournalState): void => {
    writeJournal(plan.journalPath, { tool: 'zticache', version: 1, source, target, mode: plan.action as 'move' | 'copy', state, started: startedIso, updated: new Date().toISOString(), inventory: inv });
  };

  try {
    fs.mkdirSync(p.dirname(target), { recursive: true });
    checkTargetSafe(p, target); // again: the parent may have been created by someone else meanwhile

    if (plan.removeOldTarget || plan.resume === 'clearing') {
      journal('clearing');
      log.info(`Removing the old ${target}`);
      await (opts.fs ?? nodeFs).rm(target);
      faultPoint('old target removed');
    }
    journal('staging');
    log.info(opts.platform.makeTargetDir(target));

    const verb = plan.action === 'move' && plan.sameVolume ? 'Moved' : 'Copied';
    const progress = new Progress(verb, inv.bytes, inv.files.length, log, { tty: opts.tty }).start();
    let summary: string;
    try {
      if (plan.action === 'move') {
        const r = await moveInventory(source, target, inv, { ...opts, keep: plan.keep, progress });
        summary = `Move: ${r.renamed} entries renamed, ${r.crossVolume} copied across volumes, ${r.kept} copied and kept, ${r.alreadyDone} already in place`;
      } else {
        log.info(`Copying ${inv.files.length} files (${formatBytes(inv.bytes)}) in ${inv.dirs.length} folders from ${source}`);
        const r = await copyInventory(source, target, inv, { ...opts, progress });
        summary = `Copy: ${r.copied} files copied, ${r.skipped} already complete`;
      }
    } finally {
      const s = progress.stop(); // ends the bar's line before anything else is printed
      if (plan.action === 'copy') log.info(`${progress.line()} in ${s.seconds.toFixed(1)} s`);
    }
    log.info(summary);
    journal('staged');
    const seconds = (Date.now() - started) / 1000;
    log.info(`Staged ${inv.files.length} files (${formatBytes(inv.bytes)}) into ${target} in ${seconds.toFixed(2)} s`);
  } catch (err) {
    if (errnoOf(err) === 'ENOSPC' || (err instanceof ZtiError && errnoOf(err.cause) === 'ENOSPC')) {
      let free = -1;
      try { free = opts.platform.freeBytes(target); } catch { /* report what we know */ }
      throw new ZtiError(ExitCode.NO_SPACE,
        `the target volume is full: ${formatBytes(plan.inventory.bytes)} needed for the package, ${free >= 0 ? formatBytes(free) : 'unknown'} free now; run again after freeing space (what was staged is kept)`,
        { path: target, cause: err });
    }
    throw stageError(err, `staging into ${target} failed`, target);
  }
}
