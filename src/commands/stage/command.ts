// The staging command (`zticache [options] [-- launcher arguments]`, the OSD program's command
// line): the Windows layer, the options, the log and the event log, the state folder and the run
// lock around run.ts's straight line, then the closing summary; a failure before the launcher also
// leaves the status MIF. Every failure after the Windows layer loads is logged, a bad command line
// included; a stop request before the launcher ends the run with its own code and summary.

import fs from 'node:fs';
import type { Args } from '../../cli/args.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { reportFaultPoints } from '../../core/fault-points.js';
import { formatBytes, formatCode, plural } from '../../core/format.js';
import { createLog, type ClosableLog, type Log } from '../../log/logger.js';
import { writeStatusMif } from '../../log/status-mif.js';
import { logPath, pathFor, placesOf, resolveOptions, stateDirOf, type Options, type Runtime } from '../../cli/options.js';
import { LAST_RUN_FILE, lastRunOf, outcomeOf, writeLastRun } from '../../state/last-run.js';
import { DEFAULT_EVENT_SOURCE } from '../../cli/defaults.js';
import { checkLogPlace } from '../../plan/checks.js';
import type { Platform, RunLock } from '../../platform/platform.js';
import { loadPlatform } from '../../platform/select.js';
import { acquireRunLock } from '../../state/run-lock.js';
import { run, type RunReport } from './run.js';
import { VERSION } from '../../core/version.js';
import { failureLine, report, STOP_SIGNALS } from '../failure.js';

/**
 * `read` is the command line as far as it could be read when `argsError` refused it: its
 * --state-dir, --source and --target, so that a refused run still replaces last-run.json.
 */
export async function stageCommand(argv: readonly string[], args: Args | undefined, argsError: unknown, rt: Runtime, read?: Args): Promise<number> {
  // Before the platform is loaded nothing can be logged but to the console: on Windows the log and
  // the event log both go through the Windows layer (the log is opened by handle, places.ts)
  let platform: Platform;
  try {
    platform = await loadPlatform(rt, args?.eventSource ?? DEFAULT_EVENT_SOURCE, { whatIf: args?.whatIf });
  } catch (err) {
    const log = createLog({});
    const code = report(err, log);
    // no log, no event log (both go through the layer), but the status MIF needs none: %windir%
    // is a folder only administrators can write, so it is written there by name
    const mif = args && !args.whatIf ? wholeOptions(args, rt)?.statusMif : undefined;
    if (mif) log.info(writeStatusMif(undefined, pathFor(rt.platform), mif, failureLine(err)));
    log.close();
    return code;
  }
  const started = Date.now();
  const command = argv.length ? argv.join(' ') : 'no arguments';
  const startLine = `zticache ${VERSION} started (pid ${process.pid}): ${command}`;

  let opts: Options | undefined;
  try {
    if (!args) throw argsError;
    opts = resolveOptions(args, rt);
    checkLogPlace(opts.path, opts.log, opts.source, opts.target);
  } catch (err) {
    // a bad command line is a failed run too: logged, with its error event and summary, so that a
    // review of the event log finds it; in its --log only where a normal run's checks would let it
    // (outside the package and the target, as far as they are known), else in the default log
    const whatIf = args?.whatIf === true;
    const file = refusedRunLog(rt, args);
    const log = openLog(rt, platform, whatIf ? undefined : file, !whatIf);
    log.info(startLine, { event: true });
    const code = report(err, log);
    // a refused --log or --target is known once the options are whole: the console learns it too
    if (!whatIf) mifFor(log, platform, opts, err);
    // a command line refused before its options were whole is recorded by what could be read of it
    // (its --state-dir), unless that says --what-if or another command's word
    const known = args ?? (read?.command === 'run' && !read.whatIf ? read : undefined);
    return finish(log, platform, code, {}, started, !whatIf, whatIf || !known ? undefined : refusedRunRecord(log, platform, rt, known, command, err, file));
  }

  const log = openLog(rt, platform, opts.whatIf ? undefined : opts.log, !opts.whatIf);
  let lock: RunLock | undefined;
  const runReport: RunReport = {};
  let code: number;
  let failure: unknown;
  const whatIf = opts.whatIf;
  /** the state folder was found usable (prepared and judged): last-run.json goes there at the end */
  let stateReady = false;
  const record = (err: unknown): LastRunPlace | undefined => (whatIf || !stateReady ? undefined : {
    stateDir: opts.stateDir, p: opts.path, command, failure: err, source: opts.source, target: opts.target, log: opts.log,
  });
  // asked to stop before the launcher (Ctrl+C, Ctrl+Break, SIGTERM): a run that ends so still says
  // how it ended, in the log and the event log; once the launcher runs, launch.ts passes it on
  const stop = (signal: NodeJS.Signals) => {
    if (runReport.launching) return;
    const stopped = new ZtiError(ExitCode.STOPPED, `zticache was asked to stop (${signal}) before its launcher started: stopped; what was staged is kept, and the next run finishes it`);
    report(stopped, log);
    if (!whatIf) mifFor(log, platform, opts, stopped); // a failure before the launcher like any other
    process.exit(finish(log, platform, ExitCode.STOPPED, runReport, started, !whatIf, record(stopped)));
  };
  const stopSignals = STOP_SIGNALS[rt.platform === 'win32' ? 'win32' : 'posix'];
  for (const sig of stopSignals) process.on(sig, stop);
  try {
    log.info(startLine, { event: true });
    for (const warning of args.warnings) log.warn(warning);
    for (const note of platform.notes ?? []) log.info(note);
    log.info(platform.prepareStateDir(opts.stateDir, { readOnly: opts.whatIf }));
    stateReady = true;
    lock = await acquireRunLock(platform, opts.stateDir, command, opts.whatIf);
    log.info(lock.held === false ? lock.where : `Holding the run lock (${lock.where}): no other zticache runs until this one ends`);
    code = await run(opts, { platform, log, tty: process.stdout.isTTY ? process.stdout : undefined, report: runReport });
  } catch (err) {
    failure = err;
    code = report(err, log);
  }
  for (const sig of stopSignals) process.off(sig, stop);
  lock?.release();
  // failed before the launcher: the console learns why from the status MIF (after it, OSDLaunch's code decides)
  if (!opts.whatIf && failure !== undefined && !runReport.launcherReturned) mifFor(log, platform, opts, failure);
  return finish(log, platform, code, runReport, started, !opts.whatIf, record(failure));
}

/** Where a run's last-run.json goes, and what it knows beyond the report: the state folder, the places, the failure. */
interface LastRunPlace {
  stateDir: string;
  p: Options['path'];
  command: string;
  failure: unknown;
  source?: string;
  target?: string;
  log?: string;
}

/**
 * A refused command line's last-run.json: in the state folder the command line names (or the
 * default one) when that folder is there and passes a run's judgment; none otherwise.
 */
function refusedRunRecord(log: Log, platform: Platform, rt: Runtime, args: Args, command: string, err: unknown, logFile: string | undefined): LastRunPlace | undefined {
  const stateDir = stateDirOf(args, rt);
  try {
    platform.prepareStateDir(stateDir, { readOnly: true });
  } catch (refused) {
    log.warn(`not writing last-run.json: ${refused instanceof ZtiError ? refused.describe() : String(refused)}`);
    return undefined;
  }
  const { source, target } = placesOf(args, rt);
  return { stateDir, p: pathFor(rt.platform), command, failure: err, source, target, log: logFile };
}

/**
 * Where a refused command line's lines go: its --log when that passes a normal run's checks
 * against the package and the target, else the default log. With no target to check it against
 * (none given, and POSIX has no default) a --log may be inside the target a corrected command line
 * names: it is used only where its folder already exists, so that no folder is ever created there.
 */
function refusedRunLog(rt: Runtime, args: Args | undefined): string | undefined {
  const { source, target } = placesOf(args, rt);
  const fallback = logPath(rt, undefined, target);
  if (args?.log === undefined) return fallback;
  if (source === undefined) return fallback; // the package's place is not known: nothing to check --log against
  const p = pathFor(rt.platform);
  const log = logPath(rt, args.log)!;
  try {
    checkLogPlace(p, log, source, target);
  } catch {
    return fallback;
  }
  return target !== undefined || fs.existsSync(p.dirname(log)) ? log : fallback;
}

/** The status MIF of a run that failed before its launcher, when --status-mif asks for one. */
function mifFor(log: Log, platform: Platform, opts: Options | undefined, err: unknown): void {
  if (opts?.statusMif) log.info(writeStatusMif(platform.places, opts.path, opts.statusMif, failureLine(err)));
}

/** The options, when the command line makes whole ones (for a status MIF before anything else works). */
function wholeOptions(args: Args, rt: Runtime): Options | undefined {
  try {
    return resolveOptions(args, rt);
  } catch {
    return undefined;
  }
}

function openLog(rt: Runtime, platform: Platform, file: string | undefined, events: boolean): ClosableLog {
  const eol = rt.platform === 'win32' ? '\r\n' : '\n';
  const eventLog = events ? platform.eventLog : undefined;
  return file === undefined ? createLog({ eol, eventLog }) : createLog({ file, places: platform.places, eol, eventLog });
}

/** The closing lines of every run that got as far as the log: the summary, last-run.json, the event log's count, memory. */
function finish(log: ClosableLog, platform: Platform, code: number, r: RunReport, started: number, summary: boolean, last?: LastRunPlace): number {
  const ended = Date.now();
  if (summary) summarize(log, code, r, ended - started);
  if (last) {
    const { failure } = last;
    const message = failure === undefined ? undefined : failure instanceof ZtiError ? failure.describe() : failure instanceof Error ? failure.message : String(failure);
    const record = lastRunOf({ ...last, started, ended, code, launcherReturned: r.launcherReturned === true, message, files: r.files, bytes: r.bytes });
    try {
      log.info(writeLastRun(platform.places, last.stateDir, last.p, record));
    } catch (err) {
      log.warn(`cannot write ${last.p.join(last.stateDir, LAST_RUN_FILE)}: ${err instanceof ZtiError ? err.describe() : (err as Error).message}; the previous one, if any, is left as it was`);
    }
  }
  const events = platform.eventLog?.summary?.();
  if (events) log.info(events);
  log.info(`Peak memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  reportFaultPoints(log);
  log.close();
  platform.eventLog?.close?.();
  return code;
}

/** The closing line, and the last event: outcome, exit code, files, bytes, time. */
function summarize(log: Log, code: number, r: RunReport, ms: number): void {
  const outcome = outcomeOf(code, r.launcherReturned === true);
  const size = r.files === undefined ? 'nothing planned' : `${plural(r.files, 'file')}, ${formatBytes(r.bytes ?? 0)}`;
  const line = `zticache finished in ${(ms / 1000).toFixed(1)} s: ${outcome.words}; exit code ${formatCode(code)}; ${size}`;
  if (r.launcherReturned && outcome.succeeded) log.info(line, { event: true });
  else if (r.launcherReturned) log.warn(line);
  else log.error(line);
}

