// zticache util /readiness over a made-up collection: every count computed here by itself from
// the site's pattern, the clients at risk by name with their reason, one query per class and a
// Get of the advertisement by path for its lazy AssignedSchedule, the three output forms, and
// what the check's LastExecutionResult may hold (its READY / NOT READY line, or its exit code).
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { runUtil, type UtilOptions } from '../../../src/commands/util/util.js';
import { checkReason, readiness, stateName, type Readiness } from '../../../src/commands/util/readiness.js';
import { readinessCsv, readinessJson, readinessLines } from '../../../src/commands/util/readiness-output.js';
import { DEFAULT_WORK_HOURS } from '../../../src/commands/util/schedule.js';
import { memorySite, type MemorySite } from '../../helpers/sms-site.js';
import { CHECK_PATTERN, clientName, OS_PATTERN, readinessSite } from '../../helpers/readiness-site.js';

const NOW = new Date(2026, 11, 9, 12, 0, 0); // Wednesday noon, local: 4 d 18 h before the mandatory time
const opts = { advertisement: 'XXX20001', checkAdvertisement: 'XXX20002', workHours: DEFAULT_WORK_HOURS, scratchMb: 500, now: NOW };
const STATE = new Map([[5, 'download in progress'], [6, 'download complete'], [8, 'waiting'], [9, 'running'], [13, 'succeeded'], [11, 'failed']]);

async function run(site: MemorySite, o: Partial<UtilOptions>) {
  const lines: string[] = [];
  let error: ZtiError | undefined;
  try {
    await runUtil({ whatIf: false, readiness: true, advertisement: 'XXX20001', ...o }, { connect: () => site, out: (l) => lines.push(l), now: () => NOW });
  } catch (err) {
    if (!(err instanceof ZtiError)) throw err;
    error = err;
  }
  return { lines, text: lines.join('\n'), error };
}

/** what each client should be, from the pattern alone */
function expected(n: number) {
  const states: Record<string, number> = { 'download in progress': 0, 'download complete': 0, waiting: 0, running: 0, succeeded: 0, failed: 0, 'no status': 0 };
  const checks: Record<string, number> = {};
  const atRisk: Array<{ name: string; reason: string }> = [];
  for (let i = 0; i < n; i++) {
    const s = OS_PATTERN[i % 8];
    const state = s === undefined ? 'no status' : STATE.get(s)!;
    states[state]!++;
    const c = CHECK_PATTERN[i % 5];
    const check = !c ? 'no status (the check has not run)' : i % 5 === 1 ? 'NOT READY CACHE_TOO_SMALL' : i % 5 === 2 ? 'NOT READY VERIFY_FAILED' : 'READY';
    checks[check] = (checks[check] ?? 0) + 1;
    const why = [];
    if (!['download complete', 'running', 'succeeded'].includes(state)) why.push(`OS advertisement: ${state}`);
    if (check !== 'READY' && !['running', 'succeeded'].includes(state)) why.push(`check: ${check}`);
    if (why.length) atRisk.push({ name: clientName(i), reason: why.join('; ') });
  }
  atRisk.sort((a, b) => a.name.localeCompare(b.name));
  return { states, checks, atRisk };
}

describe('zticache util /readiness: who is ready before the mandatory time', () => {
  it('over a collection of 20,000 clients: the counts by state and by check result, and the clients at risk by name with their reason', () => {
    const n = 20_000;
    const site = readinessSite(n);
    const r = readiness(site, opts);
    const e = expected(n);
    expect(r.collection).toEqual({ id: 'MTN00100', name: 'Deploy XP', members: n });
    expect(r.states).toEqual(e.states);
    expect(Object.values(r.states).reduce((a, b) => a + b)).toBe(n);
    expect(r.checks).toEqual(e.checks);
    expect(r.atRisk.map((c) => ({ name: c.name, reason: c.reason }))).toEqual(e.atRisk);
    expect(r.atRisk.length).toBeGreaterThan(10_000);
    expect(r.clients).toHaveLength(n);
    // the mandatory time from the advertisement got by its path, and the time left
    expect(r.mandatory).toBe(new Date(2026, 11, 14, 6, 0).toISOString());
    expect(r.leftMs).toBe((4 * 24 + 18) * 3600_000);
    expect(r.notes).toEqual(['1 status row of advertisement XXX20001 belongs to clients no longer in collection MTN00100: left out']);
    expect(r.schedule[0]!.members).toBe(n);
    expect(r.schedule[0]!.warnings.map((w) => w.kind)).toEqual(['cache-smaller', 'cache-smaller']);
    expect(r.schedule[0]!.warnings[1]!.text).toBe(`${e.checks['NOT READY CACHE_TOO_SMALL']} clients reported a cache smaller than the package (CACHE_TOO_SMALL): raise it there with zticache cache-size`);
    // one query per class, each asking only what it reads; the advertisements, the check's program, package and collection got by path
    expect(site.queries).toEqual([
      "select subCollectionID from SMS_CollectToSubCollect where parentCollectionID = 'MTN00100'",
      "select ResourceID, Name from SMS_FullCollectionMembership where CollectionID = 'MTN00100'",
      "select ResourceID, AdvertisementID, LastState, LastExecutionResult from SMS_ClientAdvertisementStatus where AdvertisementID = 'XXX20001' or AdvertisementID = 'XXX20002'",
    ]);
    expect(site.gets).toEqual(["SMS_Advertisement.AdvertisementID='XXX20001'", "SMS_Advertisement.AdvertisementID='XXX20002'", "SMS_Program.PackageID='XXX00001',ProgramName='Check'", "SMS_Package.PackageID='XXX00001'", "SMS_Collection.CollectionID='MTN00100'"]);
    // linear: each property of each object read once
    // (ResourceID, AdvertisementID and LastState of each row; LastExecutionResult of the check's)
    const rows = site.statuses.length;
    const checkRows = site.statuses.filter((s) => s.AdvertisementID === 'XXX20002').length;
    expect(site.reads.filter((x) => x.startsWith('SMS_FullCollectionMembership.'))).toHaveLength(2 * n);
    expect(site.reads.filter((x) => x.startsWith('SMS_ClientAdvertisementStatus.'))).toHaveLength(3 * rows + checkRows);
    expect(site.puts).toEqual([]);
  });

  it('without the check\'s advertisement: "download complete" holds, and the report says it is not a hash check', async () => {
    const site = readinessSite(16, { check: false });
    const r = await run(site, {});
    expect(r.error).toBeUndefined();
    const e = expected(16);
    expect(r.text).toContain('No check advertisement given: "download complete" is the client\'s word that it holds the files, not that they are intact');
    // at risk: download in progress, waiting, failed, no status (2 of each in 16)
    expect(r.text).toContain('At risk: 8 of 16 clients:');
    const risky = r.lines.slice(r.lines.indexOf('At risk: 8 of 16 clients:') + 1);
    expect(risky).toHaveLength(8);
    expect(risky.every((l) => /^  PC\d{5} +OS advertisement: (download in progress|waiting|failed|no status)$/.test(l))).toBe(true);
    expect(e.states.failed).toBe(2);
  });

  it('the console lines: counts, the mandatory time and the time left, the schedule, at risk by name', async () => {
    const site = readinessSite(40);
    const r = await run(site, { checkAdvertisement: 'XXX20002' });
    expect(r.error).toBeUndefined();
    const e = expected(40);
    expect(r.lines.slice(0, 12)).toEqual([
      'Connecting to SMS provider server SERVER1 and site MTN.',
      'Readiness of advertisement XXX20001 (package XXX00001, program Install XP) for collection MTN00100 "Deploy XP": 40 clients.',
      "Mandatory time: Mon 2026-12-14 06:00 (each client's local time); 4 d 18 h left.",
      'Advertisement XXX20001, clients by last state:',
      `  download in progress          ${e.states['download in progress']}`,
      `  download complete             ${e.states['download complete']}`,
      `  waiting                       ${e.states.waiting}`,
      `  running                       ${e.states.running}`,
      `  succeeded                     ${e.states.succeeded}`,
      `  failed                        ${e.states.failed}`,
      `  no status                     ${e.states['no status']}`,
      'Check advertisement XXX20002, clients by result:',
    ]);
    // the most first; ties in name order
    expect(r.lines.slice(12, 16)).toEqual(['  READY                         16', '  no status (the check has not run) 8', '  NOT READY CACHE_TOO_SMALL     8', '  NOT READY VERIFY_FAILED       8']);
    expect(r.text).toContain('Schedule of advertisement XXX20001:\n  Start time:        Fri 2026-12-11 22:00');
    expect(r.text).toContain('  Free-space limit:  more than 2048 MB free');
    expect(r.text).toContain(`At risk: ${e.atRisk.length} of 40 clients:`);
    expect(r.lines.slice(-e.atRisk.length)).toEqual(e.atRisk.map((c) => `  ${c.name.padEnd(20)}${c.reason}`));
  });

  it('--json: one document with the counts, the clients at risk, every client and the schedule; --csv: a row a client, formulas defused', async () => {
    const site = readinessSite(10);
    let r = await run(site, { checkAdvertisement: 'XXX20002', format: 'json' });
    expect(r.lines).toHaveLength(1);
    const doc = JSON.parse(r.lines[0]!);
    expect(doc).toMatchObject({ tool: 'zticache', command: 'util /readiness', server: 'SERVER1', site: 'MTN' });
    expect(doc.states).toEqual(expected(10).states);
    expect(doc.checks).toEqual(expected(10).checks);
    expect(doc.atRisk.map((c: { name: string }) => c.name)).toEqual(expected(10).atRisk.map((c) => c.name));
    expect(doc.clients).toHaveLength(10);
    expect(doc.schedule[0].lines).toBeUndefined();
    expect(doc.schedule[0].members).toBe(10);
    expect(doc.leftMs).toBe((4 * 24 + 18) * 3600_000);
    site.members[0]!.Name = '=HYPERLINK("x","PC, \\"one\\"")';
    r = await run(site, { checkAdvertisement: 'XXX20002', format: 'csv' });
    expect(r.lines[0]).toBe('Name,ResourceID,Collection,Advertisement,Last state,Check,At risk,Reason');
    expect(r.lines).toHaveLength(11);
    expect(r.lines[1]).toBe('"\'=HYPERLINK(""x"",""PC, \\""one\\"""")",1000,MTN00100,XXX20001,download in progress,READY,yes,OS advertisement: download in progress');
    expect(r.lines).toContain(`${clientName(1)},1001,MTN00100,XXX20001,download complete,NOT READY CACHE_TOO_SMALL,yes,check: NOT READY CACHE_TOO_SMALL`);
    expect(r.lines).toContain(`${clientName(4)},1004,MTN00100,XXX20001,succeeded,READY,no,`);
    for (const bad of ['+1', '-1', '@x']) expect(readinessCsv({ ...readiness(readinessSite(1), opts), clients: [{ resourceId: 1, name: bad, state: 's', atRisk: false, reason: '' }] })[1]).toMatch(new RegExp(`^'\\${bad}`));
  });

  it('the lazy AssignedSchedule: there only when the advertisement is got by path; a query\'s object written back loses it', () => {
    const site = readinessSite(1);
    const q = site.query('select * from SMS_Advertisement').find((a) => a.get('AdvertisementID') === 'XXX20001')!;
    expect(q.get('AssignedSchedule')).toBeUndefined();
    expect(q.text()).not.toContain('AssignedSchedule =');
    expect(q.text()).toContain('AssignedScheduleEnabled = TRUE;');
    expect(site.get("SMS_Advertisement.AdvertisementID='XXX20001'").text()).toContain('instance of SMS_ST_NonRecurring');
    q.set('Comment', 'x');
    q.put();
    expect(site.adverts[0]!.AssignedSchedule).toBeUndefined();
    // and readiness then says there is no mandatory time
    const r = readiness(site, opts);
    expect(r.mandatory).toBeUndefined();
    expect(readinessLines(r)).toContain('Mandatory time: none.');
    expect(r.schedule[0]!.warnings.map((w) => w.kind)).toContain('not-mandatory');
  });

  it('zticache util /enable writes the advertisement got by path: its schedule is kept', async () => {
    const site = readinessSite(1);
    site.programs.find((p) => p.ProgramName === 'Install XP')!.CommandLine = 'osdlaunch.exe';
    site.adverts[0]!.RemoteClientFlags = 0x08;
    const lines: string[] = [];
    await runUtil({ whatIf: false, advertisement: 'XXX20001', enable: true }, { connect: () => site, out: (l) => lines.push(l), findStager: async () => true });
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x10);
    expect(site.adverts[0]!.AssignedSchedule).toHaveLength(1);
    // and the report's schedule check read it
    expect(lines).toContain("  Mandatory time:    Mon 2026-12-14 06:00 (each client's local time)");
  });

  it('a mandatory time passed; a check targeting another collection; advertisements without download and execute: said', async () => {
    const site = readinessSite(3);
    site.adverts[1]!.CollectionID = 'MTN00200';
    site.adverts[1]!.RemoteClientFlags = 0x08;
    site.adverts[0]!.RemoteClientFlags = 0x08;
    const lines: string[] = [];
    await runUtil({ whatIf: false, readiness: true, advertisement: 'XXX20001', checkAdvertisement: 'XXX20002' }, { connect: () => site, out: (l) => lines.push(l), now: () => new Date(2026, 11, 14, 8, 30) });
    const text = lines.join('\n');
    expect(text).toContain("Mandatory time: Mon 2026-12-14 06:00 (each client's local time); passed 2 h 30 min ago.");
    expect(text).toContain('Note: the check advertisement XXX20002 targets collection MTN00200, not MTN00100: clients of MTN00100 outside it have no check status.');
    expect(text).toContain('Note: the check advertisement XXX20002 runs from the distribution point (download and execute off): its READY checks the distribution point\'s copy, not the client\'s cache.');
    expect(text).toContain('Note: advertisement XXX20001 runs from the distribution point (download and execute off): no client caches the package ahead; zticache util /advertisement:XXX20001 /enable:true turns it on.');
  });

  it('refusals: what /readiness does not take is USAGE before connecting; an advertisement not there is SMS_OBJECT_NOT_FOUND', async () => {
    const cases: Array<[Partial<UtilOptions>, RegExp]> = [
      [{ advertisement: undefined }, /\/readiness needs the OS advertisement/],
      [{ enable: true }, /leave out \/enable/],
      [{ package: 'P' }, /leave out \/package/],
      [{ force: true }, /only reads: leave out \/force/],
      [{ whatIf: true }, /only reads: leave out \/what-if/],
      [{ readiness: false, checkAdvertisement: 'X' }, /\/check-advertisement goes with \/readiness/],
      [{ readiness: false, format: 'json' }, /\/json goes with the report alone \(no \/advertisement, \/package or \/enable\) or with \/readiness/],
      [{ readiness: false, format: 'csv' }, /\/csv goes with \/readiness/],
    ];
    for (const [o, m] of cases) {
      let connected = false;
      const err = await runUtil({ whatIf: false, readiness: true, advertisement: 'XXX20001', ...o }, { connect: () => { connected = true; return memorySite(); }, out: () => {} }).catch((e) => e);
      expect(err, JSON.stringify(o)).toBeInstanceOf(ZtiError);
      expect(err.exitCode).toBe(ExitCode.USAGE);
      expect(err.message).toMatch(m);
      expect(connected).toBe(false);
    }
    const r = await run(readinessSite(1), { advertisement: 'XXX29999' });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(r.error?.message).toMatch(/^zticache util: retrieving advertisement XXX29999: /);
    const c = await run(readinessSite(1), { checkAdvertisement: 'XXX29998' });
    expect(c.error?.message).toMatch(/^zticache util: retrieving check advertisement XXX29998: /);
    // the provider dropping mid-way through the status
    const site = readinessSite(5);
    site.failEnumAt = { cls: 'SMS_ClientAdvertisementStatus', n: 3 };
    const d = await run(site, {});
    expect(d.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(d.error?.message).toMatch(/^zticache util: querying SMS_ClientAdvertisementStatus: .*RPC_S_CALL_FAILED/);
  });
});

/** RFC 4180 as a spreadsheet reads it: quoted cells with "" inside, commas and line breaks in quotes */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (c !== '\r') cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** every record of the site, to compare before and after */
const snapshot = (site: MemorySite) => JSON.stringify(['SMS_Package', 'SMS_Program', 'SMS_Advertisement', 'SMS_Collection', 'SMS_FullCollectionMembership', 'SMS_ClientAdvertisementStatus', 'SMS_CollectToSubCollect'].map((c) => site.table(c)));

describe('zticache util /readiness attacked as an admin would', () => {
  it('reads only: every form leaves every record of the site as it was, with no Put_, method call or Delete_', async () => {
    const site = readinessSite(50);
    const before = snapshot(site);
    for (const format of ['text', 'json', 'csv'] as const) {
      const r = await run(site, { checkAdvertisement: 'XXX20002', format, bandwidthMbps: 2 });
      expect(r.error, format).toBeUndefined();
    }
    expect(snapshot(site)).toBe(before);
    expect(site.puts).toEqual([]);
    expect(site.putCalls).toBe(0);
    expect(site.calls).toEqual([]);
    expect(site.removed).toEqual([]);
  });

  it('--json and --csv parse, and carry every client of the collection with its state, check and reason; names with quotes, commas and line breaks come back whole', async () => {
    const n = 200;
    const site = readinessSite(n);
    site.members[3]!.Name = 'PC "three", of\nthe lab';
    site.members[7]!.Name = '\tPC7';
    const j = await run(site, { checkAdvertisement: 'XXX20002', format: 'json' });
    const doc = JSON.parse(j.text);
    const c = await run(site, { checkAdvertisement: 'XXX20002', format: 'csv' });
    const rows = parseCsv(c.text);
    expect(rows[0]).toEqual(['Name', 'ResourceID', 'Collection', 'Advertisement', 'Last state', 'Check', 'At risk', 'Reason']);
    expect(rows).toHaveLength(n + 1);
    expect(doc.clients).toHaveLength(n);
    const e = expected(n);
    const risky = new Map(e.atRisk.map((x) => [x.name, x.reason]));
    for (let i = 0; i < n; i++) {
      const name = site.members[i]!.Name as string;
      const state = OS_PATTERN[i % 8] === undefined ? 'no status' : STATE.get(OS_PATTERN[i % 8]!)!;
      const fromJson = doc.clients.find((x: { resourceId: number }) => x.resourceId === 1000 + i);
      expect(fromJson, name).toMatchObject({ name, state });
      const fromCsv = rows.find((r) => r[1] === String(1000 + i))!;
      expect(fromCsv[0], name).toBe(name.startsWith('\t') ? `'${name}` : name);
      expect(fromCsv.slice(2, 6)).toEqual(['MTN00100', 'XXX20001', state, fromJson.check]);
      if (i !== 3 && i !== 7) {
        expect(fromCsv[6]).toBe(risky.has(name) ? 'yes' : 'no');
        expect(fromCsv[7]).toBe(risky.get(name) ?? '');
      }
      expect(fromJson.atRisk ? 'yes' : 'no').toBe(fromCsv[6]);
      expect(fromJson.reason).toBe(fromCsv[7]);
    }
    expect(doc.states).toEqual(e.states);
    expect(doc.atRisk).toHaveLength(e.atRisk.length);
  });

  it('0 members: counts of 0, said as such, nothing undefined or NaN in any form', async () => {
    const site = readinessSite(0);
    const r = await run(site, { checkAdvertisement: 'XXX20002' });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('for collection MTN00100 "Deploy XP": 0 clients.');
    expect(r.text).toContain('Note: collection MTN00100 has no members: its membership may not have been evaluated yet, or its rules select no computer');
    expect(r.text).toContain('At risk: 0 of 0 clients.');
    expect(r.text).not.toMatch(/undefined|NaN|Infinity/);
    const j = JSON.parse((await run(site, { checkAdvertisement: 'XXX20002', format: 'json' })).text);
    expect(j.clients).toEqual([]);
    expect(Object.values(j.states).every((v) => v === 0)).toBe(true);
    expect((await run(site, { checkAdvertisement: 'XXX20002', format: 'csv' })).lines).toHaveLength(1);
  });

  it('a package of PackageSize 0: size "not known", no bytes or rate, no cache warning; the counts as ever', async () => {
    const site = readinessSite(8);
    site.packages[0]!.PackageSize = 0;
    const r = await run(site, { checkAdvertisement: 'XXX20002', bandwidthMbps: 10 });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('  Package size:      not known to the site (PackageSize 0)');
    expect(r.text).not.toMatch(/Bytes to move|Average rate|At 10 Mbit\/s|Default cache|default cache/);
    expect(r.text).not.toMatch(/undefined|NaN|Infinity/);
    expect(r.text).toContain('At risk: ');
  });

  it('an advertisement without a mandatory time, or with its assignment switched off: "none", no time left, warned; JSON without a time', async () => {
    for (const change of [(a: Record<string, unknown>) => delete a.AssignedSchedule, (a: Record<string, unknown>) => (a.AssignedScheduleEnabled = false)]) {
      const site = readinessSite(8);
      change(site.adverts[0]!);
      const r = await run(site, { checkAdvertisement: 'XXX20002' });
      expect(r.error).toBeUndefined();
      expect(r.text).toContain('Mandatory time: none.');
      expect(r.text).toMatch(/Warning: advertisement XXX20001 has no mandatory time/);
      expect(r.text).not.toMatch(/left\.|ago\.|Window:|undefined|NaN/);
      const j = JSON.parse((await run(site, { format: 'json' })).text);
      expect(j.mandatory).toBeUndefined();
      expect(j.leftMs).toBeUndefined();
      expect(j.schedule[0].warnings.map((w: { kind: string }) => w.kind)).toContain('not-mandatory');
    }
  });

  it('status rows of machines no longer in the collection (the OS advertisement\'s and the check\'s) are left out of every count, list and row, and said', async () => {
    const site = readinessSite(10);
    site.statuses.push({ AdvertisementID: 'XXX20002', ResourceID: 999999, LastState: 11, LastExecutionResult: '900000012' });
    site.statuses.push({ AdvertisementID: 'xxx20001 ', ResourceID: 888888, LastState: 5, LastExecutionResult: '' });
    const r = await run(site, { checkAdvertisement: 'XXX20002' });
    const e = expected(10);
    expect(r.text).toContain('Note: 2 status rows of advertisement XXX20001 belong to clients no longer in collection MTN00100: left out.');
    expect(r.text).toContain(`At risk: ${e.atRisk.length} of 10 clients:`);
    expect(r.text).not.toMatch(/999999|888888/);
    const j = JSON.parse((await run(site, { checkAdvertisement: 'XXX20002', format: 'json' })).text);
    expect(j.checks).toEqual(e.checks);
    expect(j.states).toEqual(e.states);
    const csv = (await run(site, { checkAdvertisement: 'XXX20002', format: 'csv' })).lines;
    expect(csv).toHaveLength(11);
  });

  it('a small collection, every fact exact: the notes, the states, the schedule\'s package size and the free space the collection must give with /scratch-mb, the clients whose cache is too small', () => {
    const site = readinessSite(16);
    const r = readiness(site, { ...opts, scratchMb: 600 });
    expect(r.notes).toEqual(['1 status row of advertisement XXX20001 belongs to clients no longer in collection MTN00100: left out']);
    expect(r.states).toEqual(expected(16).states);
    expect(Object.keys(r.states)).toEqual(['download in progress', 'download complete', 'waiting', 'running', 'succeeded', 'failed', 'no status']);
    expect(r.schedule[0]!.packageBytes).toBe(1.5 * 1024 ** 3);
    // 1536 MB + 600 MB of scratch space is more than the collection's 2048 MB
    expect(r.schedule[0]!.warnings.map((w) => w.kind)).toEqual(['collection-not-limited', 'cache-smaller', 'cache-smaller']);
    expect(r.schedule[0]!.warnings[0]!.text).toContain('(2136 MB)');
    expect(r.schedule[0]!.warnings[2]!.text).toMatch(/^3 clients reported a cache smaller than the package/);
  });

  it('a client rebooting into the install holds the package (no check needed); a member listed twice counts once; a nameless one is shown by its resource ID; without the check its CSV cell is empty', async () => {
    const site = readinessSite(0);
    site.members.push({ CollectionID: 'MTN00100', ResourceID: 7, Name: 'PCREBOOT' }, { CollectionID: 'MTN00100', ResourceID: 7, Name: 'PCREBOOT' }, { CollectionID: 'MTN00100', ResourceID: 8, Name: '' });
    site.statuses.push({ AdvertisementID: 'XXX20001', ResourceID: 7, LastState: 12, LastExecutionResult: '' });
    site.statuses.push({ AdvertisementID: 'XXX20002', ResourceID: 7, LastState: 11, LastExecutionResult: '900000012' });
    const r = readiness(site, opts);
    expect(r.collection.members).toBe(2);
    expect(r.states['reboot pending']).toBe(1);
    expect(r.clients.find((c) => c.resourceId === 7)).toMatchObject({ state: 'reboot pending', check: 'NOT READY VERIFY_FAILED', atRisk: false, reason: '' });
    expect(readinessLines(r)).toContain('  (resource 8)        OS advertisement: no status; check: no status (the check has not run)');
    const csv = (await run(site, { format: 'csv' })).lines;
    expect(csv.slice(1)).toEqual([',8,MTN00100,XXX20001,no status,,yes,OS advertisement: no status', 'PCREBOOT,7,MTN00100,XXX20001,reboot pending,,no,']);
  });

  it('IDs with a quote or a backslash are looked for as themselves through the one escaper, never as an invalid path or query; the check\'s advertisement the OS one again is USAGE', async () => {
    const site = readinessSite(3);
    const r = await run(site, { advertisement: "XXX'2\\1" });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(site.gets).toEqual(["SMS_Advertisement.AdvertisementID='XXX\\'2\\\\1'"]);
    // an advertisement whose collection ID carries them (a hand-made double, not a real site): queried escaped
    site.adverts[0]!.CollectionID = "MTN'00\\100";
    site.collections[0]!.CollectionID = "MTN'00\\100";
    for (const m of site.members) if (m.CollectionID === 'MTN00100') m.CollectionID = "MTN'00\\100";
    const q = await run(site, {});
    expect(q.error).toBeUndefined();
    expect(q.text).toContain(': 3 clients.');
    expect(site.queries).toContain("select ResourceID, Name from SMS_FullCollectionMembership where CollectionID = 'MTN\\'00\\\\100'");
    const same = await run(site, { checkAdvertisement: 'xxx20001' });
    expect(same.error?.exitCode).toBe(ExitCode.USAGE);
    expect(same.error?.message).toMatch(/\/check-advertisement is the advertisement of zticache check, not the OS advertisement XXX20001 again/);
  });
});

describe('what a status row says', () => {
  it('LastState by its number, as SMS_AdvertisementStatusInformation names them; -1 as a UInt32 too', () => {
    expect([5, 6, 8, 9, 13, 11, 0].map(stateName)).toEqual(['download in progress', 'download complete', 'waiting', 'running', 'succeeded', 'failed', 'no status']);
    expect(stateName(-1)).toBe('accepted, no further status');
    expect(stateName(0xffffffff)).toBe('accepted, no further status');
    expect(stateName(12)).toBe('reboot pending');
    expect([1, 2, 3, 4, 7, 10].map(stateName)).toEqual(['accepted', 'rejected', 'expired', 'will not rerun', 'canceled', 'retrying']);
    expect(stateName(42)).toBe('state 42');
    expect(stateName(undefined)).toBe('no status');
    expect(stateName(null)).toBe('no status');
    expect(stateName('')).toBe('no status');
  });

  it('the check\'s result: its READY / NOT READY line, or its exit code named from the table', () => {
    const r = (state: string, result: string) => checkReason({ state, result });
    expect(checkReason(undefined)).toBe('no status (the check has not run)');
    expect(r('no status', '')).toBe('no status (the check has not run)');
    expect(r('succeeded', 'READY XXX00001: 3 files')).toBe('READY');
    expect(r('failed', 'NOT READY XXX00001: NO_SPACE: not enough free space')).toBe('NOT READY NO_SPACE');
    expect(r('failed', '  NOT READY PKG: VERIFY_FAILED: x')).toBe('NOT READY VERIFY_FAILED');
    // the MIF's Description as zticache check writes it: the code's name and its way out first
    expect(r('failed', 'NOT READY XXX00001.1.System: CACHE_TOO_SMALL (raise the client cache): the client cache (250 MB at C:\\Windows\\ccmcache) is sm')).toBe('NOT READY CACHE_TOO_SMALL');
    // and as it writes it since the issue-39 attack: the code right after "NOT READY:", the package last
    expect(r('failed', 'NOT READY: LAUNCHER_MISSING (fix the launcher in the package): no OSDLaunch.exe (package XXX00001: a long name)')).toBe('NOT READY LAUNCHER_MISSING');
    expect(r('succeeded', '0')).toBe('READY');
    expect(r('failed', '0')).toBe('failed (exit code 0)');
    expect(r('failed', '900000032')).toBe('NOT READY CACHE_TOO_SMALL');
    expect(r('failed', '-2147024891')).toBe('failed (exit code 2147942405)'); // 0x80070005 as a signed 32-bit number
    expect(r('failed', '5')).toBe('failed (exit code 5)');
    expect(r('succeeded', '')).toBe('READY');
    expect(r('failed', '')).toBe('failed');
    expect(r('failed', 'the disk is gone')).toBe('failed (the disk is gone)');
    expect(r('running', '')).toBe('not finished (running)');
    expect(r('download in progress', '')).toBe('not finished (download in progress)');
    expect(r('succeeded', 'NOT READYX')).toBe('READY');
  });
});

// keep the type used
export type { Readiness };
export { readinessJson };
