// zticache util: ZTICacheUtil.vbs without VBScript. Turns download-and-execute on or off for an
// advertisement (two bits of RemoteClientFlags, every other kept: flags.ts), points the OS program
// at zticache.exe (or back at osdlaunch.exe), then reports every OS package, program and
// advertisement (report.ts). Unlike the script, and unlike the first port:
// - resolve, then write: every object the command changes is found, read and checked before the
//   first Put_, so "not found" and every refusal mean that nothing was changed;
// - the writes go in the order that keeps the site consistent if the second is refused: enabling
//   writes the program first (zticache.exe also runs from a distribution point, as a copy), then
//   the advertisement; disabling the advertisement first, then the program. Never an advertisement
//   that downloads while its program still runs osdlaunch.exe, the state the document warns of;
//   a refused write says what was written before it and the command that undoes it;
// - only what is zticache's is changed (command-line.ts): the arguments of a zticache command line
//   are kept, and a program that runs neither osdlaunch.exe nor zticache.exe, or a package that is
//   not an OS package, is refused unless /force says so, showing the command line it would lose;
// - object paths escaped by one function (object-path.ts); --what-if reads and prints, writes nothing.

import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { ComError } from '../../core/automation.js';
import { describeFlags, withDownloadAndExecute } from './flags.js';
import { forcedCommandLine, parseCommandLine, rewriteCommandLine } from './command-line.js';
import { objectPath } from './object-path.js';
import { report, siteKey } from './report.js';
import { stagerFolder } from './source-check.js';
import { step } from './steps.js';
import type { SmsObject, SmsSite } from './site.js';

export interface UtilOptions {
  server?: string;
  package?: string;
  program?: string;
  advertisement?: string;
  enable?: boolean;
  /** change a program or package zticache does not own (its command line is overwritten) */
  force?: boolean;
  whatIf: boolean;
}

export interface UtilContext {
  connect(server: string | undefined): SmsSite;
  out(line: string): void;
  /**
   * whether zticache.exe is in the folder (true or false), or why that cannot be told (a folder out
   * of reach, no answer in time): the package-source check
   */
  findStager?(folder: string): Promise<boolean | string>;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function utilUsage(): string[] {
  return [
    'Usage: zticache util [/server:NAME] [/package:ID /program:NAME] [/advertisement:ID] [/enable:true|false] [/force] [/what-if]',
    '  /server:         SMS provider server (default: this server)',
    '  /package:        OS package ID (with /program)',
    '  /program:        OS program name (with /package)',
    '  /advertisement:  OS advertisement ID',
    '  /enable:         true or yes: download and execute, program runs zticache.exe; false or no: back to osdlaunch.exe',
    '  /force           also change a program that runs neither osdlaunch.exe nor zticache.exe, or a package that is not an OS package',
    'Examples:',
    '  zticache util /advertisement:XXX20001 /enable:true',
    '  zticache util /package:XXX00001 /program:"Install XP" /enable:false',
  ];
}

/** One change to write: the object, what it is in words, and the line that says what changes. */
interface Change {
  obj: SmsObject;
  what: string;
  said: string;
}

/** A value for a command line the admin can paste: quoted when it holds a space. */
const arg = (v: string) => (/[\s"]/.test(v) ? `"${v}"` : v);

export async function runUtil(o: UtilOptions, ctx: UtilContext): Promise<void> {
  const { out } = ctx;
  if ((o.package === undefined) !== (o.program === undefined)) throw new ZtiError(ExitCode.USAGE, 'zticache util: /package and /program go together');
  const changing = o.advertisement !== undefined || o.package !== undefined; // /program goes with /package
  if (changing && o.enable === undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /enable:true or /enable:false is needed to change an advertisement or a program');
  // /enable alone would only report: the admin meant a change and would read the report as done
  if (!changing && o.enable !== undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /enable changes an advertisement (/advertisement:ID) or a program (/package:ID /program:NAME): name one');
  const site = step(`connecting to the SMS provider on ${o.server ?? 'this server'}`, () => ctx.connect(o.server));
  out(`Connecting to SMS provider server ${site.provider} and site ${site.siteCode}.`);
  const server = o.server === undefined ? '' : `/server:${arg(o.server)} `;
  const changes: Change[] = [];
  let advertChange: Change | undefined;
  let programChange: Change | undefined;
  let pkgSource: string | undefined;
  let pkg = o.package;
  let prog = o.program;

  // ---- resolve: every object found and checked, nothing written
  try {
    if (o.advertisement !== undefined) {
      out(`Retrieving advertisement object for advertisement ${o.advertisement}.`);
      const adv = get(site, objectPath('SMS_Advertisement', { AdvertisementID: o.advertisement }), `advertisement ${o.advertisement}`);
      const old = Number(adv.get('RemoteClientFlags')) >>> 0;
      const advPkg = text(adv.get('PackageID'));
      const advProg = text(adv.get('ProgramName'));
      if (pkg !== undefined && prog !== undefined && siteKey(pkg, prog) !== siteKey(advPkg, advProg)) {
        throw new ZtiError(ExitCode.USAGE, `zticache util: advertisement ${o.advertisement} runs program ${advProg} of package ${advPkg}, not ${prog} of ${pkg}; give that program's /package and /program, or leave them out`);
      }
      const now = withDownloadAndExecute(old, o.enable!);
      const verb = o.enable ? 'download and execute on' : 'download and execute off';
      if (now !== old) {
        adv.set('RemoteClientFlags', now);
        advertChange = { obj: adv, what: `advertisement ${o.advertisement}`, said: `${verb} for advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)} -> ${describeFlags(now)}` };
      } else {
        out(`Download and execute is already ${o.enable ? 'enabled' : 'disabled'} on advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)}.`);
      }
      // enabling an advertisement points its program at zticache.exe; disabling leaves the
      // program as it is (zticache.exe also runs from the distribution point)
      if (o.enable && pkg === undefined) {
        pkg = advPkg;
        prog = advProg;
      }
    }
    if (pkg !== undefined && prog !== undefined) {
      out(`Retrieving program object for package ${pkg} and program ${prog}.`);
      const program = get(site, objectPath('SMS_Program', { PackageID: pkg, ProgramName: prog }), `program ${prog} of package ${pkg}`);
      const pack = get(site, objectPath('SMS_Package', { PackageID: pkg }), `package ${pkg}`);
      pkgSource = text(pack.get('PkgSourcePath'));
      const old = text(program.get('CommandLine'));
      const imageFlags = read(pack, 'ImageFlags');
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
        program.set('CommandLine', want);
        programChange = { obj: program, what: `program ${prog} of package ${pkg}`, said: `the command line of package ${pkg} program ${prog}: "${old}" -> "${want}"` };
      } else {
        out(`Package ${pkg} program ${prog} already runs ${parseCommandLine(old).runs === 'osdlaunch' ? 'osdlaunch.exe' : 'zticache.exe'}: "${old}".`);
      }
    }
  } catch (err) {
    if (err instanceof ZtiError && err.exitCode !== ExitCode.USAGE && !/nothing was changed/.test(err.message)) {
      throw new ZtiError(err.exitCode, `${err.message}; nothing was changed`, { cause: err.cause });
    }
    throw err;
  }

  // ---- write, in the order that keeps the site consistent at every step
  const order = o.enable ? [programChange, advertChange] : [advertChange, programChange];
  for (const c of order) if (c) changes.push(c);
  if (o.whatIf) {
    for (const c of changes) out(`Would have set ${c.said}.`);
  } else {
    const written: Change[] = [];
    for (const c of changes) {
      try {
        c.obj.put();
      } catch (err) {
        throw refused(c, err, written, { o, pkg, prog, server });
      }
      written.push(c);
      out(`Set ${c.said}.`);
    }
  }

  if (o.enable) { // enabling always names a program: the advertisement's, or /package /program
    out('Be sure to include zticache.exe in the OS package by including it as a');
    out('required file on at least one custom action.');
    await checkSource(pkgSource ?? '', o.server, ctx);
  }
  try {
    report(site, out);
  } catch (err) {
    if (err instanceof ZtiError && changes.length && !o.whatIf) throw new ZtiError(err.exitCode, `${err.message} (after the change above was written)`, { cause: err.cause });
    throw err;
  }
}

/** A property that may not exist on this site (ImageFlags on current ConfigMgr): undefined then. */
function read(obj: SmsObject, prop: string): unknown {
  try {
    return obj.get(prop);
  } catch (err) {
    if (err instanceof ComError) return undefined;
    throw err;
  }
}

function get(site: SmsSite, path: string, what: string): SmsObject {
  return step(`retrieving ${what}`, () => site.get(path));
}

/** The refused write, what was written before it, and the command that undoes that. */
function refused(c: Change, err: unknown, written: readonly Change[], ctx: { o: UtilOptions; pkg?: string; prog?: string; server: string }): ZtiError {
  const why = err instanceof ComError ? err.message : String(err);
  let tail = 'nothing was changed';
  if (written.length) {
    const { o, pkg, prog, server } = ctx;
    // enabling wrote the program (its advertisement refused); disabling wrote the advertisement
    const undo = o.enable
      ? `zticache util ${server}/package:${arg(pkg!)} /program:${arg(prog!)} /enable:false`
      : `zticache util ${server}/advertisement:${arg(o.advertisement!)} /enable:true`;
    const state = o.enable
      ? 'the program runs zticache.exe and the advertisement still runs from the distribution point, which works (zticache.exe copies the package from there)'
      : 'the advertisement runs from the distribution point again and the program still runs zticache.exe, which works (it copies the package from there)';
    tail = `written before it: ${written.map((w) => w.said).join('; ')}. The site is consistent: ${state}. Run it again to finish, or undo what was written with: ${undo}`;
  }
  return new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: writing ${c.what} back (Put_) was refused: ${why}; ${tail}`, { cause: err });
}

/** The package-source check: yes, no, or cannot tell and why. */
async function checkSource(source: string, server: string | undefined, ctx: UtilContext): Promise<void> {
  const where = stagerFolder(source, server);
  const answer = 'cannotTell' in where ? where.cannotTell : ctx.findStager ? await ctx.findStager(where.folder) : 'this computer cannot look';
  const looked = 'folder' in where && where.folder !== source ? ` (looked in ${where.folder})` : '';
  if (answer === true) ctx.out(`zticache.exe is in the package source ${source}${looked}.`);
  else if (answer === false) ctx.out(`Warning: zticache.exe is NOT in the package source ${source}${looked}: add it, then update the distribution points.`);
  else ctx.out(`Cannot tell whether zticache.exe is in the package source ${source || '(none)'}: ${answer}.`);
}
