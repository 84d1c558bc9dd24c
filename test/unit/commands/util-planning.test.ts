// zticache util's planning commands against an SMS site in memory: the document's collection (its
// WQL from the package's own size, all or nothing, refusals with their codes, /what-if writes
// nothing), the schedule check (a start in working hours, a window too short or reversed, the
// rate the window needs, a collection not limited by free space), and the readers beneath them:
// WMI times as the SMS provider writes them, and the MOF text that carries lazy properties.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { runUtil, type UtilOptions } from '../../../src/commands/util/util.js';
import { collectionWql, thresholdMb } from '../../../src/commands/util/collection.js';
import { advertTimes, checkSchedule, freeSpaceLimit, inWorkHours, showBytes, type ScheduleInput } from '../../../src/commands/util/schedule.js';
import { parseMof } from '../../../src/commands/util/mof.js';
import { parseWmiTime, showSpan, showTime } from '../../../src/commands/util/wmi-time.js';
import { quote } from '../../../src/commands/util/object-path.js';
import { memorySite, mofText, type MemorySite } from '../../helpers/sms-site.js';

const GB = 1024 * 1024; // KB
async function run(site: MemorySite, o: Partial<UtilOptions>) {
  const lines: string[] = [];
  let error: ZtiError | undefined;
  try {
    await runUtil({ whatIf: false, ...o }, { connect: () => site, out: (l) => lines.push(l) });
  } catch (err) {
    if (!(err instanceof ZtiError)) throw err;
    error = err;
  }
  return { lines, text: lines.join('\n'), error };
}
const state = (site: MemorySite) => JSON.stringify([site.packages, site.programs, site.adverts, site.collections, site.links]);
const xp = (kb: number | undefined = 1.5 * GB, sized = true) => memorySite({
  packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1, ...(sized ? { PackageSize: kb } : {}) }],
  collections: [{ CollectionID: 'SMS00001', Name: 'All Systems' }],
});

describe('the document\'s collection: the free-space threshold from the package\'s own size', () => {
  it('a package of 1.5 GB with the document\'s 500 MB of scratch space is the document\'s "more than 2 GB"', () => {
    expect(thresholdMb(1.5 * GB, 500)).toBe(2048);
    // the document counts 1.5 GB as 1500 MB too: the same 2 GB
    expect(thresholdMb(1500 * 1024, 500)).toBe(2048);
    expect(collectionWql(thresholdMb(1.5 * GB, 500))).toMatch(/ and SMS_G_System_LOGICAL_DISK\.FreeSpace > 2048$/);
  });

  it('rounds the package plus the scratch space up to 256 MB, never down; a KB over a MB counts as a MB', () => {
    expect(thresholdMb(1024 * 1024, 0)).toBe(1024);
    expect(thresholdMb(1024 * 1024 + 1, 0)).toBe(1280);
    expect(thresholdMb(1, 0)).toBe(256);
    expect(thresholdMb(1536 * 1024, 513)).toBe(2304);
    expect(thresholdMb(3 * GB, 1000)).toBe(4096);
  });

  it('selects what zticache.exe runs on (NT 10 workstations, x64: older Windows ends it with 216 before its code runs) and the system drive\'s free space (C: where the inventory names none)', () => {
    const wql = collectionWql(2048);
    expect(wql).toBe('select SMS_R_System.ResourceId, SMS_R_System.ResourceType, SMS_R_System.Name, SMS_R_System.SMSUniqueIdentifier, SMS_R_System.ResourceDomainORWorkgroup, SMS_R_System.Client from SMS_R_System'
      + ' inner join SMS_G_System_OPERATING_SYSTEM on SMS_G_System_OPERATING_SYSTEM.ResourceID = SMS_R_System.ResourceId'
      + ' inner join SMS_G_System_LOGICAL_DISK on SMS_G_System_LOGICAL_DISK.ResourceID = SMS_R_System.ResourceId'
      + ' inner join SMS_G_System_COMPUTER_SYSTEM on SMS_G_System_COMPUTER_SYSTEM.ResourceID = SMS_R_System.ResourceId'
      + ' where (SMS_R_System.OperatingSystemNameandVersion like "Microsoft Windows NT Workstation 10.%")'
      + ' and SMS_G_System_COMPUTER_SYSTEM.SystemType = "x64-based PC"'
      + ' and (SMS_G_System_LOGICAL_DISK.DeviceID = SMS_G_System_OPERATING_SYSTEM.SystemDrive or (SMS_G_System_OPERATING_SYSTEM.SystemDrive is null and SMS_G_System_LOGICAL_DISK.DeviceID = "C:"))'
      + ' and SMS_G_System_LOGICAL_DISK.FreeSpace > 2048');
    expect(wql).not.toMatch(/Workstation [456]\./);
    // what the schedule check reads back from it
    expect(freeSpaceLimit({ __class: 'SMS_Collection', CollectionRules: [{ __class: 'SMS_CollectionRuleQuery', QueryExpression: wql }] })).toEqual({ kind: 'limited', mb: 2048 });
  });
});

describe('zticache util /collection:NAME /package:ID', () => {
  it('creates the collection with its query rule, limited to All Systems where the site asks for a limit, and asks for its members', async () => {
    const site = xp();
    const r = await run(site, { collection: 'Deploy XP with Download and Execute', package: 'XXX00001' });
    expect(r.error).toBeUndefined();
    const made = site.collections.find((c) => c.Name === 'Deploy XP with Download and Execute')!;
    expect(made.CollectionID).toBe('MTN00100');
    expect(made.LimitToCollectionID).toBe('SMS00001');
    expect(made.OwnedByThisSite).toBe(true);
    expect(made.Comment).toBe('Created by zticache util for package XXX00001: Windows 10 x64 or later with more than 2048 MB free (the package, 1572864 KB, and 500 MB of scratch space)');
    expect(made.CollectionRules).toEqual([{ __class: 'SMS_CollectionRuleQuery', RuleName: 'Windows 10 x64 or later with more than 2048 MB free', QueryExpression: collectionWql(2048) }]);
    expect(site.links).toEqual([]);
    expect(site.calls).toEqual(['SMS_Collection.AddMembershipRule', 'SMS_Collection.RequestRefresh']);
    expect(r.lines).toEqual([
      'Connecting to SMS provider server SERVER1 and site MTN.',
      'Package XXX00001 (XP Master): 1572864 KB; with 500 MB of scratch space the collection requires more than 2048 MB free on the system drive.',
      'Query rule "Windows 10 x64 or later with more than 2048 MB free":',
      collectionWql(2048),
      'Created collection MTN00100 "Deploy XP with Download and Execute" (limited to SMS00001, All Systems) with the query rule "Windows 10 x64 or later with more than 2048 MB free".',
      'Its membership is being evaluated: check its members in the console before you advertise to it (the document: "verify that the collection contains the appropriate results").',
    ]);
  });

  it('SMS 2003 and 2007 (no LimitToCollectionID): the collection hangs under COLLROOT; /scratch-mb moves the threshold', async () => {
    const site = xp();
    site.noLimitToCollection = true;
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001', scratchMb: 1000 });
    expect(r.error).toBeUndefined();
    const made = site.collections.find((c) => c.Name === 'Deploy XP')!;
    expect(made.LimitToCollectionID).toBeUndefined();
    expect(site.links).toEqual([{ parentCollectionID: 'COLLROOT', subCollectionID: made.CollectionID }]);
    expect(made.CollectionRules[0].QueryExpression).toMatch(/FreeSpace > 2560$/);
    expect(r.text).toContain('(under COLLROOT)');
    expect(site.puts).toEqual(['SMS_Collection', 'SMS_CollectToSubCollect']);
  });

  it('/what-if prints the WQL and writes nothing', async () => {
    const site = xp();
    const before = state(site);
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001', whatIf: true });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain(collectionWql(2048));
    expect(r.lines.at(-1)).toBe('Would have created collection "Deploy XP" with that rule.');
    expect(state(site)).toBe(before);
    expect(site.putCalls).toBe(0);
    expect(site.calls).toEqual([]);
  });

  it('an existing collection of that name (compared as the site compares names) is refused, naming it; /force creates another beside it', async () => {
    const site = xp();
    site.collections.push({ CollectionID: 'MTN00007', Name: 'deploy XP  ' });
    const before = state(site);
    let r = await run(site, { collection: "Deploy XP", package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_COLLECTION_EXISTS);
    expect(r.error?.exitCode).toBe(900000040);
    expect(r.error?.message).toBe('zticache util: a collection named "Deploy XP" exists (MTN00007): give another name, or delete it in the console (its advertisements with it); /force creates another beside it; nothing was changed');
    expect(state(site)).toBe(before);
    r = await run(site, { collection: 'Deploy XP', package: 'XXX00001', force: true });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('/force: a collection named "Deploy XP" exists (MTN00007); creating another beside it.');
    expect(site.collections.map((c) => c.CollectionID)).toEqual(['SMS00001', 'MTN00007', 'MTN00100']);
  });

  it('a name with a quote and a backslash is looked for as itself (the WQL string escaped)', async () => {
    const site = xp();
    site.collections.push({ CollectionID: 'MTN00008', Name: "Bob's XP\\SP2" });
    const r = await run(site, { collection: "Bob's XP\\SP2", package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_COLLECTION_EXISTS);
    expect(site.queries).toContain("select CollectionID, Name from SMS_Collection where Name = 'Bob\\'s XP\\\\SP2'");
    expect(quote("a'b\\c")).toBe("'a\\'b\\\\c'");
  });

  it('a package whose size the site does not know yet, or that is not there, or is being deleted: refused with its code, nothing written', async () => {
    for (const kb of [0, undefined]) {
      const site = xp(kb, kb !== undefined);
      const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
      expect(r.error?.exitCode).toBe(ExitCode.SMS_PACKAGE_SIZE_UNKNOWN);
      expect(r.error?.exitCode).toBe(900000041);
      expect(r.error?.message).toMatch(new RegExp(`the site does not know the size of package XXX00001 yet \\(PackageSize ${kb ?? 'none'}\\).*; nothing was changed$`));
      expect(site.putCalls).toBe(0);
    }
    let site = xp();
    let r = await run(site, { collection: 'Deploy XP', package: 'XXX09999' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(r.error?.message).toMatch(/retrieving package XXX09999: .*WBEM_E_NOT_FOUND.*; nothing was changed$/);
    site = xp();
    site.packages[0]!.ActionInProgress = 3;
    r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(r.error?.message).toBe('zticache util: package XXX00001 is being deleted (ActionInProgress 3); nothing was changed');
    expect(site.putCalls).toBe(0);
  });

  it('the package and the name read again right before the first write: a collection of that name made meanwhile, or a new package size, writes nothing', async () => {
    let site = xp();
    site.onQuery = (wql, n) => {
      if (n === 2) site.collections.push({ CollectionID: 'MTN00050', Name: 'Deploy XP' });
    };
    let r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toBe('zticache util: a collection named "Deploy XP" was created meanwhile (MTN00050), after zticache util read it; nothing was changed: run it again to decide on what the site holds now');
    expect(site.putCalls).toBe(0);
    site = xp();
    site.onGet = (_p, n) => {
      if (n === 2) site.packages[0]!.PackageSize = 3 * GB;
    };
    r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toMatch(/^zticache util: package XXX00001's size changed \(1572864 KB -> 3145728 KB\), after/);
    expect(site.putCalls).toBe(0);
  });

  it('the collection\'s Put_ refused: SMS_CHANGE_REFUSED with the provider\'s reason, nothing written', async () => {
    const site = xp();
    site.refusePut = true;
    const before = state(site);
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
    expect(r.error?.message).toMatch(/^zticache util: writing collection "Deploy XP" \(Put_\) was refused: .*no Modify permission.*; nothing was changed$/);
    expect(state(site)).toBe(before);
  });

  it('all or nothing: the rule refused after the collection was written deletes the collection (and its place) again', async () => {
    for (const old of [false, true]) {
      const site = xp();
      site.noLimitToCollection = old;
      site.refuseRule = true;
      const before = state(site);
      const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
      expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
      expect(r.error?.message).toMatch(/^zticache util: creating collection "Deploy XP": AddMembershipRule failed: .*; the collection zticache util had written \(MTN00100\) was deleted again: nothing was changed$/);
      expect(state(site)).toBe(before);
      expect(site.removed).toEqual(old ? ['SMS_CollectToSubCollect', 'SMS_Collection'] : ['SMS_Collection']);
    }
  });

  it('a rule refused and the collection\'s deletion refused too: SMS_FAILED_AFTER_WRITE naming the collection to delete', async () => {
    const site = xp();
    site.refuseRule = true;
    site.refuseRemove = true;
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.error?.message).toMatch(/^zticache util: written: collection MTN00100 "Deploy XP"; then adding its query rule failed: .*; deleting it again failed too \(.*\): delete collection MTN00100 "Deploy XP" in the console, then run this again$/);
  });

  it('a second Put_ refused (the collection\'s place under COLLROOT, SMS 2003) is undone as well', async () => {
    const site = xp();
    site.noLimitToCollection = true;
    site.refusePutAt = [2];
    const before = state(site);
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
    expect(state(site)).toBe(before);
  });

  it('a refused refresh is said, not failed: the collection and its rule are there', async () => {
    const site = xp();
    const orig = site.get.bind(site);
    let gets = 0;
    site.get = (p) => {
      const o = orig(p);
      if (p.startsWith('SMS_Collection.') && ++gets === 2) return { ...o, call: () => { throw new Error('RequestRefresh failed: busy'); } };
      return o;
    };
    const r = await run(site, { collection: 'Deploy XP', package: 'XXX00001' });
    expect(r.error).toBeUndefined();
    expect(r.lines.at(-1)).toBe('Its membership was not asked to refresh (RequestRefresh failed: busy): update it in the console, and check its members before you advertise to it.');
    expect(site.collections.at(-1)!.CollectionRules).toHaveLength(1);
  });

  it('what /collection does not take is USAGE before connecting', async () => {
    const cases: Array<[Partial<UtilOptions>, RegExp]> = [
      [{ collection: 'X' }, /\/collection needs the OS package it is for/],
      [{ collection: 'X', package: 'P', enable: true }, /leave out \/enable/],
      [{ collection: 'X', package: 'P', program: 'Q' }, /takes no \/program/],
      [{ collection: 'X', package: 'P', advertisement: 'A' }, /takes no advertisement/],
      [{ collection: ' ', package: 'P' }, /needs a name/],
      [{ collection: 'X', package: 'P', format: 'csv' }, /\/csv goes with \/readiness/],
      [{ collection: 'X', package: 'P', readiness: true }, /two commands/],
    ];
    for (const [o, m] of cases) {
      let connected = false;
      const lines: string[] = [];
      const err = await runUtil({ whatIf: false, ...o }, { connect: () => { connected = true; return xp(); }, out: (l) => lines.push(l) }).catch((e) => e);
      expect(err, JSON.stringify(o)).toBeInstanceOf(ZtiError);
      expect(err.exitCode).toBe(ExitCode.USAGE);
      expect(err.message).toMatch(m);
      expect(connected).toBe(false);
    }
  });
});

describe('the schedule check', () => {
  // 2026-12-08 is a Tuesday; times as the console writes them: each client's local time
  const base: ScheduleInput = {
    advertisementId: 'XXX20001',
    times: { start: parseWmiTime('20261211220000.000000+***'), mandatory: parseWmiTime('20261214060000.000000+***') },
    packageKb: 1.5 * GB, members: 2000, neededMb: 2036, workHours: { from: 8, to: 18 },
    collection: { id: 'MTN00100', name: 'Deploy XP', limit: { kind: 'limited', mb: 2048 } },
  };
  const kinds = (x: ScheduleInput) => checkSchedule(x).warnings.map((w) => w.kind);

  it('a Friday 22:00 start, a Monday 06:00 mandatory time, a collection limited by free space: the facts and no warning but the default cache', () => {
    const c = checkSchedule(base);
    expect(c.lines).toEqual([
      "Start time:        Fri 2026-12-11 22:00 (each client's local time)",
      "Mandatory time:    Mon 2026-12-14 06:00 (each client's local time)",
      'Window:            2 d 8 h',
      'Package size:      1.5 GB',
      'Collection:        MTN00100 "Deploy XP", 2000 members',
      'Bytes to move:     2.9 TB (1.5 GB x 2000)',
      'Average rate:      128 Mbit/s over the window',
      'Free-space limit:  more than 2048 MB free',
    ]);
    expect(c.bytesToMove).toBe(1.5 * GB * 1024 * 2000);
    expect(c.neededMbps).toBeCloseTo((1.5 * 1024 ** 3 * 2000 * 8) / 1e6 / (56 * 3600), 6);
    expect(kinds(base)).toEqual(['cache-smaller']);
  });

  it('a Tuesday 10:00 start is inside working hours; 07:59, 18:00 and a Saturday 10:00 are not; /work-hours moves them', () => {
    const at = (s: string, w = base.workHours) => kinds({ ...base, workHours: w, times: { ...base.times, start: parseWmiTime(s) } }).includes('start-in-work-hours');
    expect(at('20261208100000.000000+***')).toBe(true);
    const w = checkSchedule({ ...base, times: { ...base.times, start: parseWmiTime('20261208100000.000000+***') } }).warnings[0]!;
    expect(w.text).toBe("the start time Tue 2026-12-08 10:00 (each client's local time) is inside working hours (Monday to Friday 8:00-18:00): every client starts downloading then, and the network and the SMS servers take the load in the work day; start in the evening or at a weekend (the document: Friday at midnight)");
    expect(at('20261208075900.000000+***')).toBe(false);
    expect(at('20261208080000.000000+***')).toBe(true);
    expect(at('20261208175900.000000+***')).toBe(true);
    expect(at('20261208180000.000000+***')).toBe(false);
    expect(at('20261212100000.000000+***')).toBe(false); // Saturday
    expect(at('20261213100000.000000+***')).toBe(false); // Sunday
    expect(at('20261214100000.000000+***')).toBe(true); // Monday
    expect(at('20261211100000.000000+***')).toBe(true); // Friday
    expect(at('20261208100000.000000+***', { from: 11, to: 20 })).toBe(false);
    expect(at('20261208193000.000000+***', { from: 11, to: 20 })).toBe(true);
    expect(inWorkHours(new Date(2026, 11, 8, 17, 59, 59), { from: 8, to: 18 })).toBe(true);
  });

  it('a window too short: shorter than the policy polling interval, or than the bytes need at /bandwidth-mbps', () => {
    const short = { ...base, times: { ...base.times, mandatory: parseWmiTime('20261211224500.000000+***') } };
    const c = checkSchedule(short);
    expect(c.warnings.find((w) => w.kind === 'window-too-short')!.text).toBe('the window between the start and the mandatory time is 45 min, shorter than the 1 h a client may take to learn of the advertisement (its policy polling interval): most clients would download while the program runs; move the mandatory time later');
    expect(kinds({ ...base, times: { ...base.times, mandatory: parseWmiTime('20261211230000.000000+***') } })).not.toContain('window-too-short');
    // 2.9 TB in 56 h needs 128 Mbit/s on average: 100 does not fit, 1000 does
    const slow = checkSchedule({ ...base, bandwidthMbps: 100 });
    expect(slow.fits).toBe(false);
    expect(slow.lines).toContain('At 100 Mbit/s:    2 d 23 h 34 min to move it, plus up to 1 h for clients to learn of it: does NOT fit in the window');
    expect(slow.warnings.find((w) => w.kind === 'window-too-short')!.text).toBe('the window (2 d 8 h) is too short to move 2.9 TB at 100 Mbit/s (3 d 34 min with the policy polling interval): move the mandatory time later, or split the collection');
    const fast = checkSchedule({ ...base, bandwidthMbps: 1000 });
    expect(fast.fits).toBe(true);
    expect(fast.warnings.map((w) => w.kind)).not.toContain('window-too-short');
    // the polling interval counts: a window that carries the bytes but not the hour before them
    const edge = (1.5 * 1024 ** 3 * 2000 * 8) / 1e6 / (55 * 3600);
    expect(checkSchedule({ ...base, bandwidthMbps: edge }).fits).toBe(true);
    expect(checkSchedule({ ...base, bandwidthMbps: edge * 0.99 }).fits).toBe(false);
  });

  it('a mandatory time before or at the start, or none: warned, with no rate', () => {
    const before = checkSchedule({ ...base, times: { start: base.times.start, mandatory: parseWmiTime('20261211210000.000000+***') } });
    expect(before.warnings.map((w) => w.kind)).toContain('mandatory-before-start');
    expect(before.lines).toContain('Window:            none: the mandatory time is 1 h before the start');
    expect(before.neededMbps).toBeUndefined();
    const same = checkSchedule({ ...base, times: { start: base.times.start, mandatory: base.times.start } });
    expect(same.warnings[0]!.text).toMatch(/^the mandatory time .* is at the start time/);
    expect(same.lines).toContain('Window:            none: the mandatory time is at the start');
    const none = checkSchedule({ ...base, times: { start: base.times.start } });
    expect(none.warnings.map((w) => w.kind)).toEqual(['not-mandatory', 'cache-smaller']);
    expect(checkSchedule({ ...base, times: { start: base.times.start, mandatoryDisabled: true } }).lines).toContain('Mandatory time:    switched off');
  });

  it('a collection without a free-space rule, or with one below the package and scratch space, is warned of; one that cannot be read is said', () => {
    expect(checkSchedule({ ...base, collection: { id: 'SMS00001', limit: { kind: 'none' } } }).warnings.find((w) => w.kind === 'collection-not-limited')!.text).toMatch(/^collection SMS00001 has no query rule on free disk space/);
    expect(checkSchedule({ ...base, collection: { id: 'C', limit: { kind: 'limited', mb: 2035 } } }).warnings.find((w) => w.kind === 'collection-not-limited')!.text).toBe('collection C requires 2035 MB free, less than the package and the scratch space need (2036 MB): recreate its rule with zticache util /collection /package (or raise the figure)');
    expect(kinds({ ...base, collection: { id: 'C', limit: { kind: 'limited', mb: 2036 } } })).not.toContain('collection-not-limited');
    expect(checkSchedule({ ...base, collection: { id: 'C', limit: { kind: 'unknown', why: 'denied' } } }).lines).toContain('Free-space limit:  cannot tell (denied)');
  });

  it('the client cache: a package over the Advanced Client\'s default 250 MB, and the clients whose check said CACHE_TOO_SMALL', () => {
    expect(kinds({ ...base, packageKb: 250 * 1024 })).not.toContain('cache-smaller');
    expect(kinds({ ...base, packageKb: 250 * 1024 + 1 })).toContain('cache-smaller');
    const c = checkSchedule({ ...base, packageKb: 100 * 1024, cacheTooSmall: 3 });
    expect(c.warnings).toEqual([{ kind: 'cache-smaller', text: '3 clients reported a cache smaller than the package (CACHE_TOO_SMALL): raise it there with zticache cache-size' }]);
    expect(checkSchedule({ ...base, packageKb: 100 * 1024, cacheTooSmall: 1 }).warnings[0]!.text).toMatch(/^1 client reported/);
    expect(kinds({ ...base, packageKb: 100 * 1024, cacheTooSmall: 0 })).toEqual([]);
  });

  it('sizes and spans as an admin reads them', () => {
    expect(showBytes(0)).toBe('0 bytes');
    expect(showBytes(1023)).toBe('1023 bytes');
    expect(showBytes(1024)).toBe('1 KB');
    expect(showBytes(1536 * 1024 * 1024)).toBe('1.5 GB');
    expect(showBytes(150 * 1024 * 1024)).toBe('150 MB');
    expect(showSpan(0)).toBe('0 min');
    expect(showSpan(59_999)).toBe('0 min');
    expect(showSpan(-90 * 60_000)).toBe('1 h 30 min');
    expect(showSpan(24 * 3600_000)).toBe('1 d');
    expect(showSpan((24 * 60 + 5) * 60_000)).toBe('1 d 5 min');
  });
});

describe('WMI times and MOF text, as the SMS provider gives them', () => {
  it('a time with *** is each client\'s local time; IsGMT or an offset makes it absolute', () => {
    const local = parseWmiTime('20261208100000.000000+***')!;
    expect(local.clientLocal).toBe(true);
    expect(local.at.getTime()).toBe(new Date(2026, 11, 8, 10, 0, 0).getTime());
    expect(parseWmiTime('20261208100000.000000+***', true)!.at.toISOString()).toBe('2026-12-08T10:00:00.000Z');
    expect(parseWmiTime('20261208100000.000000+060')!.at.toISOString()).toBe('2026-12-08T09:00:00.000Z');
    expect(parseWmiTime('20261208100000.000000-300')!.at.toISOString()).toBe('2026-12-08T15:00:00.000Z');
    expect(parseWmiTime('20261208100000.000000+000')!.clientLocal).toBe(false);
    for (const bad of ['', '2026120810000.000000+***', '20261308100000.000000+***', '20261208240000.000000+***', '20261200100000.000000+***', '20261208106000.000000+***', '20261208100060.000000+***', 'x20261208100000.000000+***', undefined, 20261208]) {
      expect(parseWmiTime(bad), String(bad)).toBeUndefined();
    }
    expect(showTime(parseWmiTime('20261208100000.000000+***', true)!)).toMatch(/\(this computer's time\)$/);
  });

  it('reads what GetObjectText_ writes: strings with escapes, numbers, TRUE, FALSE, arrays, embedded instances; qualifiers skipped', () => {
    const text = `
instance of SMS_Advertisement
{
\t[key] AdvertisementID = "XXX20001";
\tAssignedSchedule = {
instance of SMS_ST_NonRecurring
{
\tDayDuration = 0;
\tIsGMT = FALSE;
\tStartTime = "20261214060000.000000+***";
}, 
instance of SMS_ST_RecurInterval
{
\tDaySpan = 1;
\tIsGMT = TRUE;
\tStartTime = "20261213060000.000000+***";
}};
\tAssignedScheduleEnabled = TRUE;
\tComment = "a \\"quoted\\" \\\\ path\\n" " joined";
\tFlags = -12;
\tSize = 1.5e3;
\tMask = 0x1F;
\tNames = {"a", "b"};
\tNone = NULL;
\tEmpty = {};
};
`;
    const o = parseMof(text);
    expect(o.__class).toBe('SMS_Advertisement');
    expect(o.Comment).toBe('a "quoted" \\ path\n joined');
    expect([o.Flags, o.Size, o.Mask, o.None, o.Empty, o.Names]).toEqual([-12, 1500, 31, null, [], ['a', 'b']]);
    // the earliest token is the mandatory time; a GMT one is absolute
    const t = advertTimes(o);
    expect(t.mandatory!.at.toISOString()).toBe('2026-12-13T06:00:00.000Z');
    expect(t.start).toBeUndefined();
    expect(advertTimes({ ...o, AssignedScheduleEnabled: false })).toEqual({ start: undefined, mandatoryDisabled: true });
    expect(advertTimes({ __class: 'SMS_Advertisement', AssignedScheduleEnabled: false })).toEqual({ start: undefined, mandatory: undefined });
    for (const bad of ['', 'instance SMS_X {};', 'instance of SMS_X { A = ; };', 'instance of SMS_X { A = "x };', 'instance of SMS_X { A = 1 }; x', 'instance of SMS_X { A = {1 2}; };', 'instance of SMS_X { A = WHAT; };', 'instance of SMS_X { [key A = 1; };', 'class X {};']) {
      expect(() => parseMof(bad), bad).toThrow(/^MOF text: /);
    }
    // what the test double writes is what zticache reads
    const row = { AdvertisementID: 'A\\"1', AssignedSchedule: [{ __class: 'SMS_ST_NonRecurring', StartTime: '20261214060000.000000+***', IsGMT: false }], Enabled: true, N: 3, Gone: null };
    const back = parseMof(mofText('SMS_Advertisement', row));
    expect(back).toEqual({ __class: 'SMS_Advertisement', AdvertisementID: 'A\\"1', AssignedSchedule: [{ __class: 'SMS_ST_NonRecurring', StartTime: '20261214060000.000000+***', IsGMT: false }], Enabled: true, N: 3 });
  });
});
