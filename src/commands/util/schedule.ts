// The schedule check: whether an advertisement with download and execute on gives its collection
// time to cache the package, the document's "sufficient advanced planning". Every client starts
// downloading when the start time (PresentTime) passes and must hold the package at the mandatory
// time (the first StartTime of AssignedSchedule), so the window between them must carry the
// package to every member: bytes to move = package size x members, and the average rate the
// window needs. Warned of: a start inside working hours (the document: "in the middle of the work
// day" overloads the network and the servers), no mandatory time (clients never download ahead),
// a mandatory time before the start or so close that a client cannot even learn of the
// advertisement (the Advanced Client polls policy every 60 minutes by default) or, with a
// bandwidth, carry the bytes in it, a collection whose rules do not limit free space, and a
// client cache smaller than the package. Pure: the times, sizes and counts come in, lines and
// warnings go out; readAdvertTimes() reads them, with a Get by path, since AssignedSchedule is a
// lazy property that a query leaves empty.

import { mofProp, parseMof, type MofInstance } from './mof.js';
import { parseWmiTime, showSpan, showTime, spanMs, wallClock, type WmiTime } from './wmi-time.js';
import type { SmsObject } from './site.js';

/** the Advanced Client's default policy polling interval: a client learns of an advertisement up to this long after its start */
export const POLICY_POLLING_MS = 60 * 60_000;
/** the SMS 2003 Advanced Client's default cache, in MB (the document: "typically between 256 MB and 512 MB") */
export const DEFAULT_CLIENT_CACHE_MB = 250;
export const DEFAULT_WORK_HOURS: WorkHours = { from: 8, to: 18 };

export interface WorkHours {
  /** first hour of work, 0-23 */
  from: number;
  /** hour work ends, 1-24 (exclusive) */
  to: number;
}

export interface AdvertTimes {
  start?: WmiTime;
  /** the first mandatory time; undefined when the advertisement has none */
  mandatory?: WmiTime;
  /** the assignment exists but is switched off */
  mandatoryDisabled?: boolean;
}

/** What the collection's membership rules say of free space. */
/** none: not limited; why, when rules exist but do not limit it (a direct rule, a rule without free space, NOT or OR) */
export type FreeSpaceLimit = { kind: 'limited'; mb: number } | { kind: 'none'; why?: string } | { kind: 'unknown'; why: string };

export interface ScheduleInput {
  advertisementId: string;
  times: AdvertTimes;
  /** SMS_Package.PackageSize in KB (0 or undefined: not known) */
  packageKb?: number;
  members?: number;
  collection?: { id: string; name?: string; limit: FreeSpaceLimit };
  /** the free space the collection must require: package + scratch, in MB */
  neededMb?: number;
  bandwidthMbps?: number;
  workHours: WorkHours;
  /** clients whose check said their cache is too small (from /readiness), if known */
  cacheTooSmall?: number;
}

export type WarningKind = 'start-in-work-hours' | 'not-mandatory' | 'mandatory-before-start' | 'window-too-short' | 'collection-not-limited' | 'cache-smaller';

export interface ScheduleCheck {
  advertisementId: string;
  /** the instant, ISO 8601 UTC; for a client-local time, read in this computer's zone (see startClientLocal) */
  start?: string;
  /** true: the start is each client's local time, its wall clock in startWallClock (start is this computer's reading of it) */
  startClientLocal?: boolean;
  startWallClock?: string;
  mandatory?: string;
  /** true: the mandatory time is each client's local time, its wall clock in mandatoryWallClock */
  mandatoryClientLocal?: boolean;
  mandatoryWallClock?: string;
  windowMs?: number;
  packageBytes?: number;
  members?: number;
  bytesToMove?: number;
  /** the average rate the window needs, in Mbit/s */
  neededMbps?: number;
  fits?: boolean;
  lines: string[];
  warnings: Array<{ kind: WarningKind; text: string }>;
}

const KB = 1024;
const MBYTES = 1024 * 1024;

/** "1.5 GB", "700 MB", "12.3 TB": binary units, one decimal where it helps. */
export function showBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u && v < 100 ? Number(v.toFixed(1)) : Math.round(v)} ${units[u]}`;
}

/** Whether a local time falls in working hours, Monday to Friday. */
export function inWorkHours(at: Date, hours: WorkHours): boolean {
  const day = at.getDay();
  const h = at.getHours() + at.getMinutes() / 60;
  return day >= 1 && day <= 5 && h >= hours.from && h < hours.to;
}

export function checkSchedule(x: ScheduleInput): ScheduleCheck {
  const c: ScheduleCheck = { advertisementId: x.advertisementId, lines: [], warnings: [] };
  const warn = (kind: WarningKind, text: string) => c.warnings.push({ kind, text });
  const { start, mandatory } = x.times;
  c.lines.push(`Start time:        ${start ? showTime(start) : 'none'}`);
  if (start) Object.assign(c, { start: start.at.toISOString(), startClientLocal: start.clientLocal, startWallClock: wallClock(start) });
  if (start && inWorkHours(start.at, x.workHours)) {
    warn('start-in-work-hours', `the start time ${showTime(start)} is inside working hours (Monday to Friday ${x.workHours.from}:00-${x.workHours.to}:00): every client starts downloading then, and the network and the SMS servers take the load in the work day; start in the evening or at a weekend (the document: Friday at midnight)`);
  }
  if (!mandatory) {
    c.lines.push(`Mandatory time:    ${x.times.mandatoryDisabled ? 'switched off' : 'none'}`);
    warn('not-mandatory', `advertisement ${x.advertisementId} has no mandatory time${x.times.mandatoryDisabled ? ' (its assignment is switched off)' : ''}: clients download a package for download and execute only for a mandatory time, so none caches it ahead; add a mandatory assignment after the start time`);
  } else {
    Object.assign(c, { mandatory: mandatory.at.toISOString(), mandatoryClientLocal: mandatory.clientLocal, mandatoryWallClock: wallClock(mandatory) });
    c.lines.push(`Mandatory time:    ${showTime(mandatory)}`);
  }
  const window = start && mandatory ? spanMs(start, mandatory) : undefined;
  if (window !== undefined) {
    c.windowMs = window;
    c.lines.push(`Window:            ${window > 0 ? showSpan(window) : `none: the mandatory time is ${window ? `${showSpan(window)} before` : 'at'} the start`}`);
  }
  const bytes = x.packageKb ? x.packageKb * KB : undefined;
  c.packageBytes = bytes;
  c.members = x.members;
  c.lines.push(`Package size:      ${bytes ? showBytes(bytes) : 'not known to the site (PackageSize 0)'}`);
  c.lines.push(`Collection:        ${x.collection ? `${x.collection.id}${x.collection.name ? ` "${x.collection.name}"` : ''}, ${x.members ?? 'an unknown number of'} members` : 'not known (the advertisement names none)'}`);
  if (bytes !== undefined && x.members !== undefined) {
    c.bytesToMove = bytes * x.members;
    c.lines.push(`Bytes to move:     ${showBytes(c.bytesToMove)} (${showBytes(bytes)} x ${x.members})`);
    if (window !== undefined && window > 0) {
      c.neededMbps = (c.bytesToMove * 8) / 1e6 / (window / 1000);
      c.lines.push(`Average rate:      ${showRate(c.neededMbps)} over the window`);
    }
  }
  if (window !== undefined && window <= 0) {
    warn('mandatory-before-start', `the mandatory time ${showTime(mandatory!)} is ${window ? 'before' : 'at'} the start time ${showTime(start!)}: clients have no time to download the package before it runs; set the mandatory time after the start, with a window long enough for the whole collection`);
  } else if (window !== undefined) {
    const transfer = x.bandwidthMbps && c.bytesToMove !== undefined ? (c.bytesToMove * 8) / (x.bandwidthMbps * 1e6) * 1000 : undefined;
    if (transfer !== undefined) {
      c.fits = POLICY_POLLING_MS + transfer <= window;
      c.lines.push(`At ${x.bandwidthMbps} Mbit/s:    ${showSpan(transfer)} to move it, plus up to ${showSpan(POLICY_POLLING_MS)} for clients to learn of it: ${c.fits ? 'fits in the window' : 'does NOT fit in the window'}`);
    }
    if (window < POLICY_POLLING_MS) {
      warn('window-too-short', `the window between the start and the mandatory time is ${showSpan(window)}, shorter than the ${showSpan(POLICY_POLLING_MS)} a client may take to learn of the advertisement (its policy polling interval): most clients would download while the program runs; move the mandatory time later`);
    } else if (c.fits === false) {
      warn('window-too-short', `the window (${showSpan(window)}) is too short to move ${showBytes(c.bytesToMove!)} at ${x.bandwidthMbps} Mbit/s (${showSpan(POLICY_POLLING_MS + (c.bytesToMove! * 8) / (x.bandwidthMbps! * 1e6) * 1000)} with the policy polling interval): move the mandatory time later, or split the collection`);
    }
  }
  const limit = x.collection?.limit;
  if (limit?.kind === 'none') {
    warn('collection-not-limited', limit.why === undefined
      ? `collection ${x.collection!.id} has no query rule on free disk space (SMS_G_System_LOGICAL_DISK.FreeSpace): clients without room for the package and the scratch space are in it; create the document's collection with zticache util /collection:"NAME" /package:ID`
      : `collection ${x.collection!.id} is not limited by free space (cannot tell: ${limit.why}; membership is the union of its rules): clients without room may be in it; create the document's collection with zticache util /collection:"NAME" /package:ID`);
  } else if (limit?.kind === 'limited' && x.neededMb !== undefined && limit.mb < x.neededMb) {
    warn('collection-not-limited', `collection ${x.collection!.id} requires ${limit.mb} MB free, less than the package and the scratch space need (${x.neededMb} MB): recreate its rule with zticache util /collection /package (or raise the figure)`);
  } else if (limit?.kind === 'unknown') {
    c.lines.push(`Free-space limit:  cannot tell (${limit.why})`);
  } else if (limit?.kind === 'limited') {
    c.lines.push(`Free-space limit:  more than ${limit.mb} MB free`);
  }
  if (bytes !== undefined && bytes > DEFAULT_CLIENT_CACHE_MB * MBYTES) {
    warn('cache-smaller', `the package (${showBytes(bytes)}) is larger than the Advanced Client's default cache (${DEFAULT_CLIENT_CACHE_MB} MB): unless every client's cache was raised first (zticache cache-size, the document's second activity), clients cannot cache it${x.cacheTooSmall === undefined ? '; zticache util /readiness /check-advertisement:ID counts the clients whose cache is too small' : ''}`);
  }
  if (x.cacheTooSmall) {
    warn('cache-smaller', `${x.cacheTooSmall} client${x.cacheTooSmall === 1 ? '' : 's'} reported a cache smaller than the package (CACHE_TOO_SMALL): raise it there with zticache cache-size`);
  }
  return c;
}

const showRate = (mbps: number) => (mbps >= 10 ? `${Math.round(mbps)} Mbit/s` : `${Number(mbps.toPrecision(2))} Mbit/s`);

/**
 * An advertisement's start and mandatory times, from the advertisement got by its path (its MOF
 * text carries AssignedSchedule, which a query leaves out): PresentTime, and the earliest
 * StartTime of the assignment's schedule tokens (SMS_ST_NonRecurring, SMS_ST_Recur*: each starts
 * at its StartTime), each read with its IsGMT.
 */
export function advertTimes(advert: MofInstance): AdvertTimes {
  const start = parseWmiTime(mofProp(advert, 'PresentTime'), mofProp(advert, 'PresentTimeIsGMT') === true);
  const tokens = mofProp(advert, 'AssignedSchedule');
  const enabled = mofProp(advert, 'AssignedScheduleEnabled');
  const times: WmiTime[] = [];
  if (Array.isArray(tokens)) {
    for (const t of tokens) {
      if (!t || typeof t !== 'object' || Array.isArray(t)) continue;
      const at = parseWmiTime(mofProp(t, 'StartTime'), mofProp(t, 'IsGMT') === true || mofProp(advert, 'AssignedScheduleIsGMT') === true);
      if (at) times.push(at);
    }
  }
  times.sort((a, b) => a.at.getTime() - b.at.getTime());
  if (enabled === false && times.length) return { start, mandatoryDisabled: true };
  return { start, mandatory: times[0] };
}

/** The advertisement's times from the object got by its path. */
export const readAdvertTimes = (advertByPath: SmsObject): AdvertTimes => advertTimes(parseMof(advertByPath.text()));

/**
 * What a collection's rules (its MOF text, got by path: CollectionRules is lazy) say of free
 * space. Membership is the union of the rules, so the collection is limited only when every rule is
 * a query rule whose WHERE is a plain conjunction holding "FreeSpace > N" (or >=) on the
 * logical-disk inventory, and then by the smallest N; a direct rule, a rule without it, or one
 * where it sits under NOT, OR or a subquery leaves it not limited (with why). Not a WQL parser:
 * any shape it does not recognise is "not limited", the side that warns.
 */
export function freeSpaceLimit(collection: MofInstance): FreeSpaceLimit {
  // got by path, a collection without rules has none in its text (NULL is left out)
  const rules = mofProp(collection, 'CollectionRules');
  const list = (Array.isArray(rules) ? rules : []).filter((r): r is MofInstance => !!r && typeof r === 'object' && !Array.isArray(r));
  // membership is the union of the rules: limited only when every rule is limited, by the weakest
  let weakest: number | undefined;
  let anyFreeSpace = false;
  let why: string | undefined;
  for (const r of list) {
    const name = String(mofProp(r, 'RuleName') ?? '');
    const q = mofProp(r, 'QueryExpression');
    if (!/^SMS_CollectionRuleQuery$/i.test(r.__class) || typeof q !== 'string') {
      why ??= `rule "${name}" is a direct membership rule (${r.__class}): its members are in whatever room they have`;
      continue;
    }
    if (/LOGICAL_DISK\.FreeSpace/i.test(q)) anyFreeSpace = true;
    const mb = plainFreeSpace(q);
    if (mb === undefined) {
      why ??= /LOGICAL_DISK\.FreeSpace/i.test(q)
        ? `rule "${name}" compares FreeSpace inside NOT, OR or a subquery, not as a plain AND condition of its WHERE: cannot tell`
        : `rule "${name}" has no free-space condition`;
      continue;
    }
    weakest = Math.min(weakest ?? mb, mb);
  }
  if (why === undefined && weakest !== undefined) return { kind: 'limited', mb: weakest };
  return anyFreeSpace ? { kind: 'none', why } : { kind: 'none' };
}

/** The query's WHERE split at its top level (outside parentheses and quotes) on a keyword; undefined without a WHERE. */
function topLevel(text: string, word: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /\s/.test(ch)) {
      const m = word.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(text.slice(from, i));
        from = i + m[0].length;
        i = from - 1;
      }
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/**
 * The N of a rule whose WHERE is a plain conjunction holding `LOGICAL_DISK.FreeSpace > N` as one of
 * its top-level terms (no OR at the top, no NOT anywhere); undefined for any other shape, where the
 * figure does not say the members have that room (NOT IN (select ... FreeSpace > N), FreeSpace > N OR ...).
 */
function plainFreeSpace(wql: string): number | undefined {
  const select = topLevel(wql, /^\s+where\s+/i);
  if (select.length !== 2) return undefined;
  const where = select[1]!;
  if (/\bnot\b/i.test(where.replace(/"[^"]*"|'[^']*'/g, '""'))) return undefined;
  if (topLevel(where, /^\s+or\s+/i).length !== 1) return undefined;
  let mb: number | undefined;
  for (const term of topLevel(where, /^\s+and\s+/i)) {
    const m = /^\(*\s*SMS_G_System_LOGICAL_DISK\.FreeSpace\s*>=?\s*(\d+)\s*\)*$/i.exec(term.trim());
    if (m) mb = Math.max(mb ?? 0, Number(m[1]));
  }
  return mb;
}
