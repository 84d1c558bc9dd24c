// The report of ZTICacheUtil.vbs: every OS package, its programs and their advertisements, "cache
// enabled", "download enabled", and the warning where download is on but the program does not
// stage. Linear: one query per class, each property of each object read once into a record, then
// joined through maps keyed as the provider compares IDs and names (without case). The script
// (and the first port) read PackageID through COM once per pair: 4,000 packages took minutes.

import { ComError } from '../../core/automation.js';
import { describeFlags, downloadEnabled } from './flags.js';
import { parseCommandLine } from './command-line.js';
import type { SmsObject, SmsSite } from './site.js';
import { failure, step } from './steps.js';

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** how the provider compares IDs and names */
export const siteKey = (...parts: string[]) => parts.map((s) => s.toUpperCase()).join('\u0000');

/** a program that stages: zticache.exe, or the original's ZTICache.vbs */
export const stages = (commandLine: string): boolean => {
  const runs = parseCommandLine(commandLine).runs;
  return runs === 'zticache' || runs === 'zticache-vbs';
};
const isOsdProgram = (commandLine: string) => parseCommandLine(commandLine).runs !== 'other';

interface ProgramRow { packageId: string; name: string; commandLine: string }
interface AdvertRow { id: string; packageId: string; program: string; flags: number }

export function report(site: SmsSite, out: (line: string) => void): void {
  const programs = step('querying SMS_Program', () => site.query('select * from SMS_Program')).map((p): ProgramRow => ({
    packageId: text(p.get('PackageID')), name: text(p.get('ProgramName')), commandLine: text(p.get('CommandLine')),
  }));
  const adverts = step('querying SMS_Advertisement', () => site.query('select * from SMS_Advertisement')).map((a): AdvertRow => ({
    id: text(a.get('AdvertisementID')), packageId: text(a.get('PackageID')), program: text(a.get('ProgramName')), flags: Number(a.get('RemoteClientFlags')) >>> 0,
  }));
  let packages: SmsObject[];
  try {
    packages = site.query('select * from SMS_Package where ImageFlags = 1');
    out('OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD).');
  } catch (err) {
    // current ConfigMgr has no ImageFlags: the query is invalid there
    if (!(err instanceof ComError) || (err.hresult >>> 0) !== 0x80041017) throw failure('querying SMS_Package', err);
    const osd = new Set(programs.filter((p) => isOsdProgram(p.commandLine)).map((p) => siteKey(p.packageId)));
    packages = step('querying SMS_Package', () => site.query('select * from SMS_Package')).filter((p) => osd.has(siteKey(text(p.get('PackageID')))));
    out('OS packages: packages whose programs run osdlaunch.exe or zticache.exe (this site has no ImageFlags).');
  }
  const programsOf = group(programs, (p) => siteKey(p.packageId));
  const advertsOf = group(adverts, (a) => siteKey(a.packageId, a.program));
  for (const p of packages) {
    const id = text(p.get('PackageID'));
    out(' ');
    out(`OS Package ID:             ${id}`);
    out(`OS Package Name:           ${text(p.get('Name'))}`);
    for (const prog of programsOf.get(siteKey(id)) ?? []) {
      const enabled = stages(prog.commandLine);
      out(` OS Program Name:          ${prog.name}`);
      out(` OS Program command line:  ${prog.commandLine}`);
      out(` OS Program cache enabled: ${enabled ? 'True' : 'False'}`);
      for (const a of advertsOf.get(siteKey(id, prog.name)) ?? []) {
        const download = downloadEnabled(a.flags);
        out(`  OS Advertisement ID:     ${a.id}`);
        out(`  OS Advertisement flags:  ${describeFlags(a.flags)}`);
        out(`  Download enabled:        ${download ? 'True' : 'False'}`);
        if (download && !enabled) {
          out(' ');
          out(`Warning: zticache.exe must be enabled on ${id} and ${prog.name}`);
          out(`in order for download and execute to be successful for advertisement ${a.id}.`);
          out(' ');
        }
      }
    }
  }
}

function group<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
