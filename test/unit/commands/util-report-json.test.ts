// zticache util /json: the report as one JSON document instead of the table, with every row the
// table has (the table read back into the same shape here, so a row the JSON lacks, or one it
// adds, fails), and nothing else on the console: no "Connecting" line, no usage.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { utilCommand } from '../../../src/commands/util/command.js';
import type { Report } from '../../../src/commands/util/report.js';
import { ComError, type Dispatch } from '../../../src/core/automation.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import type { Platform } from '../../../src/platform/platform.js';
import { VERSION } from '../../../src/core/version.js';
import { CLI } from '../../helpers/fixtures.js';
import { util, xpSite } from '../../helpers/util-site.js';

/** a site with a warning, a program without advertisements, a second package, objects being deleted, and a schedule check */
function site() {
  const s = xpSite('osdlaunch.exe /x', 0x10);
  s.adverts[0]!.CollectionID = 'XXX00010';
  s.adverts[0]!.AssignedSchedule = [{ __class: 'SMS_ST_NonRecurring', StartTime: '20261208100000.000000+***', IsGMT: false }];
  s.programs.push({ PackageID: 'XXX00001', ProgramName: 'Capture', CommandLine: 'zticache.exe -- /capture', ActionInProgress: 0 });
  s.programs.push({ PackageID: 'XXX00001', ProgramName: 'Old', CommandLine: 'osdlaunch.exe', ActionInProgress: 3 });
  s.packages.push({ PackageID: 'XXX00002', Name: 'Vista "Gold"', ImageFlags: 1, ActionInProgress: 0 });
  s.programs.push({ PackageID: 'XXX00002', ProgramName: 'Install Vista', CommandLine: 'zticache.exe', ActionInProgress: 0 });
  s.adverts.push({ AdvertisementID: 'XXX20002', PackageID: 'XXX00002', ProgramName: 'Install Vista', RemoteClientFlags: 0x08, ActionInProgress: 0 });
  s.collections.push({ CollectionID: 'XXX00010', Name: 'XP clients' });
  return s;
}

/** The table read back: the report's shape, from its lines. */
function fromTable(lines: string[]) {
  const value = (l: string) => l.slice(l.indexOf(':') + 1).trim();
  const packages: Array<{ id: string; name: string; programs: Array<{ name: string; commandLine: string; cacheEnabled: boolean; advertisements: Array<{ id: string; flagsText: string; downloadEnabled: boolean; warning?: string }> }> }> = [];
  const schedules: Array<{ advertisementId: string; lines: string[]; warnings: string[] }> = [];
  let leftOut = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const prog = packages.at(-1)?.programs.at(-1);
    const ad = prog?.advertisements.at(-1);
    if (l.startsWith('Left out')) leftOut = l;
    else if (l.startsWith('OS Package ID:')) packages.push({ id: value(l), name: '', programs: [] });
    else if (l.startsWith('OS Package Name:')) packages.at(-1)!.name = value(l);
    else if (l.startsWith(' OS Program Name:')) packages.at(-1)!.programs.push({ name: value(l), commandLine: '', cacheEnabled: false, advertisements: [] });
    else if (l.startsWith(' OS Program command line:')) prog!.commandLine = value(l);
    else if (l.startsWith(' OS Program cache enabled:')) prog!.cacheEnabled = value(l) === 'True';
    else if (l.startsWith('  OS Advertisement ID:')) prog!.advertisements.push({ id: value(l), flagsText: '', downloadEnabled: false });
    else if (l.startsWith('  OS Advertisement flags:')) ad!.flagsText = value(l);
    else if (l.startsWith('  Download enabled:')) ad!.downloadEnabled = value(l) === 'True';
    else if (l.startsWith('Warning: zticache.exe must')) ad!.warning = `${l.slice('Warning: '.length)} ${lines[++i]}`;
    else if (l.startsWith('Schedule check of advertisement ')) schedules.push({ advertisementId: l.split(' ')[4]!, lines: [], warnings: [] });
    else if (l.startsWith('  Warning: ')) schedules.at(-1)!.warnings.push(l.slice('  Warning: '.length));
    else if (l.startsWith('  ') && schedules.length) schedules.at(-1)!.lines.push(l.slice(2));
  }
  return { how: lines[0], leftOut, packages, schedules };
}

describe('zticache util /json', () => {
  it('prints one JSON document holding every row of the table, and nothing else', async () => {
    const table = await util(site(), {});
    expect(table.code, table.msg).toBe('SUCCESS');
    const json = await util(site(), { format: 'json' });
    expect(json.code, json.msg).toBe('SUCCESS');
    expect(json.out.startsWith('{')).toBe(true);
    const r = JSON.parse(json.out) as Report & Record<string, unknown>;
    const lines = table.out.split('\n');
    expect(lines[0]).toBe('Connecting to SMS provider server SERVER1 and site MTN.');
    // the table's first row is the document's head: which site it is of, and from which zticache
    expect(r).toMatchObject({ tool: 'zticache', command: 'util', version: VERSION, server: 'SERVER1', site: 'MTN' });
    expect(Object.keys(r).slice(0, 5)).toEqual(['tool', 'command', 'version', 'server', 'site']);
    const t = fromTable(lines.slice(1));
    // the table, as the JSON has it
    expect({
      how: r.how,
      leftOut: `Left out, being deleted by the site (ActionInProgress 3): ${r.leftOut.programs} program.`,
      packages: r.packages.map((p) => ({ ...p, programs: p.programs.map((g) => ({ ...g, advertisements: g.advertisements.map(({ flags: _f, ...a }) => a) })) })),
      schedules: r.schedules.map((sc) => ({ advertisementId: sc.advertisementId, lines: sc.lines, warnings: sc.warnings.map((w) => w.text) })),
    }).toEqual(t);
    // what the table has, and the JSON too
    expect(r.leftOut).toEqual({ packages: 0, programs: 1, advertisements: 0 });
    expect(r.packages.map((p) => p.id)).toEqual(['XXX00001', 'XXX00002']);
    expect(r.packages[1]!.name).toBe('Vista "Gold"');
    expect(r.packages[0]!.programs.map((p) => [p.name, p.cacheEnabled, p.advertisements.length])).toEqual([['Install XP', false, 1], ['Capture', true, 0]]);
    const ad = r.packages[0]!.programs[0]!.advertisements[0]!;
    expect(ad).toMatchObject({ id: 'XXX20001', flags: 0x10, downloadEnabled: true, warning: 'zticache.exe must be enabled on XXX00001 and Install XP in order for download and execute to be successful for advertisement XXX20001.' });
    expect(r.packages[1]!.programs[0]!.advertisements[0]).toEqual({ id: 'XXX20002', flags: 8, flagsText: '8 (0x8: RUN_FROM_LOCAL_DISPPOINT)', downloadEnabled: false });
    expect(r.schedules.map((sc) => sc.advertisementId)).toEqual(['XXX20001']);
    expect(r.schedules[0]!.lines.length).toBeGreaterThan(3);
    expect(t.schedules[0]!.lines).toEqual(r.schedules[0]!.lines);
  });

  it('is the report alone: with a change, or /csv without /readiness, USAGE before connecting', async () => {
    for (const o of [{ advertisement: 'XXX20001', enable: true }, { package: 'XXX00001', program: 'Install XP', enable: false }, { enable: true }, { advertisement: 'XXX20001' }]) {
      const s = site();
      let connected = false;
      const connect = s.get;
      s.get = (p) => { connected = true; return connect(p); };
      const r = await util(s, { ...o, format: 'json' });
      expect(r.code, JSON.stringify(o)).toBe('USAGE');
      expect(r.msg).toBe('zticache util: /json goes with the report alone (no /advertisement, /package or /enable) or with /readiness');
      expect(r.out).toBe('');
      expect(connected).toBe(false);
    }
    expect((await util(site(), { format: 'csv' })).msg).toBe('zticache util: /csv goes with /readiness');
  });

  it('zticache util /json prints no usage before the document', async () => {
    const lines: string[] = [];
    const platform = {
      createObject: (): Dispatch => ({ get: () => undefined, put: () => {}, items: () => [], release: () => {}, call: (_n, server, ns) => { throw new ComError(`ConnectServer(${server}, ${ns})`, 0x800706ba); } }),
    } as unknown as Platform;
    const rt = { execPath: process.execPath, packaged: false, scriptPath: CLI };
    await expect(utilCommand(parseArgs(['util', '/json']), platform, (l) => lines.push(l), rt)).rejects.toMatchObject({ exitCode: ExitCode.SMS_PROVIDER_UNAVAILABLE });
    expect(lines).toEqual([]);
    await expect(utilCommand(parseArgs(['util']), platform, (l) => lines.push(l), rt)).rejects.toMatchObject({ exitCode: ExitCode.SMS_PROVIDER_UNAVAILABLE });
    expect(lines[0]).toMatch(/^Usage: zticache util/);
  });
});
