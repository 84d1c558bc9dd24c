// zticache util: ZTICacheUtil.vbs without VBScript. Turns download-and-execute on or off for an
// advertisement (two bits of RemoteClientFlags, every other kept: flags.ts), points the OS program
// at zticache.exe (or back at osdlaunch.exe), then reports every OS package, program and
// advertisement (report.ts). Unlike the script, and unlike the first port:
// - every check that can say no runs before the first Put_: the objects found, read and checked
//   (one being deleted is not there), what would be overwritten (a program or package that is not
//   zticache's is refused without /force), and, when enabling, whether zticache.exe is in the
//   package source (a definite no is refused without /force; "cannot tell" is said, and the
//   command goes on); when disabling a program, that no advertisement of it downloads (looked at
//   again before each write). So every refusal means that nothing was changed;
// - optimistic writes: right before each Put_, every object the decision rests on is got again by
//   its path and compared with what was read, the one to write last; the change is made on that fresh copy (what another
//   admin changed elsewhere in it is kept, never written over with what zticache read), and if
//   anything zticache read has changed, nothing more is written and the message names the object
//   and what changed. After the last write everything is read once more: a writer that slipped
//   in between is reported, not left unsaid;
// - the writes go in the order that keeps the site consistent if the second fails: enabling
//   writes the program first (zticache.exe also runs from a distribution point, as a copy), then
//   the advertisement; disabling the advertisement first, then the program. Never an advertisement
//   that downloads while its program still runs osdlaunch.exe, the state the document warns of;
// - exit codes tell the site's truth: before any write a failure has its own code and "nothing was
//   changed"; a Put_ without an answer (not a refusal WMI gave) is read again to learn whether it
//   was written, and one that may have been counts as written; after one it is SMS_FAILED_AFTER_WRITE, and the message says what was written, the
//   state of the site, and the command that undoes it (undo.ts: quoted as Windows splits it, read
//   back through zticache's parser before it is printed) or, where the command cannot give the
//   old value back, the value to put back by hand;
// - only what is zticache's is changed (command-line.ts): a command line that already runs
//   zticache.exe is left as it is, osdlaunch.exe's arguments are kept;
// - object paths escaped by one function (object-path.ts); --what-if reads, checks and prints,
//   writes nothing.

import type { Variant } from '../../core/automation.js';
import { ComError } from '../../core/automation.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { describeFlags, downloadEnabled, withDownloadAndExecute } from './flags.js';
import { forcedCommandLine, parseCommandLine, rewriteCommandLine, undoes } from './command-line.js';
import { objectPath, quote } from './object-path.js';
import { report, siteKey } from './report.js';
import { stagerFolder } from './source-check.js';
import { failure, step } from './steps.js';
import { PERCENT_NOTE, utilCommandLine } from './undo.js';
import type { SmsObject, SmsSite } from './site.js';
import { DEFAULT_SCRATCH_MB } from '../../cli/defaults.js';
import { createCollection } from './collection.js';
import { readiness } from './readiness.js';
import { readinessCsv, readinessJson, readinessLines } from './readiness-output.js';
import { DEFAULT_WORK_HOURS, type WorkHours } from './schedule.js';

export interface UtilOptions {
  server?: string;
  package?: string;
  program?: string;
  advertisement?: string;
  enable?: boolean;
  /** change a program or package zticache does not own, or enable without zticache.exe in the package source */
  force?: boolean;
  whatIf: boolean;
  /** who is ready before the mandatory time (with advertisement) */
  readiness?: boolean;
  checkAdvertisement?: string;
  /** the report (JSON) or the readiness report (JSON or CSV) instead of lines */
  format?: 'text' | 'json' | 'csv';
  /** create the document's collection of this name (with package) */
  collection?: string;
  scratchMb?: number;
  bandwidthMbps?: number;
  workHours?: WorkHours;
}

export interface UtilContext {
  connect(server: string | undefined): SmsSite;
  out(line: string): void;
  /**
   * whether zticache.exe is in the folder (true or false), or why that cannot be told (a folder out
   * of reach, no answer in time): the package-source check
   */
  findStager?(folder: string): Promise<boolean | string>;
  /** the time the readiness report counts from (tests fix it) */
  now?: () => Date;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function utilUsage(): string[] {
  return [
    'Usage: zticache util [/server:NAME] [/package:ID /program:NAME] [/advertisement:ID] [/enable:true|false] [/force] [/what-if]',
    '       zticache util /readiness /advertisement:ID [/check-advertisement:ID] [/json | /csv]',
    '       zticache util /collection:"NAME" /package:ID [/scratch-mb:MB] [/force] [/what-if]',
    '  /server:         SMS provider server (default: this server)',
    '  /package:        OS package ID (with /program)',
    '  /program:        OS program name (with /package)',
    '  /advertisement:  OS advertisement ID',
    '  /enable:         true or yes: download and execute, program runs zticache.exe; false or no: back to osdlaunch.exe',
    '  /force           also change a program that runs neither osdlaunch.exe nor zticache.exe, or a package that is not an OS package, or enable while zticache.exe is not in the package source; with /collection, create it beside one of that name',
    '  /readiness       the advertisement\'s clients by state, the check\'s results, the mandatory time, the clients at risk',
    '  /json            the report (or /readiness\'s) as one JSON document instead of the table',
    '  /collection:     create the document\'s collection for /package: Windows 10 x64 or later (zticache.exe\'s floor), free space for the package and /scratch-mb',
    '  /bandwidth-mbps: the rate the download may take, for the schedule check; /work-hours:08-18 the working hours',
    'Examples:',
    '  zticache util /advertisement:XXX20001 /enable:true',
    '  zticache util /package:XXX00001 /program:"Install XP" /enable:false',
    '  zticache util /collection:"Deploy XP with Download and Execute" /package:XXX00001 /what-if',
    '  zticache util /readiness /advertisement:XXX20001 /check-advertisement:XXX20002 /csv > ready.csv',
  ];
}

/** ActionInProgress: the site is deleting the object (SDK: filter these out). */
export const DELETING = 3;

/** An object the decision rests on: where it is, and what was read from it. */
interface Read {
  path: string;
  /** in words: "advertisement XXX20001" */
  what: string;
  props: Record<string, Variant>;
}

/** One change to write: the object as read, the property and its new value, and the line that says it. */
interface Change {
  read: Read;
  prop: 'RemoteClientFlags' | 'CommandLine';
  old: Variant;
  now: Variant;
  said: string;
  /** the command that gives the old value back exactly, or the words that say what to put back by hand */
  undo?: string;
}

/** What each kind of object is read for, and compared on before each write. */
const READS = {
  SMS_Advertisement: ['RemoteClientFlags', 'PackageID', 'ProgramName', 'ActionInProgress'],
  SMS_Program: ['CommandLine', 'ActionInProgress'],
  SMS_Package: ['PkgSourcePath', 'ImageFlags', 'ActionInProgress'],
} as const;

export async function runUtil(o: UtilOptions, ctx: UtilContext): Promise<void> {
  const { out } = ctx;
  if (o.readiness || o.collection !== undefined) return runPlanning(o, ctx);
  if (o.checkAdvertisement !== undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /check-advertisement goes with /readiness /advertisement:ID');
  if (o.format === 'csv') throw new ZtiError(ExitCode.USAGE, 'zticache util: /csv goes with /readiness');
  if ((o.package === undefined) !== (o.program === undefined)) throw new ZtiError(ExitCode.USAGE, 'zticache util: /package and /program go together');
  const changing = o.advertisement !== undefined || o.package !== undefined; // /program goes with /package
  // the JSON document is all that is printed: a change's lines would break it
  const json = o.format === 'json';
  if (json && (changing || o.enable !== undefined)) throw new ZtiError(ExitCode.USAGE, 'zticache util: /json goes with the report alone (no /advertisement, /package or /enable) or with /readiness');
  if (changing && o.enable === undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /enable:true or /enable:false is needed to change an advertisement or a program');
  // /enable alone would only report: the admin meant a change and would read the report as done
  if (!changing && o.enable !== undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /enable changes an advertisement (/advertisement:ID) or a program (/package:ID /program:NAME): name one');
  const site = step(`connecting to the SMS provider on ${o.server ?? 'this server'}`, () => ctx.connect(o.server));
  const planning = { scratchMb: o.scratchMb ?? DEFAULT_SCRATCH_MB, bandwidthMbps: o.bandwidthMbps, workHours: o.workHours ?? DEFAULT_WORK_HOURS };
  if (json) return report(site, out, planning, 'json');
  out(`Connecting to SMS provider server ${site.provider} and site ${site.siteCode}.`);

  const reads: Read[] = [];
  let advertChange: Change | undefined;
  let programChange: Change | undefined;
  let pkgSource: string | undefined;
  let programRead: Read | undefined;
  /** what else is looked at again before each write: the advertisements of a program going back to osdlaunch.exe */
  let guard: (() => void) | undefined;
  /** disabling by /advertisement alone: its program's command line, for the undo only (undefined: not read) */
  let advertProgramLine: string | undefined;
  let pkg = o.package;
  let prog = o.program;

  // ---- resolve and check: every object found, read and checked, nothing written
  try {
    const fetch = (cls: keyof typeof READS, keys: Record<string, string>, what: string): Read => {
      const path = objectPath(cls, keys);
      const r: Read = { path, what, props: step(`retrieving ${what}`, () => readProps(site.get(path), cls)) };
      if (Number(r.props.ActionInProgress) === DELETING) {
        throw new ZtiError(ExitCode.SMS_OBJECT_NOT_FOUND, `zticache util: ${what} is being deleted (ActionInProgress ${DELETING})`);
      }
      reads.push(r);
      return r;
    };
    if (o.advertisement !== undefined) {
      out(`Retrieving advertisement object for advertisement ${o.advertisement}.`);
      const adv = fetch('SMS_Advertisement', { AdvertisementID: o.advertisement }, `advertisement ${o.advertisement}`);
      const old = Number(adv.props.RemoteClientFlags) >>> 0;
      const advPkg = text(adv.props.PackageID);
      const advProg = text(adv.props.ProgramName);
      // /package comes with /program (checked first)
      if (pkg !== undefined && siteKey(pkg, prog!) !== siteKey(advPkg, advProg)) {
        throw new ZtiError(ExitCode.USAGE, `zticache util: advertisement ${o.advertisement} runs program ${advProg} of package ${advPkg}, not ${prog} of ${pkg}; give that program's /package and /program, or leave them out`);
      }
      const now = withDownloadAndExecute(old, o.enable!);
      const verb = o.enable ? 'download and execute on' : 'download and execute off';
      if (now !== old) {
        advertChange = { read: adv, prop: 'RemoteClientFlags', old, now, said: `${verb} for advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)} -> ${describeFlags(now)}` };
      } else {
        out(`Download and execute is already ${o.enable ? 'enabled' : 'disabled'} on advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)}.`);
      }
      // enabling an advertisement points its program at zticache.exe; disabling leaves the
      // program as it is (zticache.exe also runs from the distribution point)
      if (o.enable && pkg === undefined) {
        pkg = advPkg;
        prog = advProg;
      } else if (pkg === undefined && advertChange) {
        // the undo of this disable (/enable:true on the advertisement) also points its program at
        // zticache.exe: it gives the site back only where the program runs zticache.exe already
        advertProgramLine = programLine(site, advPkg, advProg);
      }
    }
    if (pkg !== undefined) {
      prog = prog!;
      out(`Retrieving program object for package ${pkg} and program ${prog}.`);
      programRead = fetch('SMS_Program', { PackageID: pkg, ProgramName: prog }, `program ${prog} of package ${pkg}`);
      const pack = fetch('SMS_Package', { PackageID: pkg }, `package ${pkg}`);
      pkgSource = text(pack.props.PkgSourcePath);
      const old = text(programRead.props.CommandLine);
      const imageFlags = pack.props.ImageFlags;
      const notOsd = imageFlags !== undefined && Number(imageFlags) !== 1;
      let want = rewriteCommandLine(old, o.enable!);
      if (want === undefined || notOsd) {
        const why = want === undefined
          ? `program ${prog} of package ${pkg} runs neither osdlaunch.exe nor zticache.exe: its command line "${old}" would be lost`
          : `package ${pkg} is not an OS package (ImageFlags ${text(imageFlags)}), so its program ${prog} ("${old}") is not an OSD program`;
        if (!o.force) throw new ZtiError(ExitCode.SMS_NOT_OSD_PROGRAM, `zticache util: ${why}; nothing was changed (check /package and /program; /force changes it anyway)`);
        out(`/force: ${why}.`);
        want ??= forcedCommandLine(o.enable!);
      }
      if (want !== old) {
        programChange = { read: programRead, prop: 'CommandLine', old, now: want, said: `the command line of package ${pkg} program ${prog}: "${old}" -> "${want}"` };
        // back on osdlaunch.exe, the program must not be run by an advertisement that downloads
        // (OSDLaunch.exe run from the cache deletes the package under itself): one this run does
        // not turn off refuses the change, before any write, and is looked for again before each
        if (!o.enable) {
          const at = { pkg, prog, except: o.advertisement };
          const on = step(`querying the advertisements of program ${prog} of package ${pkg}`, () => downloadingAdverts(site, at));
          if (on.length) throw new ZtiError(ExitCode.SMS_ADVERTISEMENT_DOWNLOADS, stillDownloading(on, at, o.server));
          guard = () => {
            const now = downloadingAdverts(site, at);
            if (now.length) throw new Changed({ path: '', what: `the advertisements of program ${prog} of package ${pkg}`, props: {} }, `changed after zticache util read them: ${now.join(', ')} now ${now.length === 1 ? 'downloads' : 'download'} and ${now.length === 1 ? 'executes' : 'execute'} (download and execute turned on by another writer)`, false);
          };
        }
      } else {
        const runs = parseCommandLine(old).runs;
        out(runs === 'zticache-command'
          ? `Package ${pkg} program ${prog} runs a zticache.exe subcommand, not the OS staging program: its command line "${old}" is left as it is.`
          : `Package ${pkg} program ${prog} already runs ${runs === 'osdlaunch' ? 'osdlaunch.exe' : 'zticache.exe'}: "${old}".`);
      }
    }
    // enabling always names a program (the advertisement's, or /package /program): its package
    // source must hold zticache.exe, or every client fails to start it
    if (o.enable) await checkSource(pkgSource!, o, ctx, programChange === undefined);
  } catch (err) {
    if (err instanceof ZtiError && err.exitCode !== ExitCode.USAGE && !/nothing was changed/.test(err.message)) {
      throw new ZtiError(err.exitCode, `${err.message}; nothing was changed`, { cause: err.cause });
    }
    throw err;
  }

  // ---- write, in the order that keeps the site consistent at every step
  const changes = (o.enable ? [programChange, advertChange] : [advertChange, programChange]).filter((c): c is Change => c !== undefined);
  const server = o.server;
  if (programChange) {
    programChange.undo = undoProgram(programChange, { server, pkg: pkg!, prog: prog!, enable: o.enable! });
    if (!undoes(text(programChange.old), text(programChange.now), o.enable!)) {
      out(`Note: /enable:${!o.enable} will not give "${text(programChange.old)}" back (it writes "${rewriteCommandLine(text(programChange.now), !o.enable)}"): keep this line to put it back by hand.`);
    }
  }
  if (advertChange) {
    const programNow = programRead ? text(programRead.props.CommandLine) : advertProgramLine;
    advertChange.undo = undoAdvert(advertChange, { server, advertisement: o.advertisement!, enable: o.enable!, programLine: programNow });
  }
  if (o.whatIf) {
    for (const c of changes) out(`Would have set ${c.said}.`);
    report(site, out, planning);
    return;
  }
  const written: Change[] = [];
  try {
    for (const c of changes) {
      const fresh = recheck(site, reads, c.read, false, guard);
      try {
        fresh.set(c.prop, c.now);
      } catch (err) {
        throw new Refused(c, err);
      }
      try {
        fresh.put();
      } catch (err) {
        if (answered(err)) throw new Refused(c, err);
        // no answer (the connection dropped, the reply lost): the provider may have written it
        const landed = outcome(site, c);
        if (landed === false) throw new Refused(c, err, 'read again, it holds what it held: nothing of it was written');
        if (landed === true) written.push(c);
        throw new Unanswered(c, err, landed === true ? 'read again, it holds the change: the provider wrote it and its answer was lost' : landed);
      }
      c.read.props[c.prop] = c.now;
      written.push(c);
      out(`Set ${c.said}.`);
    }
    // a writer that slipped in between the last check and a write, or after it
    if (written.length) recheck(site, reads, undefined, true, guard);
  } catch (err) {
    if (!written.length && !(err instanceof Unanswered)) throw beforeWrite(err);
    notePercent([...written, ...(err instanceof Unanswered ? [err.change] : [])], out);
    throw afterWrite(err, written, o);
  }

  try {
    report(site, out, planning);
  } catch (err) {
    if (!written.length) throw err;
    const why = err instanceof ZtiError ? err.message.replace(/^zticache util: /, '') : String(err);
    notePercent(written, out);
    throw new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE, `zticache util: the change was written (${written.map((w) => w.said).join('; ')}), then the report failed: ${why}; the site holds the change: run zticache util without /enable to see the report, or undo what was written ${undoOf(written)}`, { cause: err instanceof ZtiError ? err.cause : err });
  }
}

/**
 * The two planning commands, which never change an advertisement or a program: /readiness (reads
 * only) and /collection (creates one collection, all or nothing). Each refuses what it does not
 * take, before connecting.
 */
async function runPlanning(o: UtilOptions, ctx: UtilContext): Promise<void> {
  const usage = (m: string) => new ZtiError(ExitCode.USAGE, `zticache util: ${m}`);
  const mode = o.readiness ? '/readiness' : '/collection';
  if (o.readiness && o.collection !== undefined) throw usage('/readiness and /collection are two commands: give one');
  if (o.enable !== undefined) throw usage(`${mode} changes no advertisement or program: leave out /enable`);
  if (o.program !== undefined) throw usage(`${mode} takes no /program`);
  const scratchMb = o.scratchMb ?? DEFAULT_SCRATCH_MB;
  const workHours = o.workHours ?? DEFAULT_WORK_HOURS;
  if (o.readiness) {
    if (o.advertisement === undefined) throw usage('/readiness needs the OS advertisement: /advertisement:ID');
    if (o.package !== undefined) throw usage('/readiness takes the package from the advertisement: leave out /package');
    if (o.force || o.whatIf) throw usage(`/readiness only reads: leave out ${o.force ? '/force' : '/what-if'}`);
    if (o.checkAdvertisement !== undefined && siteKey(o.checkAdvertisement) === siteKey(o.advertisement)) throw usage(`/check-advertisement is the advertisement of zticache check, not the OS advertisement ${o.advertisement} again`);
    const format = o.format ?? 'text';
    const site = step(`connecting to the SMS provider on ${o.server ?? 'this server'}`, () => ctx.connect(o.server));
    if (format === 'text') ctx.out(`Connecting to SMS provider server ${site.provider} and site ${site.siteCode}.`);
    const r = readiness(site, { advertisement: o.advertisement, checkAdvertisement: o.checkAdvertisement, workHours, bandwidthMbps: o.bandwidthMbps, scratchMb, now: ctx.now?.() ?? new Date() });
    const lines = format === 'json' ? [readinessJson(r, site)] : format === 'csv' ? readinessCsv(r) : readinessLines(r);
    for (const l of lines) ctx.out(l);
    return;
  }
  if (o.package === undefined) throw usage('/collection needs the OS package it is for: /package:ID');
  if (o.advertisement !== undefined || o.checkAdvertisement !== undefined) throw usage('/collection takes no advertisement');
  if (o.format && o.format !== 'text') throw usage(`/${o.format} goes with /readiness`);
  if (!o.collection!.trim()) throw usage('/collection needs a name');
  const site = step(`connecting to the SMS provider on ${o.server ?? 'this server'}`, () => ctx.connect(o.server));
  ctx.out(`Connecting to SMS provider server ${site.provider} and site ${site.siteCode}.`);
  // blanks around the name are the command line's, not the name's (the site would keep them, and compare without the trailing ones)
  createCollection(site, { name: o.collection!.trim(), package: o.package, scratchMb, force: o.force, whatIf: o.whatIf }, ctx.out);
}

/** The properties a decision rests on, as the object has them; one the site does not have (ImageFlags on current ConfigMgr) reads as undefined. */
function readProps(obj: SmsObject, cls: keyof typeof READS): Record<string, Variant> {
  const props: Record<string, Variant> = {};
  for (const p of READS[cls]) props[p] = OPTIONAL.has(p) ? optional(obj, p) : obj.get(p);
  return props;
}

/** Properties a site may not have: ImageFlags (current ConfigMgr), ActionInProgress (where an SMS version lacks it). */
const OPTIONAL: ReadonlySet<string> = new Set(['ImageFlags', 'ActionInProgress']);

/** A property that may not exist on this site: undefined then (a COM failure); any other failure is not that. */
function optional(obj: SmsObject, prop: string): Variant {
  try {
    return obj.get(prop);
  } catch (err) {
    if (err instanceof ComError) return undefined;
    throw err;
  }
}

/**
 * Whether another writer changed a property: its text; for ActionInProgress only whether the site
 * began deleting the object (an update in progress, 1, is what any Put_, ours too, leaves behind).
 */
function differs(prop: string, was: Variant, now: Variant): boolean {
  if (prop === 'ActionInProgress') return (Number(was) === DELETING) !== (Number(now) === DELETING);
  return text(was) !== text(now);
}

/** A value as the messages show it. */
function shown(prop: string, v: Variant): string {
  if (v === undefined || v === null) return '(none)';
  return prop === 'RemoteClientFlags' ? describeFlags(Number(v)) : typeof v === 'string' ? `"${v}"` : String(v);
}

/** Another writer's doing, found when an object was got again: before a write, or after the last (late). */
class Changed extends Error {
  constructor(readonly read: Read, readonly detail: string, readonly late: boolean, override readonly cause?: unknown) {
    super(`${read.what} ${detail}`);
  }
}

/** A Put_ the provider refused (or, read again after no answer, did not write: note says so). */
class Refused extends Error {
  constructor(readonly change: Change, override readonly cause: unknown, readonly note?: string) {
    super(`writing ${change.read.what} back (Put_) ${note ? 'got no answer' : 'was refused'}`);
  }
}

/** A Put_ without an answer: written (read again, the object holds the change), or not known (how says why). */
class Unanswered extends Error {
  constructor(readonly change: Change, override readonly cause: unknown, readonly how: string) {
    super(`writing ${change.read.what} back (Put_) got no answer: ${cause instanceof Error ? cause.message : String(cause)}; ${how}`);
  }
}

/**
 * Whether a failed Put_ was answered by WMI or the provider (a WBEM_E_* error, 0x8004xxxx, or the
 * provider's own reason): a refusal, nothing written. Anything else (RPC_S_CALL_FAILED, the
 * connection gone) may have come after the provider wrote the object.
 */
function answered(err: unknown): boolean {
  if (!(err instanceof ComError)) return false;
  return err.extended !== undefined || (err.hresult >>> 16) === 0x8004;
}

/** After a Put_ without an answer, the object read again: written (true), not (false), or why that cannot be told. */
function outcome(site: SmsSite, c: Change): boolean | string {
  let now: Variant;
  try {
    now = site.get(c.read.path).get(c.prop);
  } catch (err) {
    return `whether the provider wrote it is not known: reading it again failed (${err instanceof Error ? err.message : String(err)})`;
  }
  if (!differs(c.prop, now, c.now)) return true;
  if (!differs(c.prop, now, c.old)) return false;
  return `whether the provider wrote it is not known: read again, it holds ${shown(c.prop, now)}, neither what it held nor what zticache util wrote (another writer)`;
}

/**
 * Gets every object of the decision again by its path and compares what was read; returns the
 * fresh copy of `target` (the one to change and write, got last), or throws Changed.
 */
function recheck(site: SmsSite, reads: readonly Read[], target: Read | undefined, late: boolean, guard?: () => void): SmsObject {
  let fresh: SmsObject | undefined;
  try {
    guard?.();
  } catch (err) {
    if (err instanceof Changed) throw new Changed(err.read, err.detail, late);
    throw failure('querying the advertisements again', err);
  }
  // the copy to write is got last, right before its Put_: another admin's write to it that lands
  // while the others are got again is in that copy (kept), never written over with an older one
  const order = target ? [...reads.filter((r) => r !== target), target] : reads;
  for (const r of order) {
    const cls = r.path.slice(0, r.path.indexOf('.')) as keyof typeof READS;
    let obj: SmsObject;
    let now: Record<string, Variant>;
    try {
      obj = site.get(r.path);
      now = readProps(obj, cls);
    } catch (err) {
      if (err instanceof ComError && err.hresult >>> 0 === 0x80041002) throw new Changed(r, `is gone (deleted by another writer after zticache util read it: ${err.message})`, late, err);
      throw failure(`reading ${r.what} again`, err);
    }
    const diffs = Object.keys(r.props).filter((p) => differs(p, r.props[p], now[p])).map((p) => `${p} ${shown(p, r.props[p])} -> ${shown(p, now[p])}`);
    if (diffs.length) throw new Changed(r, `was changed by another writer after zticache util read it: ${diffs.join(', ')}`, late);
    if (r === target) fresh = obj;
  }
  return fresh!;
}

/** A failure before anything was written: its own code, and nothing was changed. */
function beforeWrite(err: unknown): ZtiError {
  if (err instanceof Changed) return new ZtiError(ExitCode.SMS_OBJECT_CHANGED, `zticache util: ${err.message}; nothing of it was written; nothing was changed: run it again to decide on what the site holds now`, { cause: err.cause });
  if (err instanceof Refused) return new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: ${refusal(err)}; nothing was changed`, { cause: err.cause });
  const e = failure('writing', err);
  return /nothing was changed/.test(e.message) ? e : new ZtiError(e.exitCode, `${e.message}; nothing was changed`, { cause: e.cause });
}

/** Where an undo line holds a %, the line before the message says how it is written, and that it is for the prompt. */
function notePercent(written: readonly Change[], out: (line: string) => void): void {
  if (written.some((w) => w.undo?.startsWith('with: ') && w.undo.includes('%'))) out(PERCENT_NOTE);
}

/** The undo of what was written: undone last first (the advertisement before the program, never downloading onto osdlaunch.exe). */
const undoOf = (written: readonly Change[]): string => [...written].reverse().map((w) => w.undo).join('; ');

/** A refused Put_ in words: the provider's reason, and what reading it again showed. */
const refusal = (err: Refused) => `${err.message}: ${err.cause instanceof ComError ? err.cause.message : String(err.cause)}${err.note ? `; ${err.note}` : ''}`;

/**
 * A failure after a write, or a write whose outcome is not known: SMS_FAILED_AFTER_WRITE, what was
 * written, the site's state, and the undo.
 */
function afterWrite(err: unknown, written: readonly Change[], o: UtilOptions): ZtiError {
  const failed = err instanceof Refused ? refusal(err)
    : err instanceof Changed ? `${err.message}; nothing of it was written`
    : err instanceof ZtiError ? err.message.replace(/^zticache util: /, '')
    : err instanceof Error ? err.message
    : String(err);
  const cause = err instanceof Refused || err instanceof Changed || err instanceof Unanswered ? err.cause : err instanceof ZtiError ? err.cause : err;
  const said = written.map((w) => w.said).join('; ');
  if (err instanceof Unanswered && !written.includes(err.change)) {
    // the provider may hold it: said, and undone if it does. The writes go in the order that
    // keeps the site consistent whichever way this one went
    const before = said ? ` Written before it: ${said}.` : '';
    return new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE,
      `zticache util: ${failed}. The site may hold ${err.change.said}.${before} The site is consistent either way (the writes go in the order that never leaves an advertisement downloading onto osdlaunch.exe): see it with zticache util (no arguments), then run this command again to finish, or undo what was (or may have been) written ${undoOf([...written, err.change])}`,
      { cause });
  }
  const undo = undoOf(written);
  if (err instanceof Changed && (err.late || written.some((w) => w.read === err.read))) {
    // another writer changed what zticache util wrote, or what it rests on, after it wrote: the
    // site is someone else's now, and no sentence here can vouch for it
    return new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE,
      `zticache util: written: ${said}; then ${err.message} (another admin or run wrote at the same time). The site is not as zticache util left it: see it with zticache util (no arguments), and run this command again to decide on what it holds now; what zticache util wrote is undone ${undo}`,
      { cause });
  }
  // enabling wrote the program first: zticache.exe works from the distribution point and from the
  // cache, whatever the advertisement does; disabling wrote the advertisement first: run from the
  // distribution point, whatever the program runs
  const state = o.enable
    ? 'the program runs zticache.exe, which works whether the advertisement downloads or runs from the distribution point (zticache.exe copies the package from there)'
    : 'the advertisement runs from the distribution point again, where the program works whatever it runs (zticache.exe copies the package from there)';
  return new ZtiError(ExitCode.SMS_FAILED_AFTER_WRITE,
    `zticache util: ${failed}; written${err instanceof Unanswered ? '' : ' before it'}: ${said}. The site is consistent: ${state}. Run it again to finish, or undo what was written ${undo}`,
    { cause });
}

/** The undo of a program's command line: the opposite /enable where it gives the old line back exactly, else the line to put back. */
function undoProgram(c: Change, at: { server?: string; pkg: string; prog: string; enable: boolean }): string {
  const back = `set the command line of program ${at.prog} of package ${at.pkg} back to "${text(c.old)}"`;
  if (!undoes(text(c.old), text(c.now), at.enable)) {
    return `by hand: ${back} (zticache util /enable:${!at.enable} would write "${rewriteCommandLine(text(c.now), !at.enable)}", not what it ran)`;
  }
  const line = utilCommandLine({ server: at.server, package: at.pkg, program: at.prog, enable: !at.enable });
  return line ? `with: ${line}` : `by hand: ${back} (no command line gives zticache util these names back)`;
}

/**
 * The undo of an advertisement's flags: the opposite /enable on it, where that gives the old value
 * back and leaves its program as it is (enabling also points the program at zticache.exe).
 */
function undoAdvert(c: Change, at: { server?: string; advertisement: string; enable: boolean; programLine?: string }): string {
  const back = `set RemoteClientFlags of advertisement ${at.advertisement} back to ${Number(c.old) >>> 0} in the console`;
  if (withDownloadAndExecute(Number(c.now), !at.enable) !== Number(c.old) >>> 0) {
    return `by hand: ${back} (zticache util /enable:${!at.enable} would not give it back alone)`;
  }
  // enabling again also points the program at zticache.exe: a command only where it runs it already
  if (!at.enable && (at.programLine === undefined || rewriteCommandLine(at.programLine, true) !== at.programLine)) {
    const program = at.programLine === undefined ? 'its program, which could not be read,' : `its program ("${at.programLine}")`;
    return `by hand: ${back} (zticache util /enable:true would also point ${program} at zticache.exe)`;
  }
  const line = utilCommandLine({ server: at.server, advertisement: at.advertisement, enable: !at.enable });
  return line ? `with: ${line}` : `by hand: ${back} (no command line gives zticache util this ID back)`;
}

/** The advertisements (IDs) of a program that download and execute, the site deleting none of them, but `except` (which this run turns off). */
function downloadingAdverts(site: SmsSite, at: { pkg: string; prog: string; except?: string }): string[] {
  return site.query(`select * from SMS_Advertisement where PackageID = ${quote(at.pkg)}`)
    .filter((a) => siteKey(text(a.get('PackageID')), text(a.get('ProgramName'))) === siteKey(at.pkg, at.prog))
    .filter((a) => Number(optional(a, 'ActionInProgress') ?? 0) !== DELETING && downloadEnabled(Number(a.get('RemoteClientFlags')) >>> 0))
    .map((a) => text(a.get('AdvertisementID')))
    .filter((id) => at.except === undefined || siteKey(id) !== siteKey(at.except));
}

/** SMS_ADVERTISEMENT_DOWNLOADS: which advertisements, why, and the command that turns each off with the program. */
function stillDownloading(ids: readonly string[], at: { pkg: string; prog: string }, server: string | undefined): string {
  const which = ids.length === 1 ? `advertisement ${ids[0]} runs` : `advertisements ${ids.join(', ')} run`;
  const first = utilCommandLine({ server, advertisement: ids[0], package: at.pkg, program: at.prog, enable: false });
  const way = ids.length === 1 && first ? `: ${first} turns both off` : ' (zticache util /advertisement:ID /enable:false), then run this again';
  return `zticache util: ${which} program ${at.prog} of package ${at.pkg} with download and execute on: back on osdlaunch.exe, every client would run OSDLaunch.exe from its cache, which deletes the package under itself (the state the document warns of); nothing was changed: turn download and execute off on ${ids.length === 1 ? 'it' : 'each'} first${way}`;
}

/** A program's command line, where it can be read: for an undo only, so a failure is no reason to stop (undefined). */
function programLine(site: SmsSite, pkg: string, prog: string): string | undefined {
  try {
    return text(site.get(objectPath('SMS_Program', { PackageID: pkg, ProgramName: prog })).get('CommandLine'));
  } catch (err) {
    if (err instanceof ComError) return undefined;
    throw err;
  }
}

/** The package-source check, before any write: yes; no (refused, or said under /force); cannot tell (said, and on). */
async function checkSource(source: string, o: UtilOptions, ctx: UtilContext, alreadyEnabled: boolean): Promise<void> {
  ctx.out('Be sure to include zticache.exe in the OS package by including it as a');
  ctx.out('required file on at least one custom action.');
  const where = stagerFolder(source, o.server);
  const answer = 'cannotTell' in where ? where.cannotTell : ctx.findStager ? await ctx.findStager(where.folder) : 'this computer cannot look';
  const looked = 'folder' in where && where.folder !== source ? ` (looked in ${where.folder})` : '';
  if (answer === true) {
    ctx.out(`zticache.exe is in the package source ${source}${looked}.`);
  } else if (answer === false) {
    const missing = `zticache.exe is NOT in the package source ${source}${looked}: every client would fail to start the program`;
    const already = alreadyEnabled ? ' (the program already runs zticache.exe: clients that run it now fail)' : '';
    if (!o.force) throw new ZtiError(ExitCode.SMS_STAGER_NOT_IN_SOURCE, `zticache util: ${missing}${already}; add it to the package source and update the distribution points, then run this again; nothing was changed (/force writes anyway)`);
    ctx.out(`Warning: /force: ${missing}${already}; writing anyway: add it, then update the distribution points, before clients run the program.`);
  } else {
    ctx.out(`Cannot tell whether zticache.exe is in the package source ${source || '(none)'}: ${answer}; going on (make sure it is there: clients fail to start the program without it).`);
  }
}
