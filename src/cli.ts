// The command line: argv -> Options -> run -> exit code. With bin.ts (which hands it argv and the
// process's Runtime) and options.ts (defaults from the environment), the only code that reads argv
// or the environment; and the only place where a ZtiError becomes an exit code (unexpected errors
// become INTERNAL, with the stack in the log). It also writes the closing summary line and event.


import pkg from '../package.json' with { type: 'json' };
import { OPTIONS, optionSpelling, parseArgs, type Args } from './args.js';
import { ExitCode, exitCodeTable } from './exit-codes.js';
import { ZtiError } from './errors.js';
import { createLog, type ClosableLog } from './log/logger.js';
import { logPath, resolveOptions, pathFor, DEFAULT_EVENT_SOURCE, DEFAULT_PARALLEL, type Options, type Runtime } from './options.js';
import { loadPlatform } from './platform-select.js';
import { run, type RunReport } from './run.js';
import { formatBytes, formatCode } from './format.js';
import type { Log } from './log/logger.js';
import { acquireRunLock } from './run-lock.js';
import { checkLogPlace } from './plan/checks.js';
import type { Platform, RunLock } from './platform.js';
import { writeManifest, MANIFEST_NAME } from './manifest.js';
import { armFaultPoints, reportFaultPoints } from './fault-points.js';
import { utilCommand } from './commands/util/command.js';
import { writeStatusMif } from './log/status-mif.js';
import { cacheSizeCommand } from './commands/cache-size/command.js';

export const VERSION: string = pkg.version;

export function helpText(): string {
  const plain = (t: string) => t.replace(/`/g, '');
  const options = OPTIONS.map((o) => {
    const spelled = optionSpelling(o);
    const dflt = o.default ? ` (default: ${plain(o.default)})` : '';
    return `  ${spelled.padEnd(23)}${plain(o.help)}${dflt}`;
  }).join('\n');
  const codes = exitCodeTable.map((c) => `  ${String(c.code).padStart(9)}  ${c.name.padEnd(20)}${c.meaning}`).join('\n');
  return `zticache ${VERSION} - stage a pre-cached OS package into C:\\MININT\\PackageSource and run OSDLaunch.exe

Usage:
  zticache [options] [-- launcher arguments]
  zticache manifest DIR [--out FILE]
  zticache util [/server:NAME] [/package:ID /program:NAME] [/advertisement:ID] [/enable:true|false] [/what-if]
  zticache cache-size [MB] [/what-if]

With no options (the OSD program command line): source = the folder of zticache.exe,
target = %SystemDrive%\\MININT\\PackageSource, launcher = OSDLaunch.exe in the target.

Options (also accepted as --name=value and /name:value):
${options}

Exit codes:
${codes}
`;
}

export async function main(argv: readonly string[], rt: Runtime): Promise<number> {
  const stdout = (s: string) => void process.stdout.write(s);
  let args: Args | undefined;
  let argsError: unknown;
  try {
    args = parseArgs(argv);
  } catch (err) {
    argsError = err;
  }
  armFaultPoints(rt.env); // a no-op in every bundle but the crash suite's (fault-points.ts)
  if (args?.command === 'help') {
    stdout(helpText());
    return 0;
  }
  if (args?.command === 'version') {
    stdout(`zticache ${VERSION}\n`);
    return 0;
  }
  if (args?.command === 'manifest') return manifestCommand(args, rt);
  if (args?.command === 'util' || args?.command === 'cache-size') return managementCommand(args, rt);

  // Before the platform is loaded nothing can be logged but to the console: on Windows the log and
  // the event log both go through the Windows layer (the log is opened by handle, places.ts)
  let platform: Platform;
  try {
    platform = await loadPlatform(rt, args?.eventSource ?? DEFAULT_EVENT_SOURCE);
  } catch (err) {
    return report(err, createLog({}));
  }
  const started = Date.now();
  const command = argv.length ? argv.join(' ') : 'no arguments';
  const startLine = `zticache ${VERSION} started (pid ${process.pid}, node ${process.version}${process.execArgv.length ? ' ' + process.execArgv.join(' ') : ''}): ${command}`;

  let opts: Options | undefined;
  try {
    if (!args) throw argsError;
    opts = resolveOptions(args, rt);
    checkLogPlace(opts.path, opts.log, opts.source, opts.target);
  } catch (err) {
    // a bad command line is a failed run too: logged where it can be (--log, or the default log
    // when --log is the problem or was not understood), with its error event and summary, so that
    // a review of the event log finds it
    const whatIf = args?.whatIf === true;
    const file = opts ? logPath(rt, undefined, opts.target) : logPath(rt, args?.log);
    const log = openLog(rt, platform, whatIf ? undefined : file, !whatIf);
    log.info(startLine, { event: true });
    const code = report(err, log);
    return finish(log, platform, code, {}, started, !whatIf);
  }

  const log = openLog(rt, platform, opts.whatIf ? undefined : opts.log, !opts.whatIf);
  let lock: RunLock | undefined;
  const runReport: RunReport = {};
  let code: number;
  let failure: unknown;
  // asked to stop before the launcher (Ctrl+C, Ctrl+Break, SIGTERM): a run that ends so still says
  // how it ended, in the log and the event log; once the launcher runs, launch.ts passes it on
  const whatIf = opts.whatIf;
  const stop = (signal: NodeJS.Signals) => {
    if (runReport.launching) return;
    log.error(`zticache was asked to stop (${signal}) before its launcher started: stopped; what was staged is kept, and the next run finishes it [exit ${ExitCode.STOPPED}]`);
    process.exit(finish(log, platform, ExitCode.STOPPED, runReport, started, !whatIf));
  };
  const stopSignals: NodeJS.Signals[] = rt.platform === 'win32' ? ['SIGINT', 'SIGBREAK', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of stopSignals) process.on(sig, stop);
  try {
    log.info(startLine, { event: true });
    for (const warning of args.warnings) log.warn(warning);
    for (const note of platform.notes ?? []) log.info(note);
    log.info(platform.prepareStateDir(opts.stateDir, { readOnly: opts.whatIf }));
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
  if (opts.statusMif && !opts.whatIf && failure !== undefined && !runReport.launcherReturned) {
    log.info(writeStatusMif(platform.places, opts.path, opts.statusMif, failureLine(failure)));
  }
  return finish(log, platform, code, runReport, started, !opts.whatIf);
}

function openLog(rt: Runtime, platform: Platform, file: string | undefined, events: boolean): ClosableLog {
  return createLog({ file, places: platform.places, eol: rt.platform === 'win32' ? '\r\n' : '\n', eventLog: events ? platform.eventLog : undefined });
}

/** The closing lines of every run that got as far as the log: the summary, the event log's count, memory. */
function finish(log: ClosableLog, platform: Platform, code: number, r: RunReport, started: number, summary: boolean): number {
  if (summary) summarize(log, code, r, Date.now() - started);
  const events = platform.eventLog?.summary?.();
  if (events) log.info(events);
  log.info(`Peak memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  reportFaultPoints(log);
  log.close();
  platform.eventLog?.close?.();
  return code;
}

/** `zticache util` and `zticache cache-size`: an admin's commands at a prompt; their lines go to the console. */
async function managementCommand(args: Args, rt: Runtime): Promise<number> {
  const log = createLog({});
  try {
    const platform = await loadPlatform(rt, args.eventSource ?? DEFAULT_EVENT_SOURCE);
    const out = (line: string) => void process.stdout.write(`${line}\n`);
    if (args.command === 'util') utilCommand(args, platform, out);
    else cacheSizeCommand(args, platform, out);
    return 0;
  } catch (err) {
    return report(err, log);
  } finally {
    log.close();
  }
}

/** `zticache manifest DIR`: an admin's command at a prompt; its lines go to the console. */
async function manifestCommand(args: Args, rt: Runtime): Promise<number> {
  const log = createLog({});
  try {
    const p = pathFor(rt.platform);
    const dir = p.resolve(rt.cwd, args.manifestDir!);
    const out = args.out ? p.resolve(rt.cwd, args.out) : p.join(dir, MANIFEST_NAME);
    const r = await writeManifest(p, dir, out, args.parallel ?? DEFAULT_PARALLEL, args.whatIf);
    log.info(`${args.whatIf ? 'Would write' : 'Wrote'} ${r.file}: ${r.files} files, ${r.bytes} bytes${args.whatIf ? ' (--what-if: nothing was written)' : ''}`);
    return 0;
  } catch (err) {
    return report(err, log);
  } finally {
    log.close();
  }
}

/** The closing line, and the last event: outcome, exit code, files, bytes, time. */
function summarize(log: Log, code: number, r: RunReport, ms: number): void {
  const own = exitCodeTable.find((row) => row.code === code && row.name !== 'SUCCESS');
  const outcome = r.launcherReturned ? `the launcher returned ${code === 0 ? '0' : code}` : own ? `failed, ${own.name}` : `ended with ${code}`;
  const size = r.files === undefined ? 'nothing planned' : `${r.files} files, ${formatBytes(r.bytes ?? 0)}`;
  const line = `zticache finished in ${(ms / 1000).toFixed(1)} s: ${outcome}; exit code ${formatCode(code)}; ${size}`;
  if (r.launcherReturned && code === 0) log.info(line, { event: true });
  else if (r.launcherReturned) log.warn(line);
  else log.error(line);
}

/** The one line a failure is known by: its name, its words, its system code. */
function failureLine(err: unknown): string {
  if (err instanceof ZtiError) return `${exitCodeTable.find((r) => r.code === err.exitCode)?.name ?? err.exitCode}: ${err.describe()}`;
  return `INTERNAL: ${err instanceof Error ? err.message : String(err)}`;
}

function report(err: unknown, log: { error(m: string): void }): number {
  if (err instanceof ZtiError) {
    log.error(`${err.describe()} [exit ${err.exitCode}]`);
    return err.exitCode;
  }
  log.error(`internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)} [exit ${ExitCode.INTERNAL}]`);
  return ExitCode.INTERNAL;
}

export async function isPackaged(): Promise<boolean> {
  try {
    const sea = await import('node:sea');
    return sea.isSea();
  } catch {
    return false;
  }
}

export async function runtime(): Promise<Runtime> {
  return { platform: process.platform, env: process.env, execPath: process.execPath, packaged: await isPackaged(), cwd: process.cwd(), scriptPath: process.argv[1], version: VERSION };
}


