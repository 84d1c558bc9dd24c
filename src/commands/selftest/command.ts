// `zticache selftest [--package-size MB] [--status-mif NAME] [--keep]`: zticache's real code paths
// run against this machine, in a sandbox of its own on the system volume (made as zticache makes
// its folders: by handle, with the protected DACL; removed at the end unless --keep), and a table
// of what this machine does: check, PASS / FAIL / SKIP, and the evidence. Everything zticache
// promises about Windows is proven under Wine; this proves on the machine itself what Wine cannot
// show, and as a ConfigMgr program on a pilot collection it tells the console, machine by machine,
// what would break (the status MIF carries the first failure). Nothing stays behind but its log
// (the sandbox's removal note, in the state folder) and the one test event.
//   zticache selftest-child cleanup DIR REPORT | exit CODE   the children it starts (a cleanup
//   like OSDLaunch's; a process that exits with a given code)

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Args } from '../../cli/args.js';
import { DEFAULT_EVENT_SOURCE } from '../../cli/defaults.js';
import { pathFor, resolveOptions, stateDirOf, type Options, type Runtime } from '../../cli/options.js';
import { codeHeading, ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { fromRel, isInside } from '../../core/paths.js';
import { createLog, type ClosableLog } from '../../log/logger.js';
import { writeStatusMif } from '../../log/status-mif.js';
import type { HeldFolder } from '../../places/places.js';
import { checkPackageNames } from '../../plan/checks.js';
import { makePlan, type Plan } from '../../plan/plan.js';
import type { Platform } from '../../platform/platform.js';
import { loadPlatform } from '../../platform/select.js';
import { stage, type Staged } from '../../stage/stage.js';
import { readCacheInfo } from '../cache-size/cache-size.js';
import { report, STOP_SIGNALS } from '../failure.js';
import { checkRealTarget, checkStateFolder, noTarget, recordSandbox, sweepSandboxes } from './real-places.js';
import { printFailureJson } from '../json-failure.js';
import { fail, firstFailure, judgeDacl, resultJson, judgeEvent, judgeFits, judgeGuard, judgeLink, judgeNames, judgeStart, modeInWords, pass, resultTable, skip, type Result, type Verdict } from './checks.js';

/** The exit codes the "how it is started" check expects back: all 32 bits on Windows, the low 8 on POSIX. */
const CHILD_CODES = { 'no window': 0xc0000005, detached: 3010 } as const;

export async function selftestCommand(args: Args, rt: Runtime): Promise<number> {
  let platform: Platform;
  const early = createLog(args.json ? { stdout: process.stderr } : {});
  try {
    platform = await loadPlatform(rt, args.eventSource ?? DEFAULT_EVENT_SOURCE, { whatIf: args.whatIf });
  } catch (err) {
    const code = report(err, early);
    if (args.json) await printFailureJson('selftest', err);
    return code;
  } finally {
    early.close();
  }
  const p = pathFor(rt.platform);
  const windows = rt.platform === 'win32';
  const drive = windows ? `${rt.env.SystemDrive || rt.env.SYSTEMDRIVE || 'C:'}\\` : os.tmpdir();
  const sandboxName = `zticache-selftest-${randomBytes(4).toString('hex')}`;
  const sandbox = p.join(drive, sandboxName);
  const opts = selftestOptions(args, rt, sandbox);
  const stateDir = stateDirOf(args, rt);
  // the state folder as a real run finds it, and the selftest's log in it when it can be used
  const state = checkStateFolder(platform, stateDir);
  // --json: standard output is the JSON alone; the lines an admin reads go to standard error
  const console = args.json ? { stdout: process.stderr } : {};
  const log = state.status === 'PASS' ? openLog(platform, stateDir, rt, console) : createLog({ eventLog: platform.eventLog, ...console });
  log.info(`zticache selftest in ${sandbox} (pid ${process.pid}${windows ? '' : `; POSIX: the checks only Windows can answer are SKIP`})`);
  if (state.status !== 'PASS') log.warn(`the selftest's log cannot be kept in ${p.join(stateDir, 'selftest.log')} (the state folder cannot be used, see below): this console is its only record`);
  const results: Result[] = [];
  const add = (check: string, v: Verdict) => {
    results.push({ check, ...v });
    const line = `${check}: ${v.status} ${v.evidence}`;
    if (v.status === 'FAIL') log.error(line);
    else log.info(line);
  };
  const self = rt.packaged ? [rt.execPath] : [rt.execPath, rt.scriptPath ?? ''];
  const recorded = state.status === 'PASS';
  for (const line of recorded ? sweepSandboxes(platform, stateDir, p, drive) : []) log.info(line);
  let root: HeldFolder | undefined;
  let box: HeldFolder | undefined;
  /** The sandbox goes (unless --keep), once: at the end, or when a stop request comes first. */
  let removed = false;
  const removeSandbox = () => {
    if (removed) return;
    removed = true;
    box?.release();
    if (root && !args.keep) {
      try {
        root.removeTree(sandboxName);
        log.info(`Removed the sandbox ${sandbox}`);
        if (recorded) recordSandbox(stateDir, p, sandbox, undefined);
      } catch (err) {
        log.warn(`could not remove the sandbox ${sandbox}: ${(err as Error).message}; the next selftest removes it, or remove it by hand`);
      }
    } else if (root) log.info(`--keep: the sandbox ${sandbox} is left as it is`);
    root?.release();
  };
  // asked to stop (Ctrl+C, Ctrl+Break, SIGTERM): the sandbox is removed before zticache ends
  const stop = (signal: NodeJS.Signals) => {
    log.error(`zticache selftest was asked to stop (${signal}): stopped [exit ${ExitCode.STOPPED}]`);
    removeSandbox();
    log.close();
    process.exit(ExitCode.STOPPED);
  };
  const stopSignals = STOP_SIGNALS[windows ? 'win32' : 'posix'];
  for (const sig of stopSignals) process.on(sig, stop);
  try {
    add('places: the state folder', state);
    root = platform.places.openFolder(drive);
    box = root.folder(sandboxName, 'new');
    // recorded before anything is put in it: a selftest killed from here on leaves a sandbox the next one can prove is its own
    if (recorded) recordSandbox(stateDir, p, sandbox, box.id());
    add('the machine', machine(platform, sandbox));
    writeSandboxPackage(opts, box);
    const real = realOptions(args, rt, opts.source);
    add('places: MININT and PackageSource', !recorded ? skip('the state folder cannot be used (see above): a run stops there first') : real ? checkRealTarget(platform, real) : noTarget);
    // the real plan and staging of a small package into the sandbox's MININT
    const staged = await stageSandbox(platform, opts, log);
    add('places: DACL of PackageSource', access(platform, opts.target));
    add('places: DACL of the state folder', recorded ? access(platform, stateDir) : skip('the state folder cannot be used (see above)'));
    add('the guard', await checkGuard(platform, opts, staged, self));
    add('places: symbolic link', await checkLink(platform, p, sandbox, 'symbolic link', (link, target) => symlink(link, target)));
    add('places: junction', await checkLink(platform, p, sandbox, 'junction', (link, target) => platform.probes.junction(link, target)));
    add('names', checkNames(platform, opts, sandbox));
    add('events', checkEvent(platform, log, opts.eventSource));
    add('how it is started', await checkStart(platform, self, windows));
    add('the ConfigMgr client', checkClient(platform, args.packageSize, opts.target));
  } catch (err) {
    add('the sandbox', fail(`${err instanceof ZtiError ? err.describe() : String(err)}`));
  } finally {
    removeSandbox();
    for (const sig of stopSignals) process.off(sig, stop);
  }
  if (!args.json) for (const line of resultTable(results)) log.info(line);
  const first = firstFailure(results);
  const code = first ? ExitCode.SELFTEST_FAILED : 0;
  if (first && opts.statusMif) log.info(writeStatusMif(platform.places, p, opts.statusMif, `${codeHeading(ExitCode.SELFTEST_FAILED)}: ${first.check}: ${first.evidence}`));
  const counts = (['PASS', 'FAIL', 'SKIP'] as const).map((s) => `${results.filter((r) => r.status === s).length} ${s}`).join(', ');
  (first ? log.error.bind(log) : log.info.bind(log))(`zticache selftest: ${counts}; exit code ${code}`);
  log.close();
  platform.eventLog?.close?.();
  if (args.json) {
    const json = `${JSON.stringify(resultJson(results, code, sandbox), null, 2)}\n`;
    // written before the process exits, even to a pipe (asynchronous on Windows)
    await new Promise<void>((done) => void process.stdout.write(json, () => done()));
  }
  return code;
}

/**
 * The options of a real run of the sandbox's package: the real target and state folder (given, or
 * the defaults), --what-if; undefined where there is no default target to judge (POSIX).
 */
function realOptions(args: Args, rt: Runtime, source: string): Options | undefined {
  try {
    return { ...resolveOptions({ ...args, command: 'run', source, launch: rt.execPath, whatIf: true }, { ...rt, packaged: false }), runningExe: undefined };
  } catch {
    return undefined;
  }
}

/** The options a staging of the sandbox's package would have: its cache folder, its MININT, its state folder. */
function selftestOptions(args: Args, rt: Runtime, sandbox: string): Options {
  const p = pathFor(rt.platform);
  // the launcher: the running program, outside the package (one this machine starts: the plan checks it; never started)
  const o = resolveOptions({ ...args, command: 'run', source: p.join(sandbox, 'ccmcache', 'PKG'), target: p.join(sandbox, 'MININT', 'PackageSource'), stateDir: p.join(sandbox, 'state'), launch: rt.execPath }, { ...rt, packaged: false });
  // the status MIF where the console reads it (Windows: %windir%); on POSIX beside the selftest's
  // log, not in the sandbox that is removed before it is written
  const statusMif = o.statusMif && rt.platform !== 'win32' ? { ...o.statusMif, file: p.join(stateDirOf(args, rt), p.basename(o.statusMif.file)) } : o.statusMif;
  return { ...o, statusMif, runningExe: undefined, targetIsDefault: false };
}

/** Console and, outside the sandbox that goes away, the selftest's log in zticache's state folder (prepared: checkStateFolder). */
function openLog(platform: Platform, stateDir: string, rt: Runtime, console: { stdout?: NodeJS.WritableStream }): ClosableLog {
  const file = pathFor(rt.platform).join(stateDir, 'selftest.log');
  return createLog({ file, places: platform.places, eol: rt.platform === 'win32' ? '\r\n' : '\n', eventLog: platform.eventLog, ...console });
}

function machine(platform: Platform, sandbox: string): Verdict {
  const where = path.dirname(sandbox);
  const facts = [...(platform.notes ?? []), ...platform.probes.machine(), `${Math.floor(platform.freeBytes(where) / 1048576)} MB free on ${where}, ${platform.clusterBytes(where)}-byte clusters`];
  return pass(facts.join('; '));
}

/** A small package in the sandbox's cache folder, and the sandbox's state folder made as zticache makes its own (protected). */
function writeSandboxPackage(opts: Options, box: HeldFolder): void {
  const p = opts.path;
  const files = ['OSDLaunch.exe', 'setup.cab', 'OSD/osd.xml', 'OSD/Drivers/net.inf', 'Images/install.wim'];
  for (const rel of files) {
    fs.mkdirSync(p.dirname(fromRel(p, opts.source, rel)), { recursive: true });
    fs.writeFileSync(fromRel(p, opts.source, rel), `selftest ${rel}\n`, { mode: 0o755 });
  }
  // not held: the sandbox goes at the end
  box.folder(opts.path.basename(opts.stateDir), 'new', 'private').release();
}

/** The sandbox's package planned and staged (moved) into its MININT by the real code. */
async function stageSandbox(platform: Platform, opts: Options, log: ClosableLog): Promise<{ plan: Plan; staged: Staged }> {
  const p = opts.path;
  const plan = makePlan(opts, platform);
  const quiet = { info() {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
  return { plan, staged: await stage(plan, { p, log: quiet, platform, parallel: opts.parallel }) };
}

/** The staged package held by the guard, and a cleanup like OSDLaunch's run against it twice: held, then released. */
async function checkGuard(platform: Platform, opts: Options, { plan, staged }: { plan: Plan; staged: Staged }, self: string[]): Promise<Verdict> {
  const p = opts.path;
  if (!platform.guard.protects) {
    staged.release();
    return skip(`${platform.guard.description}: a cleanup would delete the staged files here whatever zticache does`);
  }
  const held = platform.guard.holdAll({
    files: plan.inventory.files.map((f) => fromRel(p, opts.target, f.rel)),
    dirs: [opts.target, ...plan.inventory.dirs.map((d) => fromRel(p, opts.target, d))],
  });
  const minint = p.dirname(opts.target);
  const report = p.join(p.dirname(minint), 'cleanup.json');
  let first: { deleted: string[]; kept: string[] };
  try {
    first = await cleanup(self, minint, report);
  } finally {
    held.release();
    staged.release();
  }
  const second = await cleanup(self, minint, report);
  const inTarget = (x: string) => x === opts.target || isInside(p, x, opts.target);
  return judgeGuard({ held: held.files + held.dirs, deletedWhileHeld: first.deleted.filter(inTarget), leftAfterRelease: second.kept.filter(inTarget) });
}

function cleanup(self: string[], dir: string, report: string): Promise<{ deleted: string[]; kept: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(self[0]!, [...self.slice(1), 'selftest-child', 'cleanup', dir, report], { windowsHide: true }, (err) => {
      if (err) return reject(new Error(`the cleanup child failed: ${err.message}`));
      resolve(JSON.parse(fs.readFileSync(report, 'utf8')) as { deleted: string[]; kept: string[] });
    });
  });
}

async function symlink(link: string, target: string): Promise<true | string> {
  try {
    fs.symlinkSync(target, link, 'dir');
    return true;
  } catch (err) {
    return `${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (a symbolic link needs the right to make one)`;
  }
}

/**
 * A MININT that is a link or junction to a folder elsewhere, as a standard user could plant it:
 * zticache's places must refuse to open PackageSource through it, and nothing may appear there.
 */
async function checkLink(platform: Platform, p: path.PlatformPath, sandbox: string, kind: 'junction' | 'symbolic link', make: (link: string, target: string) => Promise<true | string>): Promise<Verdict> {
  const base = p.join(sandbox, kind === 'junction' ? 'planted-j' : 'planted-s');
  const elsewhere = p.join(base, 'elsewhere');
  const minint = p.join(base, 'MININT');
  fs.mkdirSync(elsewhere, { recursive: true });
  const made = await make(minint, elsewhere);
  if (made !== true) return judgeLink(kind, { made: false, why: made });
  try {
    const held = platform.places.openFolder(p.join(minint, 'PackageSource'), { create: true });
    held.release();
    // an emulator without reparse points (Wine) follows the link it made: only a real system can be judged
    const emulator = platform.probes.emulator();
    if (emulator) return skip(`${emulator} keeps no reparse points: the ${kind} it made is a Unix link that its NT calls follow; only real Windows shows zticache refusing it`);
    return judgeLink(kind, { made: true, refused: false, how: `${p.join(minint, 'PackageSource')} was opened through it` });
  } catch (err) {
    const through = fs.existsSync(p.join(elsewhere, 'PackageSource'));
    return judgeLink(kind, { made: true, refused: !through, how: through ? 'PackageSource appeared in the folder it points to' : (err as Error).message });
  }
}

function access(platform: Platform, folder: string): Verdict {
  let held: HeldFolder | undefined;
  try {
    held = platform.places.openFolder(folder);
    const a = held.access();
    if (a.startsWith('mode ')) {
      const mode = parseInt(a.slice(5), 8);
      return mode & 0o022 ? fail(`${folder}: ${modeInWords(mode)}, so others can change what zticache keeps there`) : pass(`${folder}: ${modeInWords(mode)}`);
    }
    return judgeDacl(folder, a);
  } catch (err) {
    return fail(`${folder} cannot be read back: ${(err as Error).message}`);
  } finally {
    held?.release();
  }
}

/** The system volume's names: an 8.3 alias made or not, case folded or not; and the plan's refusal of what clashes there. */
function checkNames(platform: Platform, opts: Options, sandbox: string): Verdict {
  const p = opts.path;
  const long = p.join(sandbox, 'A Long Name For The Probe.txt');
  fs.writeFileSync(long, 'probe');
  const alias = platform.probes.shortName(long);
  fs.writeFileSync(p.join(sandbox, 'CaseProbe.txt'), 'probe');
  const caseless = fs.existsSync(p.join(sandbox, 'CASEPROBE.TXT'));
  const names = platform.names(opts.target);
  const refuses = (files: string[]) => {
    try {
      checkPackageNames(p, names, { dirs: [], files: files.map((rel) => ({ rel, size: 0, mtimeMs: 0 })), bytes: 0 }, opts.source, opts.target);
      return false;
    } catch (err) {
      return err instanceof ZtiError;
    }
  };
  const caseAsTheVolume = refuses(['Setup.cab', 'SETUP.CAB']) === caseless;
  const aliasRefused = alias === undefined ? undefined : refuses(['A Long Name For The Probe.txt', alias]);
  return judgeNames({ alias, caseless, caseAsTheVolume, aliasRefused });
}

function checkEvent(platform: Platform, log: ClosableLog, source: string): Verdict {
  if (!platform.eventLog) return skip('this platform has no event log');
  const marker = `zticache selftest event ${randomBytes(6).toString('hex')}`;
  const written = platform.eventLog.write('information', `${marker}: written by zticache selftest, as zticache writes its milestones (source ${source}, event ID = type)`);
  log.info(`Wrote the test event "${marker}" to the Application log`);
  return judgeEvent({ written, readBack: written ? platform.probes.findEvent(source, marker) : 'none' }, source);
}

async function checkStart(platform: Platform, self: string[], windows: boolean): Promise<Verdict> {
  const runs: Array<{ how: string; code?: number; want: number; error?: string }> = [];
  for (const [how, want] of Object.entries(CHILD_CODES) as Array<['no window' | 'detached', number]>) {
    const label = !windows ? `${how === 'no window' ? 'in the background' : 'detached'}, no standard handles` : how === 'no window' ? 'CREATE_NO_WINDOW, no standard handles' : 'DETACHED_PROCESS, no standard handles';
    try {
      const code = await platform.probes.start(self[0]!, [...self.slice(1), 'selftest-child', 'exit', String(want)], how);
      runs.push({ how: label, code, want: windows ? want : want & 0xff });
    } catch (err) {
      runs.push({ how: label, want, error: (err as Error).message });
    }
  }
  return judgeStart(runs);
}

function checkClient(platform: Platform, packageMb: number | undefined, target: string): Verdict {
  const targetFree = platform.freeBytes(path.dirname(path.dirname(target)));
  if (!platform.createObject) return judgeFitsOr(skip('no COM here: there is no ConfigMgr client on this platform'), packageMb, targetFree);
  let cache: { total: number; free: number; location: string };
  try {
    const ui = platform.createObject('UIResource.UIResourceMgr');
    try {
      cache = readCacheInfo(ui);
    } finally {
      ui.release();
    }
  } catch (err) {
    return judgeFitsOr(skip(`not a ConfigMgr client, or not elevated: ${(err as Error).message}`), packageMb, targetFree);
  }
  const fits = judgeFits(packageMb, { cacheTotal: cache.total * 1048576, cacheFree: cache.free * 1048576, targetFree });
  return { status: fits.status, evidence: `client cache ${cache.total} MB at ${cache.location}, ${cache.free} MB free; ${fits.evidence}` };
}

/** Without a client, a given package size is still checked against PackageSource's volume. */
function judgeFitsOr(v: Verdict, packageMb: number | undefined, targetFree: number): Verdict {
  if (packageMb === undefined) return v;
  const fits = judgeFits(packageMb, { targetFree });
  return fits.status === 'FAIL' ? fits : { status: v.status, evidence: `${v.evidence}; ${fits.evidence}` };
}

/** `zticache selftest-child`: what the selftest starts. Not for admins: --help does not list it. */
export async function selftestChild(argv: readonly string[]): Promise<number> {
  const [what, a, b] = argv;
  if (what === 'exit') return Number(a) >>> 0;
  if (what === 'cleanup' && a && b) {
    // as OSDLaunch's cleanup of C:\MININT: every file and folder it can delete, deepest first
    const deleted: string[] = [];
    const kept: string[] = [];
    const walk = (dir: string) => {
      let entries: fs.Dirent[] = [];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory() && !e.isSymbolicLink()) walk(full);
        try {
          if (e.isDirectory() && !e.isSymbolicLink()) fs.rmdirSync(full);
          else fs.unlinkSync(full);
          deleted.push(full);
        } catch {
          kept.push(full);
        }
      }
    };
    walk(a);
    fs.writeFileSync(b, JSON.stringify({ deleted, kept }));
    return 0;
  }
  return ExitCode.USAGE;
}
