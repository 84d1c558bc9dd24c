// `zticache util /readiness /advertisement:ID [/check-advertisement:ID]`: who is ready before the
// mandatory time. The clients are the members of the OS advertisement's collection
// (SMS_FullCollectionMembership), their state that advertisement's SMS_ClientAdvertisementStatus
// (LastState: download in progress, download complete, waiting, running, succeeded, failed, no
// status, and the rarer ones by name) and, with the check's advertisement, what `zticache check`
// said: its READY / NOT READY line (the MIF's Description, where LastExecutionResult carries it)
// or its exit code, named from the exit-code table. "Download complete" is only that the client
// says so; a client is READY when the check hashed its copy. Linear: one query per class, each
// property of each object read once, joined through maps by ResourceID; a client without a
// status row is "no status". Only reads; writes nothing.

import { ComError } from '../../core/automation.js';
import { ExitCode, exitCodeTable } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { runsCheck } from './command-line.js';
import { anyOf, collectionRead } from './collection-facts.js';
import { downloadEnabled } from './flags.js';
import { parseMof } from './mof.js';
import { objectPath } from './object-path.js';
import { siteKey } from './site-key.js';
import { wallClock } from './wmi-time.js';
import { advertTimes, checkSchedule, type ScheduleCheck, type WorkHours } from './schedule.js';
import type { SmsObject, SmsSite } from './site.js';
import { step } from './steps.js';

/** SMS_ClientAdvertisementStatus.LastState, as SMS_AdvertisementStatusInformation names them */
export const LAST_STATES: ReadonlyMap<number, string> = new Map([
  [-1, 'accepted, no further status'],
  [0, 'no status'],
  [1, 'accepted'],
  [2, 'rejected'],
  [3, 'expired'],
  [4, 'will not rerun'],
  [5, 'download in progress'],
  [6, 'download complete'],
  [7, 'canceled'],
  [8, 'waiting'],
  [9, 'running'],
  [10, 'retrying'],
  [11, 'failed'],
  [12, 'reboot pending'],
  [13, 'succeeded'],
]);
/** counted always, in this order; other states are counted where they occur */
export const MAIN_STATES = ['download in progress', 'download complete', 'waiting', 'running', 'succeeded', 'failed', 'no status'];
/** the OS advertisement's states in which a client holds the package, or is past needing it */
const HOLDS = new Set(['download complete', 'running', 'succeeded', 'reboot pending']);

export const stateName = (v: unknown): string => {
  const n = Number(v);
  const key = n === 0xffffffff ? -1 : n;
  return v === null || v === undefined || v === '' ? 'no status' : LAST_STATES.get(key) ?? `state ${String(v)}`;
};

/**
 * What the check said, from its status row: READY, NOT READY <CODE>, or why there is no answer.
 * LastExecutionResult is the last FINISHED execution's and stays on the row while the check
 * downloads the package again, waits, runs, or fails before it runs: a READY (or exit code 0)
 * counts only with LastState succeeded; in any other state the client is counted by that state.
 */
export function checkReason(row: { state: string; result: string } | undefined): string {
  if (!row || row.state === 'no status') return 'no status (the check has not run)';
  const r = row.result.trim();
  const byState = () => (row.state === 'failed' ? `failed${r ? ` (${r})` : ''}` : `not finished (${row.state})`);
  if (/^READY\b/.test(r)) return row.state === 'succeeded' ? 'READY' : byState();
  const not = /^NOT READY\b[^:]*:\s*([A-Z][A-Z0-9_]*)\b/.exec(r);
  if (not) return `NOT READY ${not[1]}`;
  if (/^-?\d+$/.test(r)) {
    const code = Number(r) >>> 0;
    if (code === 0) return row.state === 'succeeded' ? 'READY' : row.state === 'failed' ? 'failed (exit code 0)' : `not finished (${row.state})`;
    const name = exitCodeTable.find((x) => x.code === code)?.name;
    return name ? `NOT READY ${name}` : `failed (exit code ${code})`;
  }
  if (row.state === 'succeeded') return 'READY';
  return byState();
}

export interface Client {
  resourceId: number;
  name: string;
  state: string;
  check?: string;
  atRisk: boolean;
  reason: string;
}

export interface Readiness {
  advertisementId: string;
  packageId: string;
  program: string;
  collection: { id: string; name: string; members: number };
  checkAdvertisementId?: string;
  mandatory?: string;
  /**
   * true: the mandatory time is each client's local time (no zone in the advertisement): mandatory
   * and leftMs read it in this computer's zone; its wall clock as written is mandatoryWallClock
   */
  mandatoryClientLocal?: boolean;
  mandatoryWallClock?: string;
  /** ms from now to the mandatory time (negative: passed) */
  leftMs?: number;
  states: Record<string, number>;
  checks?: Record<string, number>;
  atRisk: Client[];
  clients: Client[];
  schedule: ScheduleCheck[];
  notes: string[];
}

export interface ReadinessOptions {
  advertisement: string;
  checkAdvertisement?: string;
  workHours: WorkHours;
  bandwidthMbps?: number;
  scratchMb: number;
  now: Date;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

interface AdvertRead { id: string; obj: SmsObject; collectionId: string; packageId: string; program: string; flags: number }

function readAdvert(site: SmsSite, id: string, what: string): AdvertRead {
  // by its path: AssignedSchedule is a lazy property, empty in a query's objects
  const obj = step(`retrieving ${what} ${id}`, () => site.get(objectPath('SMS_Advertisement', { AdvertisementID: id })));
  return step(`reading ${what} ${id}`, () => ({
    id, obj, collectionId: text(obj.get('CollectionID')), packageId: text(obj.get('PackageID')), program: text(obj.get('ProgramName')), flags: Number(obj.get('RemoteClientFlags') ?? 0) >>> 0,
  }));
}

/**
 * The check advertisement's READY says something about the OS package only when it is of the same
 * package and its program runs `zticache.exe check`: another package's READY, or the exit code 0
 * of cache-size or any other program, would count clients ready that nothing hashed. Refused
 * (USAGE) before any status is read.
 */
function checkIsTheCheck(site: SmsSite, chk: AdvertRead, os: AdvertRead): void {
  if (siteKey(chk.packageId) !== siteKey(os.packageId)) {
    throw new ZtiError(ExitCode.USAGE, `zticache util /readiness: the check advertisement ${chk.id} runs package ${chk.packageId}, not ${os.packageId} of advertisement ${os.id}: its READY says nothing about ${os.packageId}; give /check-advertisement the advertisement of ${os.packageId}'s zticache.exe check program`);
  }
  const prog = step(`retrieving program ${chk.program} of package ${chk.packageId}`, () => site.get(objectPath('SMS_Program', { PackageID: chk.packageId, ProgramName: chk.program })));
  const line = text(step(`reading program ${chk.program} of package ${chk.packageId}`, () => prog.get('CommandLine')));
  if (!runsCheck(line)) {
    throw new ZtiError(ExitCode.USAGE, `zticache util /readiness: the check advertisement ${chk.id} runs program ${chk.program} ("${line}"), not zticache.exe check: its exit code 0 is not READY; give /check-advertisement the advertisement of the program that runs zticache.exe check`);
  }
}

/**
 * The OS advertisement's collection and, unless its IncludeSubCollection is false, every
 * subcollection under it (SMS_CollectToSubCollect, one query a level, each collection once however
 * the links loop). A site without that class (current ConfigMgr has no subcollections) gives the
 * collection alone.
 */
function subCollections(site: SmsSite, os: AdvertRead, notes: string[]): string[] {
  const all = new Map([[siteKey(os.collectionId), os.collectionId]]);
  const include = step(`reading advertisement ${os.id}`, () => os.obj.get('IncludeSubCollection'));
  if (include === false || include === 0) return [...all.values()];
  let level = [os.collectionId];
  try {
    while (level.length) {
      const next: string[] = [];
      for (const l of site.query(`select subCollectionID from SMS_CollectToSubCollect where ${anyOf('parentCollectionID', level)}`)) {
        const id = text(l.get('subCollectionID'));
        if (id && !all.has(siteKey(id))) {
          all.set(siteKey(id), id);
          next.push(id);
        }
      }
      level = next;
    }
  } catch (err) {
    if (!(err instanceof ComError)) throw err;
    notes.push(`the subcollections of collection ${os.collectionId} cannot be read (${err.message}): members of any subcollection are not counted`);
  }
  const subs = [...all.values()].slice(1);
  if (subs.length) notes.push(`advertisement ${os.id} includes subcollections, whose members are counted with collection ${os.collectionId}'s: ${subs.join(', ')}`);
  return [...all.values()];
}

export function readiness(site: SmsSite, o: ReadinessOptions): Readiness {
  const notes: string[] = [];
  const os = readAdvert(site, o.advertisement, 'advertisement');
  const chk = o.checkAdvertisement !== undefined ? readAdvert(site, o.checkAdvertisement, 'check advertisement') : undefined;
  if (chk) checkIsTheCheck(site, chk, os);
  if (chk && siteKey(chk.collectionId) !== siteKey(os.collectionId)) {
    notes.push(`the check advertisement ${chk.id} targets collection ${chk.collectionId}, not ${os.collectionId}: clients of ${os.collectionId} outside it have no check status`);
  }
  if (chk && !downloadEnabled(chk.flags)) notes.push(`the check advertisement ${chk.id} runs from the distribution point (download and execute off): its READY checks the distribution point's copy, not the client's cache`);
  const pack = step(`retrieving package ${os.packageId}`, () => site.get(objectPath('SMS_Package', { PackageID: os.packageId })));
  const packageKb = Number(step(`reading package ${os.packageId}`, () => pack.get('PackageSize')) ?? 0);
  const times = step(`reading the schedule of advertisement ${os.id}`, () => advertTimes(parseMof(os.obj.text())));

  // ---- the clients: one query per class, joined by ResourceID; the advertisement reaches the
  // members of its collection's subcollections too unless IncludeSubCollection is false (SMS 2003,
  // ConfigMgr 2007: on by default), so theirs are counted, and their status rows are not "outside"
  const collections = subCollections(site, os, notes);
  const clients = new Map<number, Client>();
  step('querying SMS_FullCollectionMembership', () => {
    for (const m of site.query(`select ResourceID, Name from SMS_FullCollectionMembership where ${anyOf('CollectionID', collections)}`)) {
      const id = Number(m.get('ResourceID'));
      if (!clients.has(id)) clients.set(id, { resourceId: id, name: text(m.get('Name')), state: 'no status', atRisk: false, reason: '' });
    }
  });
  if (!clients.size) notes.push(`collection ${os.collectionId} has no members: its membership may not have been evaluated yet, or its rules select no computer; update its membership in the console and look at it before the mandatory time`);
  const checkRows = new Map<number, { state: string; result: string }>();
  let outside = 0;
  const ads = chk ? [os.id, chk.id] : [os.id];
  step('querying SMS_ClientAdvertisementStatus', () => {
    for (const s of site.query(`select ResourceID, AdvertisementID, LastState, LastExecutionResult from SMS_ClientAdvertisementStatus where ${anyOf('AdvertisementID', ads)}`)) {
      const id = Number(s.get('ResourceID'));
      const adv = siteKey(text(s.get('AdvertisementID')));
      const state = stateName(s.get('LastState'));
      if (adv === siteKey(os.id)) {
        const c = clients.get(id);
        if (c) c.state = state;
        else outside++;
      } else {
        checkRows.set(id, { state, result: text(s.get('LastExecutionResult')) });
      }
    }
  });
  if (outside) notes.push(`${outside} status row${outside === 1 ? '' : 's'} of advertisement ${os.id} belong${outside === 1 ? 's' : ''} to clients no longer in collection ${os.collectionId}: left out`);

  const states: Record<string, number> = Object.fromEntries(MAIN_STATES.map((s) => [s, 0]));
  const checks: Record<string, number> = {};
  const atRisk: Client[] = [];
  for (const c of clients.values()) {
    states[c.state] = (states[c.state] ?? 0) + 1;
    const why: string[] = [];
    if (!HOLDS.has(c.state)) why.push(`OS advertisement: ${c.state}`);
    if (chk) {
      c.check = checkReason(checkRows.get(c.resourceId));
      checks[c.check] = (checks[c.check] ?? 0) + 1;
      // a client that already ran the OS program needs no check
      if (c.check !== 'READY' && !(c.state === 'running' || c.state === 'succeeded' || c.state === 'reboot pending')) why.push(`check: ${c.check}`);
    }
    c.atRisk = why.length > 0;
    c.reason = why.join('; ');
    if (c.atRisk) atRisk.push(c);
  }
  // one collator for the whole sort: localeCompare with options builds one a call
  const names = new Intl.Collator('en', { sensitivity: 'base' });
  const byName = (a: Client, b: Client) => names.compare(a.name, b.name) || a.resourceId - b.resourceId;
  atRisk.sort(byName);
  const all = [...clients.values()].sort(byName);

  const facts = collectionRead(site, os.collectionId);
  const schedule = [checkSchedule({
    advertisementId: os.id, times, packageKb, members: clients.size,
    collection: { id: os.collectionId, name: facts.name, limit: facts.limit },
    neededMb: Math.ceil(packageKb / 1024) + o.scratchMb,
    bandwidthMbps: o.bandwidthMbps, workHours: o.workHours, cacheTooSmall: chk ? checks['NOT READY CACHE_TOO_SMALL'] ?? 0 : undefined,
  })];
  if (!downloadEnabled(os.flags)) notes.push(`advertisement ${os.id} runs from the distribution point (download and execute off): no client caches the package ahead; zticache util /advertisement:${os.id} /enable:true turns it on`);
  return {
    advertisementId: os.id, packageId: os.packageId, program: os.program,
    collection: { id: os.collectionId, name: facts.name ?? '', members: clients.size },
    checkAdvertisementId: chk?.id,
    mandatory: times.mandatory?.at.toISOString(),
    mandatoryClientLocal: times.mandatory?.clientLocal,
    mandatoryWallClock: times.mandatory ? wallClock(times.mandatory) : undefined,
    leftMs: times.mandatory ? times.mandatory.at.getTime() - o.now.getTime() : undefined,
    states, checks: chk ? checks : undefined, atRisk, clients: all, schedule, notes,
  };
}
