// One run, as a straight line: PLAN -> STAGE -> GUARD -> VERIFY (under the guard) -> LAUNCH.
// Each step is its own module and raises ZtiError on failure; this file only strings them together
// and logs the milestones between them. The exit code is the launcher's; the CLI turns errors into
// their codes.

import type { Log } from '../../log/logger.js';
import { launch } from '../../launch/launch.js';
import type { Options } from '../../cli/options.js';
import { fromRel } from '../../core/paths.js';
import { formatCode, formatCommandLine, plural } from '../../core/format.js';
import { LAUNCHER_SUCCESS } from '../../core/exit-codes.js';
import { makePlan, type Plan } from '../../plan/plan.js';
import { describeEnvironment, describePlan } from '../../plan/describe.js';
import type { Platform } from '../../platform/platform.js';
import { noGuard } from '../../guard/guard.js';
import { stage } from '../../stage/stage.js';
import { placeOwnCopy } from '../../stage/own-copy.js';
import { verify } from '../../verify/verify.js';

export interface RunContext {
  platform: Platform;
  log: Log;
  /** a terminal for the copy progress bar */
  tty?: NodeJS.WriteStream;
  /** what the run got to, for the closing summary */
  report: RunReport;
}

export interface RunReport {
  files?: number;
  bytes?: number;
  /** the exit code is the launcher's, not one of zticache's own */
  launcherReturned?: boolean;
  /** the launcher is being started or runs: a stop request is launch.ts's to pass on */
  launching?: boolean;
}

export async function run(opts: Options, ctx: RunContext): Promise<number> {
  const { log, platform } = ctx;
  const p = opts.path;
  const plan = makePlan(opts, platform);
  ctx.report.files = plan.inventory.files.length;
  ctx.report.bytes = plan.inventory.bytes;
  log.info(describeEnvironment(plan));
  for (const line of describePlan(plan)) log.info(line);
  const odd = plan.awkwardNames;
  if (odd.length) log.warn(`${plural(odd.length, 'name')} of the package ${odd.length === 1 ? 'is' : 'are'} staged through \\\\?\\ paths only, which Explorer, cmd and most programs cannot open, first: ${odd[0]!.rel} (${odd[0]!.why})`);
  if (opts.whatIf) {
    log.info('--what-if: nothing was changed');
    return 0;
  }

  const staged = await stage(plan, { p, log, platform, parallel: opts.parallel, tty: ctx.tty });
  try {
    // zticache.exe beside the package, where a custom action that lists it looks for it (not when it runs from there)
    const own = plan.leftOut !== undefined && plan.exeInTarget !== plan.names.key(plan.leftOut) ? plan.leftOut : undefined;
    if (own !== undefined) await placeOwnCopy(plan.source, plan.target, own, { p, log });
    return await guardVerifyLaunch(plan, staged.same, opts, ctx, own);
  } finally {
    staged.release();
  }
}

/** What VERIFY says when a package file is missing or changed and the cache folder no longer holds the whole package. */
const CACHE_SPENT = 'The cache folder no longer holds the whole package (an earlier run moved it into the target; what it left there is not all of it), so the package cannot be made whole from what is left: have the client download it again (re-run the advertisement; if the client keeps the cache entry, delete it first: Configuration Manager in Control Panel, Cache, Delete Files), then run zticache again, which replaces the target.';

async function guardVerifyLaunch(plan: Plan, same: ReadonlySet<string>, opts: Options, ctx: RunContext, own: string | undefined): Promise<number> {
  const { log, platform } = ctx;
  const p = opts.path;
  const { target, inventory: inv } = plan;
  log.info(`Files in ${target} folder: ${inv.files.length}`, { event: true });

  const guard = opts.guard ? platform.guard : noGuard;
  log.info(`Opening ${target} files: ${guard.description}`);
  const t0 = Date.now();
  const held = guard.holdAll({
    files: (function* () {
      for (const f of inv.files) yield fromRel(p, target, f.rel);
      if (own !== undefined) yield fromRel(p, target, own);
    })(),
    dirs: (function* () {
      yield target;
      for (const d of inv.dirs) yield fromRel(p, target, d);
    })(),
  });
  try {
    if (guard.protects) log.info(`Holding ${plural(held.files, 'file')} and ${plural(held.dirs, 'folder')} (${Date.now() - t0} ms)`, { event: true });
    else log.warn(`${target} is not protected from deletion: ${guard.description}`);
    await verify(target, inv, {
      p, log, parallel: opts.parallel, manifest: plan.manifest, toleratesExtra: plan.toleratesExtra, walk: held.walk ?? platform.walk, names: plan.names,
      keepsId: (rel) => same.has(rel.split('/')[0]!), runningExe: own !== undefined ? plan.names.key(own) : plan.exeInTarget, whenIncomplete: plan.spent ? CACHE_SPENT : undefined,
    });

    log.info(`Setting working directory to ${target}`);
    log.info(`Running ${formatCommandLine(plan.launcher, plan.launchArgs)} in ${target}`, { event: true });
    const r = await launch({
      launcher: plan.launcher, args: plan.launchArgs, cwd: target,
      onListening: () => void (ctx.report.launching = true),
      onSignal: (signal) => log.warn(`zticache was asked to stop (${signal}) while ${p.basename(plan.launcher)} runs: passed on to it; the staged files stay held until it exits`),
    });
    const how = r.signal ? ` (killed by ${r.signal})` : '';
    const success = r.signal ? undefined : LAUNCHER_SUCCESS.get(r.exitCode);
    const msg = `Return code from ${p.basename(plan.launcher)} = ${formatCode(r.exitCode)}${how}${success ? `: ${success}` : ''} after ${r.seconds.toFixed(1)} s`;
    ctx.report.launcherReturned = true;
    if (success) log.info(msg, { event: true });
    else log.warn(msg);
    return r.exitCode;
  } finally {
    if (!guard.closedByExit) held.release();
  }
}
