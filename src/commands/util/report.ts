// The report of ZTICacheUtil.vbs: every OS package, its programs and their advertisements, "cache
// enabled", "download enabled", and the warning where download is on but the program does not
// stage. Linear: one query per class, each property of each object read once into a record, then
// joined through maps keyed as the site database compares IDs and names: without case, and
// without trailing blanks (SQL Server pads the shorter string with blanks before comparing, so an
// advertisement whose ProgramName is "Install XP " runs the program "Install XP"). The script
// (and the first port) read PackageID through COM once per pair: 4,000 packages took minutes.
// Objects the site is deleting (ActionInProgress 3: the SDK says to filter them out) are left out
// and counted, never reported as live or warned about.

import { ComError, type Variant } from '../../core/automation.js';
import { describeFlags, downloadEnabled } from './flags.js';
import { parseCommandLine } from './command-line.js';
import type { SmsObject, SmsSite } from './site.js';
import { failure, step } from './steps.js';
import { collectionFacts } from './collection-facts.js';
import { siteKey } from './site-key.js';
import { objectPath } from './object-path.js';
import { parseMof } from './mof.js';
import { advertTimes, checkSchedule, type ScheduleCheck, type WorkHours } from './schedule.js';

/** what the schedule check of each download-and-execute advertisement is measured against */
export interface Planning {
  scratchMb: number;
  bandwidthMbps?: number;
  workHours: WorkHours;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
export { siteKey } from './site-key.js';

/** ActionInProgress: the site is deleting the object */
const DELETING = 3;
/** ActionInProgress, where the site has it (a property it lacks reads as none) */
function action(o: SmsObject): number {
  let v: Variant;
  try {
    v = o.get('ActionInProgress');
  } catch (err) {
    if (err instanceof ComError) return 0;
    throw err;
  }
  return Number(v ?? 0);
}

/** a program that stages: zticache.exe, or the original's ZTICache.vbs */
export const stages = (commandLine: string): boolean => {
  const runs = parseCommandLine(commandLine).runs;
  return runs === 'zticache' || runs === 'zticache-vbs';
};
const isOsdProgram = (commandLine: string) => parseCommandLine(commandLine).runs !== 'other';

interface ProgramRow { packageId: string; name: string; commandLine: string; deleting: boolean }
interface AdvertRow { id: string; packageId: string; program: string; flags: number; collectionId: string; deleting: boolean }
interface PackageRow { id: string; name: string; sizeKb: number; deleting: boolean }

/** a property a site may lack (PackageSize, CollectionID on a very old site): none */
function maybe(o: SmsObject, prop: string): Variant {
  try {
    return o.get(prop);
  } catch (err) {
    if (err instanceof ComError) return undefined;
    throw err;
  }
}

export function report(site: SmsSite, out: (line: string) => void, planning?: Planning): void {
  const allPrograms = step('querying SMS_Program', () => site.query('select * from SMS_Program').map((p): ProgramRow => ({
    packageId: text(p.get('PackageID')), name: text(p.get('ProgramName')), commandLine: text(p.get('CommandLine')), deleting: action(p) === DELETING,
  })));
  const allAdverts = step('querying SMS_Advertisement', () => site.query('select * from SMS_Advertisement').map((a): AdvertRow => ({
    id: text(a.get('AdvertisementID')), packageId: text(a.get('PackageID')), program: text(a.get('ProgramName')), flags: Number(a.get('RemoteClientFlags')) >>> 0, collectionId: text(maybe(a, 'CollectionID')), deleting: action(a) === DELETING,
  })));
  const programs = allPrograms.filter((p) => !p.deleting);
  const adverts = allAdverts.filter((a) => !a.deleting);
  const row = (p: SmsObject): PackageRow => ({ id: text(p.get('PackageID')), name: text(p.get('Name')), sizeKb: Number(maybe(p, 'PackageSize') ?? 0), deleting: action(p) === DELETING });
  let allPackages: PackageRow[];
  let how: string;
  try {
    allPackages = site.query('select * from SMS_Package where ImageFlags = 1').map(row);
    how = 'OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD).';
  } catch (err) {
    // current ConfigMgr has no ImageFlags: the query is invalid there
    if (!(err instanceof ComError) || (err.hresult >>> 0) !== 0x80041017) throw failure('querying SMS_Package', err);
    const osd = new Set(programs.filter((p) => isOsdProgram(p.commandLine)).map((p) => siteKey(p.packageId)));
    allPackages = step('querying SMS_Package', () => site.query('select * from SMS_Package').map(row)).filter((p) => osd.has(siteKey(p.id)));
    how = 'OS packages: packages whose programs run osdlaunch.exe or zticache.exe (this site has no ImageFlags).';
  }
  const packages = allPackages.filter((p) => !p.deleting);
  out(how);
  // counted only where the report would have shown them: programs of the OS packages it shows,
  // advertisements of those programs (a site deleting a hundred Office advertisements is not news here)
  const shown = new Set(packages.map((p) => siteKey(p.id)));
  const shownPrograms = new Set(programs.filter((p) => shown.has(siteKey(p.packageId))).map((p) => siteKey(p.packageId, p.name)));
  const gone = [
    count(allPackages.length - packages.length, 'package'),
    count(allPrograms.filter((p) => p.deleting && shown.has(siteKey(p.packageId))).length, 'program'),
    count(allAdverts.filter((a) => a.deleting && shownPrograms.has(siteKey(a.packageId, a.program))).length, 'advertisement'),
  ].filter(Boolean);
  if (gone.length) out(`Left out, being deleted by the site (ActionInProgress ${DELETING}): ${gone.join(', ')}.`);
  const programsOf = group(programs, (p) => siteKey(p.packageId));
  const advertsOf = group(adverts, (a) => siteKey(a.packageId, a.program));
  const schedules = planning ? scheduleChecks(site, packages, programsOf, advertsOf, planning) : new Map<string, ScheduleCheck>();
  for (const p of packages) {
    const id = p.id;
    out(' ');
    out(`OS Package ID:             ${id}`);
    out(`OS Package Name:           ${p.name}`);
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
  // after the script's report, as it printed it: the schedule check of each download-and-execute advertisement
  for (const sc of schedules.values()) {
    out(' ');
    out(`Schedule check of advertisement ${sc.advertisementId} (download and execute):`);
    for (const l of sc.lines) out(`  ${l}`);
    for (const w of sc.warnings) out(`  Warning: ${w.text}`);
  }
}

/**
 * The schedule check of every download-and-execute advertisement of an OS program: each got by
 * its path (AssignedSchedule is lazy), its collection counted in one query and got by its path
 * (CollectionRules is lazy). One advertisement that cannot be read is said, the rest go on.
 */
function scheduleChecks(site: SmsSite, packages: readonly PackageRow[], programsOf: Map<string, ProgramRow[]>, advertsOf: Map<string, AdvertRow[]>, planning: Planning): Map<string, ScheduleCheck> {
  const due: Array<{ a: AdvertRow; p: PackageRow }> = [];
  for (const p of packages) {
    for (const prog of programsOf.get(siteKey(p.id)) ?? []) {
      for (const a of advertsOf.get(siteKey(p.id, prog.name)) ?? []) if (downloadEnabled(a.flags)) due.push({ a, p });
    }
  }
  const checks = new Map<string, ScheduleCheck>();
  if (!due.length) return checks;
  const facts = collectionFacts(site, due.map((d) => d.a.collectionId));
  for (const { a, p } of due) {
    const f = facts.get(siteKey(a.collectionId));
    let times;
    try {
      times = advertTimes(parseMof(site.get(objectPath('SMS_Advertisement', { AdvertisementID: a.id })).text()));
    } catch (err) {
      if (!(err instanceof ComError) && !(err instanceof Error && err.message.startsWith('MOF text'))) throw err;
      checks.set(siteKey(a.id), { advertisementId: a.id, lines: [`Schedule:          cannot be read (${err.message})`], warnings: [] });
      continue;
    }
    checks.set(siteKey(a.id), checkSchedule({
      advertisementId: a.id, times, packageKb: p.sizeKb, members: f?.members,
      collection: f ? { id: f.id, name: f.name, limit: f.limit } : undefined,
      neededMb: Math.ceil(p.sizeKb / 1024) + planning.scratchMb, bandwidthMbps: planning.bandwidthMbps, workHours: planning.workHours,
    }));
  }
  return checks;
}

const count = (n: number, what: string) => (n ? `${n} ${what}${n === 1 ? '' : 's'}` : '');

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
