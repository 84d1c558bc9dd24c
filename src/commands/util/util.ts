// zticache util: ZTICacheUtil.vbs without VBScript. Turns download-and-execute on or off for an
// advertisement (two bits of RemoteClientFlags, every other kept: flags.ts), points the OS program
// at zticache.exe (or back at osdlaunch.exe), then reports every OS package, program and
// advertisement, with the script's warning where download is on but the program does not stage.
// Unlike the script: one query per class joined in memory (not a query per package and program,
// which crawls over DCOM on a large site), current ConfigMgr's missing ImageFlags handled, the old
// and new values printed, and --what-if reads and prints what would change, writing nothing.

import { ComError } from '../../automation.js';
import { ExitCode } from '../../exit-codes.js';
import { ZtiError } from '../../errors.js';
import { describeFlags, downloadEnabled, withDownloadAndExecute } from './flags.js';
import type { SmsObject, SmsSite } from './site.js';

export const ENABLED_COMMAND_LINE = 'zticache.exe';
export const DISABLED_COMMAND_LINE = 'osdlaunch.exe';

export interface UtilOptions {
  server?: string;
  package?: string;
  program?: string;
  advertisement?: string;
  enable?: boolean;
  whatIf: boolean;
}

export interface UtilContext {
  connect(server: string | undefined): SmsSite;
  out(line: string): void;
  /** whether zticache.exe is in a package's source folder (PkgSourcePath), when that can be reached */
  hasStager?(pkgSourcePath: string): boolean | undefined;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const quote = (v: string) => v.replace(/'/g, "\\'");
/** a program that stages: zticache.exe, or the original's ZTICache.vbs */
export const stages = (commandLine: string) => /zticache\.(exe|vbs)/i.test(commandLine);

export function utilUsage(): string[] {
  return [
    'Usage: zticache util [/server:NAME] [/package:ID] [/program:NAME] [/advertisement:ID] [/enable:true|false] [/what-if]',
    '  /server:         SMS provider server (default: this server)',
    '  /package:        OS package ID',
    '  /program:        OS program name',
    '  /advertisement:  OS advertisement ID',
    '  /enable:         true or yes: download and execute, program runs zticache.exe; false or no: back to osdlaunch.exe',
    'Examples:',
    '  zticache util /advertisement:XXX20001 /enable:true',
    '  zticache util /package:XXX00001 /program:"Install XP" /enable:false',
  ];
}

export function runUtil(o: UtilOptions, ctx: UtilContext): void {
  const { out } = ctx;
  const changing = o.advertisement !== undefined || (o.package !== undefined && o.program !== undefined);
  if (changing && o.enable === undefined) throw new ZtiError(ExitCode.USAGE, 'zticache util: /enable:true or /enable:false is needed to change an advertisement or a program');
  if ((o.package === undefined) !== (o.program === undefined) && o.advertisement === undefined) {
    throw new ZtiError(ExitCode.USAGE, 'zticache util: /package and /program go together');
  }
  const site = step(`connecting to the SMS provider on ${o.server ?? 'this server'}`, () => ctx.connect(o.server));
  out(`Connecting to SMS provider server ${site.provider} and site ${site.siteCode}.`);
  const would = o.whatIf ? 'Would have ' : '';
  let pkg = o.package;
  let prog = o.program;

  if (o.advertisement !== undefined) {
    out(`Retrieving advertisement object for advertisement ${o.advertisement}.`);
    const adv = get(site, `SMS_Advertisement.AdvertisementID='${quote(o.advertisement)}'`, `advertisement ${o.advertisement}`);
    const old = Number(adv.get('RemoteClientFlags')) >>> 0;
    const now = withDownloadAndExecute(old, o.enable!);
    const verb = o.enable ? 'enabled' : 'disabled';
    if (now !== old) {
      if (!o.whatIf) {
        adv.set('RemoteClientFlags', now);
        put(adv, `advertisement ${o.advertisement}`);
      }
      out(`${o.whatIf ? `${would}${verb}` : verb[0]!.toUpperCase() + verb.slice(1)} download and execute on advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)} -> ${describeFlags(now)}.`);
    } else {
      out(`Download and execute is already ${verb} on advertisement ${o.advertisement}: RemoteClientFlags ${describeFlags(old)}.`);
    }
    if (o.enable && pkg === undefined && prog === undefined) {
      pkg = text(adv.get('PackageID'));
      prog = text(adv.get('ProgramName'));
    }
  }

  if (pkg !== undefined && prog !== undefined) {
    out(`Retrieving program object for package ${pkg} and program ${prog}.`);
    const program = get(site, `SMS_Program.PackageID='${quote(pkg)}',ProgramName='${quote(prog)}'`, `program ${prog} of package ${pkg}`);
    const old = text(program.get('CommandLine'));
    const want = o.enable ? ENABLED_COMMAND_LINE : DISABLED_COMMAND_LINE;
    if (old.toLowerCase() !== want) {
      if (!o.whatIf) {
        program.set('CommandLine', want);
        put(program, `program ${prog} of package ${pkg}`);
      }
      out(`${would}${o.whatIf ? 'set' : 'Set'} the command line of package ${pkg} program ${prog}: "${old}" -> "${want}".`);
    } else {
      out(`Package ${pkg} program ${prog} already runs ${want}.`);
    }
    if (o.enable) {
      out('Be sure to include zticache.exe in the OS package by including it as a');
      out('required file on at least one custom action.');
      const source = text(get(site, `SMS_Package.PackageID='${quote(pkg)}'`, `package ${pkg}`).get('PkgSourcePath'));
      const there = source ? ctx.hasStager?.(source) : undefined;
      if (there === true) out(`zticache.exe is in the package source ${source}.`);
      else if (there === false) out(`Warning: zticache.exe is NOT in the package source ${source}: add it, then update the distribution points.`);
    }
  }
  report(site, out);
}

/** The report of the original, from one query per class joined in memory. */
function report(site: SmsSite, out: (line: string) => void): void {
  const programs = step('querying SMS_Program', () => site.query('select * from SMS_Program'));
  const adverts = step('querying SMS_Advertisement', () => site.query('select * from SMS_Advertisement'));
  let packages: SmsObject[];
  try {
    packages = site.query('select * from SMS_Package where ImageFlags = 1');
    out('OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD).');
  } catch (err) {
    // current ConfigMgr has no ImageFlags: the query is invalid there
    if (!(err instanceof ComError) || (err.hresult >>> 0) !== 0x80041017) throw failure('querying SMS_Package', err);
    const osd = new Set(programs.filter((p) => /osdlaunch\.exe|zticache\.(exe|vbs)/i.test(text(p.get('CommandLine')))).map((p) => text(p.get('PackageID'))));
    packages = step('querying SMS_Package', () => site.query('select * from SMS_Package')).filter((p) => osd.has(text(p.get('PackageID'))));
    out('OS packages: packages whose programs run osdlaunch.exe or zticache.exe (this site has no ImageFlags).');
  }
  for (const p of packages) {
    const id = text(p.get('PackageID'));
    out(' ');
    out(`OS Package ID:             ${id}`);
    out(`OS Package Name:           ${text(p.get('Name'))}`);
    for (const prog of programs.filter((x) => text(x.get('PackageID')) === id)) {
      const name = text(prog.get('ProgramName'));
      const cmd = text(prog.get('CommandLine'));
      const enabled = stages(cmd);
      out(` OS Program Name:          ${name}`);
      out(` OS Program command line:  ${cmd}`);
      out(` OS Program cache enabled: ${enabled ? 'True' : 'False'}`);
      for (const a of adverts.filter((x) => text(x.get('PackageID')) === id && text(x.get('ProgramName')) === name)) {
        const flags = Number(a.get('RemoteClientFlags')) >>> 0;
        const download = downloadEnabled(flags);
        out(`  OS Advertisement ID:     ${text(a.get('AdvertisementID'))}`);
        out(`  OS Advertisement flags:  ${describeFlags(flags)}`);
        out(`  Download enabled:        ${download ? 'True' : 'False'}`);
        if (download && !enabled) {
          out(' ');
          out(`Warning: zticache.exe must be enabled on ${id} and ${name}`);
          out(`in order for download and execute to be successful for advertisement ${text(a.get('AdvertisementID'))}.`);
          out(' ');
        }
      }
    }
  }
}

function get(site: SmsSite, path: string, what: string): SmsObject {
  return step(`retrieving ${what}`, () => site.get(path));
}

function put(o: SmsObject, what: string): void {
  try {
    o.put();
  } catch (err) {
    throw new ZtiError(ExitCode.SMS_CHANGE_REFUSED, `zticache util: writing ${what} back (Put_) was refused: ${err instanceof ComError ? err.message : String(err)}`, { cause: err });
  }
}

function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw failure(what, err);
  }
}

/** A COM failure as the one-line error of its kind: provider out of reach, object missing, or anything else. */
function failure(what: string, err: unknown): ZtiError {
  if (err instanceof ZtiError) return err;
  const hr = err instanceof ComError ? err.hresult >>> 0 : undefined;
  const why = err instanceof ComError ? err.message : String(err);
  const code = hr === 0x80041002 && what.startsWith('retrieving') ? ExitCode.SMS_OBJECT_NOT_FOUND : ExitCode.SMS_PROVIDER_UNAVAILABLE;
  return new ZtiError(code, `zticache util: ${what}: ${why}`, { cause: err });
}
