// The command line: argv -> Options -> run -> exit code. With bin.ts (which hands it argv and the
// process's Runtime) and options.ts (defaults from the environment), the only code that reads argv
// or the environment; and the only place where a ZtiError becomes an exit code (unexpected errors
// become INTERNAL, with the stack in the log). It also writes the closing summary line and event.


import pkg from '../package.json' with { type: 'json' };
import { OPTIONS, optionSpelling, parseArgs, type Args } from './args.js';
import { ExitCode, exitCodeTable } from './exit-codes.js';
import { ZtiError } from './errors.js';
import { createLog } from './log/logger.js';
import { resolveOptions, pathFor, DEFAULT_EVENT_SOURCE, DEFAULT_PARALLEL, type Runtime } from './options.js';
import { loadPlatform } from './platform-select.js';
import { run, type RunReport } from './run.js';
import { formatBytes, formatCode } from './format.js';
import type { Log } from './log/logger.js';
import { acquireRunLock } from './run-lock.js';
import { checkLogPlace } from './plan/checks.js';
import type { RunLock } from './platform.js';
import { writeManifest, MANIFEST_NAME } from './manifest.js';
import { armFaultPoints, reportFaultPoints } from './fault-points.js';

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
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof ZtiError) {
      process.stderr.write(`zticache: ERROR: ${err.describe()} [exit ${err.exitCode}]\n`);
      return err.exitCode;
    }
    throw err;
  }
  armFaultPoints(rt.env); // a no-op in every bundle but the crash suite's (fault-points.ts)
  if (args.command === 'help') {
    stdout(helpText());
    return 0;
  }
  if (args.command === 'version') {
    stdout(`zticache ${VERSION}\n`);
    return 0;
  }

  if (args.command === 'manifest') {
    const log = createLog({});
    try {
      const p = pathFor(rt.platform);
      const dir = p.resolve(rt.cwd, args.manifestDir!);
      const out = args.out ? p.resolve(rt.cwd, args.out) : p.join(dir, MANIFEST_NAME);
      const r = await writeManifest(p, dir, out, args.parallel ?? DEFAULT_PARALLEL);
      log.info(`Wrote ${r.file}: ${r.files} files, ${r.bytes} bytes`);
      return 0;
    } catch (err) {
      return report(err, log);
    } finally {
      log.close();
    }
  }

  let platform;
  try {
    platform = await loadPlatform(rt, args.eventSource ?? DEFAULT_EVENT_SOURCE);
  } catch (err) {
    return report(err, createLog({}));
  }

  let opts;
  try {
    opts = resolveOptions(args, rt);
    checkLogPlace(opts.path, opts.log, opts.source, opts.target);
  } catch (err) {
    return report(err, createLog({}));
  }
  const log = createLog({
    file: opts.whatIf ? undefined : opts.log,
    places: platform.places,
    eol: rt.platform === 'win32' ? '\r\n' : '\n',
    eventLog: opts.whatIf ? undefined : platform.eventLog,
  });
  let lock: RunLock | undefined;
  const started = Date.now();
  const runReport: RunReport = {};
  let code: number;
  try {
    const command = argv.length ? argv.join(' ') : 'no arguments';
    log.info(`zticache ${VERSION} started (pid ${process.pid}, node ${process.version}${process.execArgv.length ? ' ' + process.execArgv.join(' ') : ''}): ${command}`, { event: true });
    for (const note of platform.notes ?? []) log.info(note);
    log.info(platform.prepareStateDir(opts.stateDir));
    lock = await acquireRunLock(platform, opts.stateDir, command);
    log.info(`Holding the run lock (${lock.where}): no other zticache runs until this one ends`);
    code = await run(opts, { platform, log, tty: process.stdout.isTTY ? process.stdout : undefined, report: runReport });
  } catch (err) {
    code = report(err, log);
  }
  lock?.release();
  if (!opts.whatIf) summarize(log, code, runReport, Date.now() - started);
  const summary = platform.eventLog?.summary?.();
  if (summary) log.info(summary);
  log.info(`Peak memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  reportFaultPoints(log);
  log.close();
  platform.eventLog?.close?.();
  return code;
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
  return { platform: process.platform, env: process.env, execPath: process.execPath, packaged: await isPackaged(), cwd: process.cwd(), scriptPath: process.argv[1] };
}


