// The report of ZTICacheUtil.vbs: every OS package, its programs and their advertisements, "cache
// enabled", "download enabled", and the warning where download is on but the program does not
// stage. Linear: one query per class, each property of each object read once into a record, then
// joined through maps keyed as the site database compares IDs and names: without case, and
// without trailing blanks (SQL Server pads the shorter string with blanks before comparing, so an
// advertisement whose ProgramName is "Install XP " runs the program "Install XP"). The script
// (and the first port) read PackageID through COM once per pair: 4,000 packages took minutes.
// Objects the site is deleting (ActionInProgress 3: the SDK says to filter them out) are left out
// and counted where the report would have shown them, never reported as live or warned about.
// Read once into a Report (readReport), then printed as the script's table (reportLines) or, with
// /json, as one JSON document holding the same rows (reportJson), for a script to read.

import { ComError, type Variant } from '../../core/automation.js';
import { describeFlags, downloadEnabled } from './flags.js';
import { parseCommandLine } from './command-line.js';
import { jsonHeader, type SmsObject, type SmsSite } from './site.js';
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
const isOsdProgram = (commandLine: string) => !['other', 'zticache-command'].includes(parseCommandLine(commandLine).runs);

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

/** One advertisement of an OS program, as the report shows it. */
export interface ReportAdvert {
  id: string;
  flags: number;
  /** "24 (0x18: RUN_FROM_LOCAL_DISPPOINT, DOWNLOAD_FROM_LOCAL_DISPPOINT)" */
  flagsText: string;
  downloadEnabled: boolean;
  /** where download is on but the program does not stage: the script's warning, in one line */
  warning?: string;
}

export interface ReportProgram {
  name: string;
  commandLine: string;
  cacheEnabled: boolean;
  advertisements: ReportAdvert[];
}

export interface ReportPackage {
  id: string;
  name: string;
  programs: ReportProgram[];
}

/** The report as data: what the table prints (reportLines) and --json gives (reportJson). */
export interface Report {
  /** how the OS packages were found: "OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD)." */
  how: string;
  /** objects the report would have shown that the site is deleting (ActionInProgress 3) */
  leftOut: { packages: number; programs: number; advertisements: number };
  packages: ReportPackage[];
  /** the schedule check of each download-and-execute advertisement */
  schedules: ScheduleCheck[];
}

/** The script's warning (three lines in the table), in one sentence. */
const warningText = (pkg: string, prog: string, advert: string) => [
  `zticache.exe must be enabled on ${pkg} and ${prog}`,
  `in order for download and execute to be successful for advertisement ${advert}.`,
];

export function readReport(site: SmsSite, planning?: Planning): Report {
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
  // counted only where the report would have shown them: programs of the OS packages it shows,
  // advertisements of those programs (a site deleting a hundred Office advertisements is not news here)
  const shown = new Set(packages.map((p) => siteKey(p.id)));
  const shownPrograms = new Set(programs.filter((p) => shown.has(siteKey(p.packageId))).map((p) => siteKey(p.packageId, p.name)));
  const leftOut = {
    packages: allPackages.length - packages.length,
    programs: allPrograms.filter((p) => p.deleting && shown.has(siteKey(p.packageId))).length,
    advertisements: allAdverts.filter((a) => a.deleting && shownPrograms.has(siteKey(a.packageId, a.program))).length,
  };
  const programsOf = group(programs, (p) => siteKey(p.packageId));
  const advertsOf = group(adverts, (a) => siteKey(a.packageId, a.program));
  const schedules = planning ? scheduleChecks(site, packages, programsOf, advertsOf, planning) : new Map<string, ScheduleCheck>();
  return {
    how,
    leftOut,
    packages: packages.map((p) => ({
      id: p.id,
      name: p.name,
      programs: (programsOf.get(siteKey(p.id)) ?? []).map((prog) => {
        const cacheEnabled = stages(prog.commandLine);
        return {
          name: prog.name,
          commandLine: prog.commandLine,
          cacheEnabled,
          advertisements: (advertsOf.get(siteKey(p.id, prog.name)) ?? []).map((a): ReportAdvert => {
            const download = downloadEnabled(a.flags);
            const ad: ReportAdvert = { id: a.id, flags: a.flags, flagsText: describeFlags(a.flags), downloadEnabled: download };
            if (download && !cacheEnabled) ad.warning = warningText(p.id, prog.name, a.id).join(' ');
            return ad;
          }),
        };
      }),
    })),
    schedules: [...schedules.values()],
  };
}

/** The report as the script printed it (the table), then the schedule checks. */
export function reportLines(r: Report): string[] {
  const lines: string[] = [r.how];
  const gone = [count(r.leftOut.packages, 'package'), count(r.leftOut.programs, 'program'), count(r.leftOut.advertisements, 'advertisement')].filter(Boolean);
  if (gone.length) lines.push(`Left out, being deleted by the site (ActionInProgress ${DELETING}): ${gone.join(', ')}.`);
  for (const p of r.packages) {
    lines.push(' ', `OS Package ID:             ${p.id}`, `OS Package Name:           ${p.name}`);
    for (const prog of p.programs) {
      lines.push(` OS Program Name:          ${prog.name}`, ` OS Program command line:  ${prog.commandLine}`, ` OS Program cache enabled: ${prog.cacheEnabled ? 'True' : 'False'}`);
      for (const a of prog.advertisements) {
        lines.push(`  OS Advertisement ID:     ${a.id}`, `  OS Advertisement flags:  ${a.flagsText}`, `  Download enabled:        ${a.downloadEnabled ? 'True' : 'False'}`);
        if (a.warning !== undefined) {
          const [first, second] = warningText(p.id, prog.name, a.id);
          lines.push(' ', `Warning: ${first}`, second!, ' ');
        }
      }
    }
  }
  // after the script's report, as it printed it: the schedule check of each download-and-execute advertisement
  for (const sc of r.schedules) {
    lines.push(' ', `Schedule check of advertisement ${sc.advertisementId} (download and execute):`);
    for (const l of sc.lines) lines.push(`  ${l}`);
    for (const w of sc.warnings) lines.push(`  Warning: ${w.text}`);
  }
  return lines;
}

/** The report as one JSON document (--json): every row of the table, each schedule check with its figures, lines and warnings. */
export const reportJson = (r: Report, site: Pick<SmsSite, 'provider' | 'siteCode'>): string => JSON.stringify({ ...jsonHeader(site, 'util'), ...r }, null, 2);

export function report(site: SmsSite, out: (line: string) => void, planning?: Planning, format: 'text' | 'json' = 'text'): void {
  const r = readReport(site, planning);
  if (format === 'json') out(reportJson(r, site));
  else for (const l of reportLines(r)) out(l);
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
