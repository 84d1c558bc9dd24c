// zticache util's decisions against an SMS site in memory: resolve, then write (a refused Put_ at
// every position leaves the site as the message says, with the command that undoes it), the two
// bits and nothing else, only what is zticache's changed (arguments kept, a foreign program or a
// package that is not an OS package refused without /force), object paths escaped, the report
// linear and joined without case, the package-source check's three answers, and each failure's code.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ComError, type Dispatch, type Variant } from '../../../src/core/automation.js';
import { connectSms } from '../../../src/commands/util/site.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { describeFlags, REMOTE_CLIENT_FLAGS, withDownloadAndExecute } from '../../../src/commands/util/flags.js';
import { runUtil, utilUsage, type UtilOptions } from '../../../src/commands/util/util.js';
import { memorySite, pathKeys, type MemorySite } from '../../helpers/sms-site.js';
import { objectPath } from '../../../src/commands/util/object-path.js';
import { stagerFolder } from '../../../src/commands/util/source-check.js';
import { utilCommand } from '../../../src/commands/util/command.js';
import { findStagerInChild, lookChild, lookForStager } from '../../../src/commands/util/look.js';
import { parseCommandLine, rewriteCommandLine } from '../../../src/commands/util/command-line.js';
import { parseArgs } from '../../../src/cli/args.js';
import type { Platform } from '../../../src/platform/platform.js';
import { CLI, tempDir, waitFor } from '../../helpers/fixtures.js';
import { fromCmd, splitCommandLine } from '../../../src/commands/util/undo.js';

/** A site as the document's example has it, its advertisement carrying settings the script wiped. */
function xpSite(flags = 0x08 | 0x20 | 0x400 | 0x2000) {
  return memorySite({
    packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1, PkgSourcePath: '\\\\SERVER1\\pkgs\\xp' }, { PackageID: 'XXX00002', Name: 'Office', ImageFlags: 0 }],
    programs: [{ PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: 'osdlaunch.exe' }, { PackageID: 'XXX00002', ProgramName: 'Setup', CommandLine: 'setup.exe' }],
    adverts: [{ AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: flags }],
  });
}

async function run(site: MemorySite, o: Partial<UtilOptions>, findStager?: (folder: string) => Promise<boolean | string>) {
  const lines: string[] = [];
  let error: ZtiError | undefined;
  try {
    await runUtil({ whatIf: false, ...o }, { connect: () => site, out: (l) => lines.push(l), findStager });
  } catch (err) {
    if (!(err instanceof ZtiError)) throw err;
    error = err;
  }
  return { lines, text: lines.join('\n'), error };
}
const answer = (a: boolean | string) => async () => a;
/** Runs a command line zticache printed (`zticache util ...`) as cmd.exe, the C runtime and zticache's parser read it. */
async function runLine(site: MemorySite, line: string, findStager?: (folder: string) => Promise<boolean | string>) {
  const argv = splitCommandLine(fromCmd(line));
  expect(argv[0]).toBe('zticache');
  const a = parseArgs(argv.slice(1));
  expect(a.command).toBe('util');
  return run(site, { server: a.server, package: a.package, program: a.program, advertisement: a.advertisement, enable: a.enable, force: a.force }, findStager);
}
/** the site's records as they are, to show what a run changed */
const state = (site: MemorySite) => JSON.stringify([site.packages, site.programs, site.adverts]);

describe('RemoteClientFlags: download and execute is two bits, every other setting is kept', () => {
  it('for every named bit, on and off', () => {
    for (const [bit] of REMOTE_CLIENT_FLAGS) {
      if (bit === 0x08 || bit === 0x10) continue;
      expect(withDownloadAndExecute(bit | 0x08, true), `0x${bit.toString(16)}`).toBe((bit | 0x10) >>> 0);
      expect(withDownloadAndExecute(bit | 0x10, false), `0x${bit.toString(16)}`).toBe((bit | 0x08) >>> 0);
    }
    // and unnamed high bits too
    expect(withDownloadAndExecute(0x80000008, true)).toBe(0x80000010);
    expect(withDownloadAndExecute(0x18, false)).toBe(0x08);
  });

  it('every bit has the SDK\'s name, in bit order; bits without one are shown in hex', () => {
    expect(describeFlags(0xffffffff)).toBe('4294967295 (0xFFFFFFFF: ' + [
      'BATTERY_POWER', 'RUN_FROM_CD', 'DOWNLOAD_FROM_CD', 'RUN_FROM_LOCAL_DISPPOINT', 'DOWNLOAD_FROM_LOCAL_DISPPOINT',
      'DONT_RUN_NO_LOCAL_DISPPOINT', 'DOWNLOAD_FROM_REMOTE_DISPPOINT', 'RUN_FROM_REMOTE_DISPPOINT',
      'DOWNLOAD_ON_DEMAND_FROM_LOCAL_DP', 'DOWNLOAD_ON_DEMAND_FROM_REMOTE_DP', 'BALLOON_REMINDERS_REQUIRED',
      'RERUN_ALWAYS', 'RERUN_NEVER', 'RERUN_IF_FAILED', 'RERUN_IF_SUCCEEDED', 'PERSIST_ON_WRITE_FILTER_DEVICES',
      'DONT_FALLBACK', 'DP_ALLOW_METERED_NETWORK', '0xFFF90000',
    ].join('|') + ')');
    expect(REMOTE_CLIENT_FLAGS.map(([bit]) => bit.toString(16))).toEqual(['1', '2', '4', '8', '10', '20', '40', '80', '100', '200', '400', '800', '1000', '2000', '4000', '8000', '20000', '40000']);
  });

  it('the script\'s 48 and 40 read as names', () => {
    expect(describeFlags(48)).toBe('48 (0x30: DOWNLOAD_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT)');
    expect(describeFlags(40)).toBe('40 (0x28: RUN_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT)');
    expect(describeFlags(0x10000)).toBe('65536 (0x10000: 0x10000)');
    expect(describeFlags(0)).toBe('0 (0x0: none)');
  });
});

describe('zticache util: download and execute on and off', () => {
  it('/advertisement /enable:true: the program named by the advertisement first, then the two bits; the report says so', async () => {
    const site = xpSite();
    const r = await run(site, { advertisement: 'XXX20001', enable: true }, answer(true));
    expect(r.error).toBeUndefined();
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x10 | 0x20 | 0x400 | 0x2000);
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe');
    expect(site.programs[1]!.CommandLine).toBe('setup.exe');
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    // every check before the first write: the objects, then the package source, then the writes
    expect(r.lines.slice(0, 8)).toEqual([
      'Connecting to SMS provider server SERVER1 and site MTN.',
      'Retrieving advertisement object for advertisement XXX20001.',
      'Retrieving program object for package XXX00001 and program Install XP.',
      'Be sure to include zticache.exe in the OS package by including it as a',
      'required file on at least one custom action.',
      'zticache.exe is in the package source \\\\SERVER1\\pkgs\\xp.',
      'Set the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe".',
      'Set download and execute on for advertisement XXX20001: RemoteClientFlags 9256 (0x2428: RUN_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT|BALLOON_REMINDERS_REQUIRED|RERUN_IF_FAILED) -> 9264 (0x2430: DOWNLOAD_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT|BALLOON_REMINDERS_REQUIRED|RERUN_IF_FAILED).',
    ]);
    expect(r.text).toMatch(/OS Package ID: +XXX00001\nOS Package Name: +XP Master\n OS Program Name: +Install XP\n OS Program command line: +zticache\.exe\n OS Program cache enabled: True\n  OS Advertisement ID: +XXX20001\n  OS Advertisement flags: +9264 \(0x2430: [A-Z_|]+\)\n  Download enabled: +True/);
    expect(r.text).not.toMatch(/XXX00002|Warning: zticache\.exe must/);
  });

  it('/enable:false: the advertisement first; the program back to osdlaunch.exe only when named (the document\'s Listing 23)', async () => {
    const site = xpSite(0x10 | 0x20 | 0x8000);
    site.programs[0]!.CommandLine = 'zticache.exe';
    const alone = await run(site, { advertisement: 'XXX20001', enable: false });
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x08 | 0x20 | 0x8000);
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe'); // the script, too, left the program alone here
    expect(site.puts).toEqual(['SMS_Advertisement']);
    expect(alone.text).toContain('Set download and execute off for advertisement XXX20001: RemoteClientFlags ');
    expect(alone.text).not.toMatch(/Retrieving program object|Be sure to include|package source/);
    const r = await run(site, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(site.programs[0]!.CommandLine).toBe('osdlaunch.exe');
    expect(r.text).toContain('Set the command line of package XXX00001 program Install XP: "zticache.exe" -> "osdlaunch.exe".');
    expect(r.text).not.toContain('Be sure to include');
    const both = xpSite(0x10);
    both.programs[0]!.CommandLine = 'zticache.exe';
    await run(both, { advertisement: 'XXX20001', package: 'xxx00001', program: 'install xp', enable: false });
    expect(both.puts).toEqual(['SMS_Advertisement', 'SMS_Program']);
  });

  it('what is already so is said and not written again', async () => {
    const site = xpSite(0x30);
    site.programs[0]!.CommandLine = 'zticache.exe';
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(site.puts).toEqual([]);
    expect(r.text).toContain('Download and execute is already enabled on advertisement XXX20001: RemoteClientFlags 48 (0x30');
    expect(r.text).toContain('Package XXX00001 program Install XP already runs zticache.exe: "zticache.exe".');
    site.programs[0]!.CommandLine = 'osdlaunch.exe';
    site.adverts[0]!.RemoteClientFlags = 0x08;
    const off = (await run(site, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false })).text;
    expect(off).toContain('already runs osdlaunch.exe: "osdlaunch.exe"');
    expect(off).toContain('Download and execute is already disabled on advertisement XXX20001: RemoteClientFlags 8 (0x8');
  });

  it('--what-if reads and says what would change, and writes nothing', async () => {
    const site = xpSite();
    const before = state(site);
    const r = await run(site, { advertisement: 'XXX20001', enable: true, whatIf: true });
    expect(site.putCalls).toBe(0);
    expect(state(site)).toBe(before);
    expect(r.text).toContain('Would have set the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe".');
    expect(r.text).toContain('Would have set download and execute on for advertisement XXX20001');
  });
});

describe('zticache util: resolve, then write', () => {
  it('a program that does not exist: SMS_OBJECT_NOT_FOUND, and truly nothing was changed (the advertisement is not written first)', async () => {
    const site = xpSite();
    site.adverts[0]!.ProgramName = 'Gone';
    const before = state(site);
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(r.error?.message).toMatch(/^zticache util: retrieving program Gone of package XXX00001: .*WBEM_E_NOT_FOUND \(0x80041002\).*; nothing was changed$/);
    expect(site.putCalls).toBe(0);
    // the provider's own error stays reachable for the log (its HRESULT and words)
    expect(r.error?.cause).toBeInstanceOf(ComError);
    expect((r.error?.cause as ComError).hresult).toBe(0x80041002);
    expect(state(site)).toBe(before);
  });

  it('hostile names reach the provider as one object path: a backslash and a quote escaped', async () => {
    expect(objectPath('SMS_Program', { PackageID: 'XXX00001', ProgramName: "Install XP\\SP2 'final'" })).toBe("SMS_Program.PackageID='XXX00001',ProgramName='Install XP\\\\SP2 \\'final\\''");
    expect(pathKeys(objectPath('SMS_Program', { PackageID: 'A', ProgramName: "a\\'b\\\\c" })).keys).toEqual({ PackageID: 'A', ProgramName: "a\\'b\\\\c" });
    // written by hand, as before: an invalid object path
    expect(() => pathKeys("SMS_Program.PackageID='X',ProgramName='Install XP\\SP2'")).toThrow(/0x8004103A/);
    const site = xpSite();
    site.programs[0]!.ProgramName = 'Install XP\\SP2';
    site.adverts[0]!.ProgramName = 'Install XP\\SP2';
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error).toBeUndefined();
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe');
  });

  it('/package must go with /program, with an advertisement too; /enable needs one of them; and name the advertisement\'s own program', async () => {
    let connected = false;
    const together = 'zticache util: /package and /program go together';
    const needsEnable = 'zticache util: /enable:true or /enable:false is needed to change an advertisement or a program';
    const nameOne = 'zticache util: /enable changes an advertisement (/advertisement:ID) or a program (/package:ID /program:NAME): name one';
    for (const [o, message] of [
      [{ advertisement: 'XXX20001', package: 'XXX00001', enable: true }, together], [{ advertisement: 'XXX20001', program: 'Install XP', enable: true }, together],
      [{ package: 'XXX00001', enable: true }, together], [{ program: 'Install XP', enable: true }, together],
      [{ advertisement: 'XXX20001' }, needsEnable], [{ package: 'XXX00001', program: 'Install XP' }, needsEnable],
      [{ enable: true }, nameOne], [{ enable: false }, nameOne],
    ] as const) {
      let err: unknown;
      try {
        await runUtil({ whatIf: false, ...o }, { connect: () => { connected = true; return xpSite(); }, out: () => {} });
      } catch (e) {
        err = e;
      }
      expect((err as ZtiError).exitCode, JSON.stringify(o)).toBe(ExitCode.USAGE);
      expect((err as ZtiError).message, JSON.stringify(o)).toBe(message);
    }
    expect(connected).toBe(false);
    const site = xpSite();
    site.programs.push({ PackageID: 'XXX00009', ProgramName: 'Other', CommandLine: 'osdlaunch.exe' });
    const before = state(site);
    const r = await run(site, { advertisement: 'XXX20001', package: 'XXX00009', program: 'Other', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.USAGE);
    expect(r.error?.message).toBe('zticache util: advertisement XXX20001 runs program Install XP of package XXX00001, not Other of XXX00009; give that program\'s /package and /program, or leave them out');
    expect(state(site)).toBe(before);
  });

  for (const [enable, first, second] of [[true, 'SMS_Program', 'SMS_Advertisement'], [false, 'SMS_Advertisement', 'SMS_Program']] as const) {
    it(`/enable:${enable}: a Put_ refused at each write leaves the site as the message says, and the undo it names undoes it`, async () => {
      const make = () => {
        const s = xpSite(enable ? 0x08 : 0x10);
        s.programs[0]!.CommandLine = enable ? 'osdlaunch.exe /x' : 'zticache.exe /status-mif:ZTICache.mif -- /x';
        return s;
      };
      const o = { server: 'SERVER1', advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable };
      // the first write refused: nothing changed
      let site = make();
      const before = state(site);
      site.refusePutAt = [1];
      let r = await run(site, o);
      expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
      expect(r.error?.message).toMatch(new RegExp(`^zticache util: writing ${first === 'SMS_Program' ? 'program Install XP of package XXX00001' : 'advertisement XXX20001'} back \\(Put_\\) was refused: Put_ failed: WBEM_E_ACCESS_DENIED \\(0x80041003\\): Access denied; the provider's reason \\(SMS_ExtendedStatus\\): User MTN\\\\admin2 has no Modify permission on the advertisement's collection XXX00010 \\(StatusCode WBEM_E_ACCESS_DENIED \\(0x80041003\\), ErrorCode 0x40480015\\); nothing was changed$`));
      expect(state(site)).toBe(before);
      // the second refused: the first is written, said, and the site consistent
      site = make();
      site.refusePutAt = [2];
      r = await run(site, o);
      // something was written: never a code that says nothing was changed
      expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
      expect(site.puts).toEqual([first]);
      expect(r.error?.cause).toBeInstanceOf(ComError);
      const undo = /undo what was written with: (.*)$/.exec(r.error!.message)![1]!;
      expect(undo).toBe(enable ? 'zticache util /server:SERVER1 /package:XXX00001 /program:"Install XP" /enable:false' : 'zticache util /server:SERVER1 /advertisement:XXX20001 /enable:true');
      expect(r.error!.message).toContain(`writing ${second === 'SMS_Program' ? 'program Install XP of package XXX00001' : 'advertisement XXX20001'} back (Put_) was refused`);
      const said = enable
        ? 'the command line of package XXX00001 program Install XP: "osdlaunch.exe /x" -> "zticache.exe -- /x"'
        : `download and execute off for advertisement XXX20001: RemoteClientFlags ${describeFlags(0x10)} -> ${describeFlags(0x08)}`;
      expect(r.error!.message).toContain(`; written before it: ${said}. The site is consistent: `);
      expect(r.error!.message).toContain(enable
        ? 'The site is consistent: the program runs zticache.exe, which works whether the advertisement downloads or runs from the distribution point (zticache.exe copies the package from there). Run it again to finish, or undo what was written with: '
        : 'The site is consistent: the advertisement runs from the distribution point again, where the program works whatever it runs (zticache.exe copies the package from there). Run it again to finish, or undo what was written with: ');
      // never the state the document warns of: downloading while the program runs osdlaunch.exe
      expect(Number(site.adverts[0]!.RemoteClientFlags) & 0x10 && /osdlaunch/.test(String(site.programs[0]!.CommandLine))).toBeFalsy();
      // the undo, read as Windows and zticache's parser read it, gives the site back
      site.refusePutAt = [];
      expect((await runLine(site, undo)).error).toBeUndefined();
      expect(state(site)).toBe(before);
      // without /server the undo names none (this server, as the run was)
      site = make();
      site.refusePutAt = [2];
      const { server: _, ...here } = o;
      r = await run(site, here);
      expect(/undo what was written with: (.*)$/.exec(r.error!.message)![1]).toBe(enable ? 'zticache util /package:XXX00001 /program:"Install XP" /enable:false' : 'zticache util /advertisement:XXX20001 /enable:true');
    });
  }

  it('a report that fails after a write says the change was written, with the code that says so', async () => {
    const site = xpSite();
    site.failEnumAt = { cls: 'SMS_Advertisement', n: 1 }; // the provider drops mid-enumeration
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.error?.message).toBe('zticache util: the change was written (the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe"; '
      + `download and execute on for advertisement XXX20001: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x2430)}), then the report failed: `
      + 'querying SMS_Advertisement: ExecQuery(select * from SMS_Advertisement)._NewEnum: IEnumVARIANT::Next failed: RPC_S_CALL_FAILED (0x800706BE); the site holds the change: run zticache util without /enable to see the report, '
      + 'or undo what was written with: zticache util /advertisement:XXX20001 /enable:false; with: zticache util /package:XXX00001 /program:"Install XP" /enable:false');
    expect((r.error?.cause as ComError).hresult).toBe(0x800706be);
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    // nothing written (--what-if, or already so): the report's failure is only its own
    for (const o of [{ advertisement: 'XXX20001', enable: true, whatIf: true }, { advertisement: 'XXX20001', enable: false }]) {
      const quiet = xpSite(0x08);
      const q = quiet.query;
      quiet.query = (wql) => { if (/SMS_Advertisement/.test(wql)) throw new ComError('ExecQuery', 0x80041003); return q(wql); };
      const e = (await run(quiet, o)).error;
      expect(e?.exitCode, JSON.stringify(o)).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
      expect(e?.message).toMatch(/querying SMS_Advertisement: .*WBEM_E_ACCESS_DENIED \(0x80041003\)$/);
      expect(quiet.puts).toEqual([]);
    }
  });

  it('a package property that fails other than by COM (not "no such property") is not taken for a missing ImageFlags', async () => {
    const site = xpSite();
    const get = site.get;
    const broken = new TypeError('the provider object is gone');
    site.get = (p) => {
      const o = get(p);
      return /^SMS_Package\./.test(p) ? { ...o, get: (prop) => { if (prop === 'ImageFlags') throw broken; return o.get(prop); } } : o;
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(r.error?.message).toBe('zticache util: retrieving package XXX00001: TypeError: the provider object is gone; nothing was changed');
    expect(r.error?.cause).toBe(broken);
    expect(site.puts).toEqual([]);
    // a property zticache must have, failing by COM, is never read as missing either
    const flags = xpSite();
    const get2 = flags.get;
    flags.get = (p) => {
      const o = get2(p);
      return /^SMS_Advertisement\./.test(p) ? { ...o, get: (prop) => { if (prop === 'RemoteClientFlags') throw new ComError('get RemoteClientFlags', 0x80041003); return o.get(prop); } } : o;
    };
    const f = await run(flags, { advertisement: 'XXX20001', enable: true });
    expect(f.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(f.error?.message).toMatch(/^zticache util: retrieving advertisement XXX20001: get RemoteClientFlags failed: WBEM_E_ACCESS_DENIED/);
  });
});

describe('zticache util: only what is zticache\'s', () => {
  it('reads a command line as Windows starts it: the program part quoted or not, any folder, with or without .exe, spaces around ignored', () => {
    const cases: Array<[string, string, string, string]> = [
      // line, runs, program, args
      ['  osdlaunch.exe /x  ', 'osdlaunch', 'osdlaunch.exe', '/x'],
      ['OSDLAUNCH /x', 'osdlaunch', 'OSDLAUNCH', '/x'],
      ['"C:\\Program Files\\zticache.exe" /status-mif:Z.mif', 'zticache', '"C:\\Program Files\\zticache.exe"', '/status-mif:Z.mif'],
      ['"C:\\Program Files\\zticache.exe', 'zticache', '"C:\\Program Files\\zticache.exe', ''],
      ['\\\\srv\\tools\\ZTICache /x', 'zticache', '\\\\srv\\tools\\ZTICache', '/x'],
      ['zticache.vbs /x', 'zticache-vbs', 'zticache.vbs', '/x'],
      ['cscript.exe //nologo "C:\\BDD\\ZTICache.vbs"', 'zticache-vbs', 'cscript.exe', '//nologo "C:\\BDD\\ZTICache.vbs"'],
      ['cscript.exe myzticache.vbs', 'other', 'cscript.exe', 'myzticache.vbs'],
      ['setup.exe /q', 'other', 'setup.exe', '/q'],
      // what Windows starts, never a name somewhere in the line (issue 35)
      ['wscript //b ZTICache.vbs', 'zticache-vbs', 'wscript', '//b ZTICache.vbs'],
      ['cmd.exe /c copy /y ZTICache.vbs C:\\MININT\\', 'other', 'cmd.exe', '/c copy /y ZTICache.vbs C:\\MININT\\'],
      ['cscript //nologo copy.vbs ZTICache.vbs', 'other', 'cscript', '//nologo copy.vbs ZTICache.vbs'],
      ['setup.exe /log:C:\\Logs\\zticache.vbs', 'other', 'setup.exe', '/log:C:\\Logs\\zticache.vbs'],
      // unquoted with a blank, as CreateProcess reads it: on to the blank that makes it a path
      ['C:\\Program Files\\ZTICache\\zticache.exe --source .', 'zticache', 'C:\\Program Files\\ZTICache\\zticache.exe', '--source .'],
      ['C:\\Program Files (x86)\\OSD\\osdlaunch /x', 'osdlaunch', 'C:\\Program Files (x86)\\OSD\\osdlaunch', '/x'],
      ['OSD Tools\\osdlaunch.exe', 'osdlaunch', 'OSD Tools\\osdlaunch.exe', ''],
      ['run zticache.exe', 'other', 'run', 'zticache.exe'],
      ['setup C:\\x\\zticache.exe', 'other', 'setup', 'C:\\x\\zticache.exe'],
      ['cmd /c Tools\\zticache.exe', 'other', 'cmd', '/c Tools\\zticache.exe'],
      ['C:\\Tools\\setup.exe Files\\zticache.exe', 'other', 'C:\\Tools\\setup.exe', 'Files\\zticache.exe'],
      ['C:\\Program Files\\setup.exe Files\\zticache.exe', 'other', 'C:\\Program', 'Files\\setup.exe Files\\zticache.exe'],
      ['C:\\Program \\x\\zticache.exe', 'other', 'C:\\Program', '\\x\\zticache.exe'],
      ['C:\\Program  Files\\ZTICache\\zticache.exe /x', 'zticache', 'C:\\Program  Files\\ZTICache\\zticache.exe', '/x'],
      ['zticache Tools\\osdlaunch.exe', 'zticache', 'zticache', 'Tools\\osdlaunch.exe'],
      ['"OSD" Tools\\osdlaunch.exe', 'other', '"OSD"', 'Tools\\osdlaunch.exe'],
      ['C:\\v1.0\\Program Files\\zticache.exe', 'zticache', 'C:\\v1.0\\Program Files\\zticache.exe', ''],
      ['C:\\Program Files.old\\x y\\zticache.exe /x', 'zticache', 'C:\\Program Files.old\\x y\\zticache.exe', '/x'],
    ];
    for (const [line, runs, program, args] of cases) expect(parseCommandLine(line), line).toEqual({ runs, program, args });
  });

  it('disabling gives osdlaunch.exe back what zticache passed it after --, however spaced, and nothing when -- ends the line', () => {
    expect(rewriteCommandLine('zticache.exe /status-mif:Z.mif --  /x  /y', false)).toBe('osdlaunch.exe /x  /y');
    expect(rewriteCommandLine('zticache.exe /status-mif:Z.mif --', false)).toBe('osdlaunch.exe');
    expect(rewriteCommandLine('zticache.exe /a--b', false)).toBe('osdlaunch.exe');
    expect(rewriteCommandLine('  osdlaunch.exe  /x ', true)).toBe('zticache.exe -- /x');
    expect(rewriteCommandLine('"C:\\Program Files\\zticache.exe" /s', true)).toBe('"C:\\Program Files\\zticache.exe" /s');
    // the `--` is an argument as the C runtime splits the line: " -- " inside a quoted value is not it (issue 35)
    expect(rewriteCommandLine('zticache.exe /mif-product:"XP -- Gold" -- /x "a b"', false)).toBe('osdlaunch.exe /x "a b"');
    expect(rewriteCommandLine('zticache.exe "--" /y', false)).toBe('osdlaunch.exe /y');
    expect(rewriteCommandLine('zticache.exe --bogus -- /x', false)).toBe('osdlaunch.exe /x');
    // an OSDLaunch.exe in a folder of the package: zticache.exe starts that one, and disabling gives it back
    expect(rewriteCommandLine('"OSD Tools\\osdlaunch.exe" /x', true)).toBe('zticache.exe --launch "OSD Tools\\osdlaunch.exe" -- /x');
    expect(rewriteCommandLine('zticache.exe --launch "OSD Tools\\osdlaunch.exe" -- /x', false)).toBe('"OSD Tools\\osdlaunch.exe" /x');
    expect(rewriteCommandLine('OSD\\osdlaunch.exe', true)).toBe('zticache.exe --launch OSD\\osdlaunch.exe');
    expect(rewriteCommandLine('zticache.exe /launch:OSD\\OSDLaunch -- /x', false)).toBe('OSD\\OSDLaunch /x');
    // a launcher that is not OSDLaunch.exe, or one at the top of the package: osdlaunch.exe
    expect(rewriteCommandLine('zticache.exe --launch Tools\\custom.cmd -- /x', false)).toBe('osdlaunch.exe /x');
    expect(rewriteCommandLine('zticache.exe --launch OSDLaunch.exe', false)).toBe('osdlaunch.exe');
    // disabling a line that runs osdlaunch.exe leaves it as it is, folder and case
    expect(rewriteCommandLine('"OSD Tools\\OSDLaunch.exe" /x', false)).toBe('"OSD Tools\\OSDLaunch.exe" /x');
  });

  const withCommandLine = async (commandLine: string, enable: boolean, force = false) => {
    const site = xpSite(0x08); // disabling a program that a downloading advertisement runs is refused (SMS_ADVERTISEMENT_DOWNLOADS)
    site.programs[0]!.CommandLine = commandLine;
    const r = await run(site, { package: 'XXX00001', program: 'Install XP', enable, force });
    return { r, now: site.programs[0]!.CommandLine, site };
  };

  it('enabling leaves a command line that already runs zticache.exe as it is, whatever path, case or arguments (no Put_ that changes nothing zticache owns)', async () => {
    for (const line of ['zticache.exe /status-mif:ZTICache.mif', 'ZTICACHE.EXE', '"C:\\Tools\\ZTICACHE.EXE"  /status-mif:Z.mif', 'ZTICache', ' zticache.exe ']) {
      const r = await withCommandLine(line, true);
      expect(r.now, line).toBe(line);
      expect(r.site.putCalls, line).toBe(0);
      expect(r.r.text, line).toContain(`Package XXX00001 program Install XP already runs zticache.exe: "${line}".`);
    }
    expect((await withCommandLine('cscript //nologo ZTICache.vbs', true)).now).toBe('zticache.exe');
  });

  it('osdlaunch.exe\'s arguments go behind -- (zticache passes them on), and come back when disabled', async () => {
    const on = await withCommandLine('OSDLaunch.exe /install /quiet', true);
    expect(on.now).toBe('zticache.exe -- /install /quiet');
    expect(on.r.text).toContain('"OSDLaunch.exe /install /quiet" -> "zticache.exe -- /install /quiet"');
    expect((await withCommandLine('zticache.exe /status-mif:Z.mif -- /install /quiet', false)).now).toBe('osdlaunch.exe /install /quiet');
    expect((await withCommandLine('zticache.exe /status-mif:Z.mif', false)).now).toBe('osdlaunch.exe');
    expect((await withCommandLine('cscript ZTICache.vbs', false)).now).toBe('osdlaunch.exe');
    expect((await withCommandLine('osdlaunch.exe /install', false)).now).toBe('osdlaunch.exe /install');
  });

  it('a program that runs neither is refused, showing what would be lost; /force changes it and says so', async () => {
    for (const enable of [true, false]) {
      const { r, now, site } = await withCommandLine('setup.exe /qb', enable);
      expect(r.error?.exitCode).toBe(ExitCode.SMS_NOT_OSD_PROGRAM);
      expect(r.error?.message).toBe('zticache util: program Install XP of package XXX00001 runs neither osdlaunch.exe nor zticache.exe: its command line "setup.exe /qb" would be lost; nothing was changed (check /package and /program; /force changes it anyway)');
      expect(now).toBe('setup.exe /qb');
      expect(site.putCalls).toBe(0);
      const forced = await withCommandLine('setup.exe /qb', enable, true);
      expect(forced.now).toBe(enable ? 'zticache.exe' : 'osdlaunch.exe');
      expect(forced.r.text).toContain(`/force: program Install XP of package XXX00001 runs neither osdlaunch.exe nor zticache.exe: its command line "setup.exe /qb" would be lost.`);
      expect(forced.r.text).toContain(`"setup.exe /qb" -> "${enable ? 'zticache.exe' : 'osdlaunch.exe'}"`);
    }
  });

  it('a package that is not an OS package is refused, /force allowed; where the site has no ImageFlags the command line decides', async () => {
    const site = xpSite();
    site.programs.push({ PackageID: 'XXX00002', ProgramName: 'Deploy', CommandLine: 'osdlaunch.exe' });
    let r = await run(site, { package: 'XXX00002', program: 'Deploy', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_NOT_OSD_PROGRAM);
    expect(r.error?.message).toContain('package XXX00002 is not an OS package (ImageFlags 0), so its program Deploy ("osdlaunch.exe") is not an OSD program; nothing was changed');
    expect(site.putCalls).toBe(0);
    r = await run(site, { package: 'XXX00002', program: 'Deploy', enable: true, force: true });
    expect(r.error).toBeUndefined();
    expect(site.programs[2]!.CommandLine).toBe('zticache.exe');
    const current = xpSite();
    current.noImageFlags = true;
    delete current.packages[0]!.ImageFlags;
    expect((await run(current, { advertisement: 'XXX20001', enable: true })).error).toBeUndefined();
    expect(current.programs[0]!.CommandLine).toBe('zticache.exe');
  });
});

describe('zticache util: the package-source check, before the first write: yes, no (refused) or cannot tell (said, and on)', () => {
  it('a UNC source is looked at as it is, before anything is written; each answer in its words', async () => {
    const asked: Array<[string, number]> = [];
    let site = xpSite();
    const look = (a: boolean | string, s: () => MemorySite) => async (f: string) => (asked.push([f, s().putCalls]), a);
    let r = await run(site, { advertisement: 'XXX20001', enable: true }, look(true, () => site));
    expect(r.text).toContain('zticache.exe is in the package source \\\\SERVER1\\pkgs\\xp.');
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    site = xpSite();
    r = await run(site, { advertisement: 'XXX20001', enable: true }, look('\\\\SERVER1\\pkgs\\xp did not answer within 10 s', () => site));
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('Cannot tell whether zticache.exe is in the package source \\\\SERVER1\\pkgs\\xp: \\\\SERVER1\\pkgs\\xp did not answer within 10 s; going on (make sure it is there: clients fail to start the program without it).');
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    // looked at before the first Put_, every time
    expect(asked).toEqual([['\\\\SERVER1\\pkgs\\xp', 0], ['\\\\SERVER1\\pkgs\\xp', 0]]);
  });

  it('zticache.exe definitely not there: refused with its own code, and nothing written (a mandatory advertisement would fail on every client)', async () => {
    const site = xpSite();
    const before = state(site);
    const r = await run(site, { advertisement: 'XXX20001', enable: true }, answer(false));
    expect(r.error?.exitCode).toBe(ExitCode.SMS_STAGER_NOT_IN_SOURCE);
    expect(r.error?.message).toBe('zticache util: zticache.exe is NOT in the package source \\\\SERVER1\\pkgs\\xp: every client would fail to start the program; add it to the package source and update the distribution points, then run this again; nothing was changed (/force writes anyway)');
    expect(site.putCalls).toBe(0);
    expect(state(site)).toBe(before);
    expect(r.text).not.toMatch(/^Set /m);
    // --what-if gives the same refusal
    const w = await run(site, { advertisement: 'XXX20001', enable: true, whatIf: true }, answer(false));
    expect(w.error?.exitCode).toBe(ExitCode.SMS_STAGER_NOT_IN_SOURCE);
    // a program that already runs zticache.exe: the site is broken already, and the message says so
    const already = xpSite(0x10);
    already.programs[0]!.CommandLine = 'zticache.exe';
    const a = await run(already, { advertisement: 'XXX20001', enable: true }, answer(false));
    expect(a.error?.exitCode).toBe(ExitCode.SMS_STAGER_NOT_IN_SOURCE);
    expect(a.error?.message).toContain('every client would fail to start the program (the program already runs zticache.exe: clients that run it now fail); add it');
    // disabling never asks
    let asked = false;
    const off = xpSite(0x10);
    off.programs[0]!.CommandLine = 'zticache.exe';
    expect((await run(off, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false }, async () => ((asked = true), false))).error).toBeUndefined();
    expect(asked).toBe(false);
  });

  it('/force writes anyway, and says what clients need first', async () => {
    const site = xpSite();
    const r = await run(site, { advertisement: 'XXX20001', enable: true, force: true }, answer(false));
    expect(r.error).toBeUndefined();
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    expect(r.text).toContain('Warning: /force: zticache.exe is NOT in the package source \\\\SERVER1\\pkgs\\xp: every client would fail to start the program; writing anyway: add it, then update the distribution points, before clients run the program.');
  });

  it('a local source of a remote /server through its administrative share, never this computer\'s disk', async () => {
    const site = xpSite();
    site.packages[0]!.PkgSourcePath = 'd:\\pkgs\\xp';
    const asked: string[] = [];
    const r = await run(site, { server: 'SERVER1', advertisement: 'XXX20001', enable: true }, async (f) => (asked.push(f), false));
    expect(asked).toEqual(['\\\\SERVER1\\D$\\pkgs\\xp']);
    expect(r.error?.message).toContain('zticache.exe is NOT in the package source d:\\pkgs\\xp (looked in \\\\SERVER1\\D$\\pkgs\\xp): every client');
    expect(stagerFolder('D:\\pkgs', undefined)).toEqual({ folder: 'D:\\pkgs' });
    expect(stagerFolder('D:\\pkgs', '.')).toEqual({ folder: 'D:\\pkgs' });
    expect(stagerFolder('D:\\pkgs', 'LocalHost')).toEqual({ folder: 'D:\\pkgs' });
    for (const self of ['127.0.0.1', '::1']) expect(stagerFolder('D:\\pkgs', self)).toEqual({ folder: 'D:\\pkgs' });
    // a path is UNC or local from its first character: text before it makes it neither
    for (const odd of ['x\\\\srv\\share', 'xD:\\pkgs']) expect(stagerFolder(odd, 'S'), odd).toEqual({ cannotTell: `"${odd}" is neither a UNC path nor a local path of the site server` });
    expect(stagerFolder('  ', 'S')).toEqual({ cannotTell: 'the package has no source path' });
    expect(stagerFolder('pkgs\\xp', 'S')).toEqual({ cannotTell: '"pkgs\\xp" is neither a UNC path nor a local path of the site server' });
    const none = xpSite();
    none.packages[0]!.PkgSourcePath = '';
    expect((await run(none, { advertisement: 'XXX20001', enable: true }, async () => true)).text).toContain('Cannot tell whether zticache.exe is in the package source (none): the package has no source path; going on');
  });

  it('the look itself: a file there, a folder without it, a folder out of reach, a zticache.exe that is a folder, a source that refuses to be read', async () => {
    const dir = tempDir('zti-src-');
    expect(await lookForStager(dir)).toBe(false);
    fs.mkdirSync(path.join(dir, 'zticache.exe'));
    expect(await lookForStager(dir)).toBe(false);
    fs.rmdirSync(path.join(dir, 'zticache.exe'));
    fs.writeFileSync(path.join(dir, 'zticache.exe'), 'MZ');
    expect(await lookForStager(dir)).toBe(true);
    expect(await lookForStager(path.join(dir, 'gone'))).toBe(`${path.join(dir, 'gone')} cannot be reached (ENOENT)`);
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const enoent = () => Object.assign(new Error('gone'), { code: 'ENOENT' });
    const stat = vi.spyOn(fs.promises, 'stat').mockRejectedValueOnce(denied).mockRejectedValueOnce(new Error('no code'))
      .mockRejectedValueOnce(enoent()).mockRejectedValueOnce(new Error('odd'))
      .mockRejectedValueOnce(enoent()).mockResolvedValueOnce({ isDirectory: () => false } as fs.Stats);
    try {
      expect(await lookForStager('\\\\nas\\locked')).toBe('\\\\nas\\locked cannot be read (EACCES)');
      expect(await lookForStager('\\\\nas\\odd')).toBe('\\\\nas\\odd cannot be read (no code)');
      expect(await lookForStager('\\\\nas\\odder')).toBe('\\\\nas\\odder cannot be reached (odd)');
      expect(await lookForStager('\\\\nas\\file')).toBe('\\\\nas\\file is not a folder');
    } finally {
      stat.mockRestore();
    }
  });

  it('the child\'s side: one line of JSON, written out before it exits; anything but one folder is refused', async () => {
    const dir = tempDir('zti-src-');
    const lines: string[] = [];
    expect(await lookChild([dir], async (t) => void lines.push(t))).toBe(0);
    expect(lines).toEqual(['{"answer":false}\n']);
    expect(await lookChild([], async (t) => void lines.push(t))).toBe(2);
    expect(await lookChild([dir, dir], async (t) => void lines.push(t))).toBe(2);
    expect(lines).toHaveLength(1);
  });

  it.skipIf(!fs.existsSync(CLI))('in a child process: zticache util-look answers yes, no and cannot tell through its pipe', async () => {
    const dir = tempDir('zti-src-');
    const self = [process.execPath, CLI];
    expect(await findStagerInChild(self, dir, 30_000)).toBe(false);
    fs.writeFileSync(path.join(dir, 'zticache.exe'), 'MZ');
    expect(await findStagerInChild(self, dir, 30_000)).toBe(true);
    expect(await findStagerInChild(self, path.join(dir, 'gone'), 30_000)).toBe(`${path.join(dir, 'gone')} cannot be reached (ENOENT)`);
  });

  it('a look that never answers is given up at the time limit, and its process killed, never waited for', async () => {
    const dir = tempDir('zti-hang-');
    const pidFile = path.join(dir, 'pid');
    // a child that starts, says who it is, and never answers (a share that never answers)
    const hang = [process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1e6)`];
    const started = Date.now();
    const answer = findStagerInChild(hang, '\\\\slow\\share', 1_500);
    await waitFor('the look to start', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '');
    expect(await answer).toBe('\\\\slow\\share did not answer within 1.5 s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    await waitFor('the look to be killed', () => !alive());
  });

  it('a look that ends without an answer, or cannot start, is "cannot tell" with why; an answer ends the wait at once', async () => {
    expect(await findStagerInChild([process.execPath, '-e', 'process.exit(3)'], 'F', 30_000)).toBe('the look at F ended without an answer (exit code 3)');
    expect(await findStagerInChild([process.execPath, '-e', 'console.log("{\\"answer\\":42}")'], 'F', 30_000)).toBe('the look at F ended without an answer (exit code 0)');
    expect(await findStagerInChild([process.execPath, '-e', 'console.log("not json")'], 'F', 30_000)).toBe('the look at F ended without an answer (exit code 0)');
    expect(await findStagerInChild([path.join(tempDir('zti-none-'), 'no-such-exe')], 'F', 30_000)).toBe('the look at F could not be started (ENOENT)');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      expect(await findStagerInChild([process.execPath, '-e', 'console.log(JSON.stringify({ answer: "why" }))'], 'F', 60_000)).toBe('why');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

const RT = { execPath: process.execPath, packaged: false, scriptPath: CLI };

describe('zticache util: the command', () => {
  const unreachable = (progIds: string[], servers: Variant[]) => ({
    createObject: (progId: string): Dispatch => {
      progIds.push(progId);
      return { get: () => undefined, put: () => {}, items: () => [], release: () => {}, call: (_n, server, ns) => { servers.push(server); throw new ComError(`ConnectServer(${server}, ${ns})`, 0x800706ba); } };
    },
  }) as unknown as Platform;

  it('needs Windows: without COM automation it is SMS_PROVIDER_UNAVAILABLE, before anything is printed', async () => {
    const lines: string[] = [];
    await expect(utilCommand(parseArgs(['util']), {} as Platform, (l) => lines.push(l), RT)).rejects.toMatchObject({ exitCode: ExitCode.SMS_PROVIDER_UNAVAILABLE, message: expect.stringMatching(/through Windows \(WMI\): run it on Windows/) });
    expect(lines).toEqual([]);
  });

  it('prints its usage when given nothing to do, then reports; connects through WbemScripting.SWbemLocator to the /server given', async () => {
    const progIds: string[] = [];
    const servers: Variant[] = [];
    const lines: string[] = [];
    await expect(utilCommand(parseArgs(['util']), unreachable(progIds, servers), (l) => lines.push(l), RT)).rejects.toMatchObject({ exitCode: ExitCode.SMS_PROVIDER_UNAVAILABLE });
    expect(lines).toEqual(utilUsage());
    expect(progIds).toEqual(['WbemScripting.SWbemLocator']);
    expect(servers).toEqual(['.']);
    for (const given of [['/server:SCCM01'], ['/advertisement:XXX20001', '/enable:true'], ['/package:X', '/program:Y', '/enable:false'], ['/readiness', '/advertisement:A'], ['/collection:C', '/package:P'], ['/readiness', '/advertisement:A', '/json'], ['/readiness', '/advertisement:A', '/csv']]) {
      lines.length = 0;
      servers.length = 0;
      await expect(utilCommand(parseArgs(['util', ...given]), unreachable(progIds, servers), (l) => lines.push(l), RT)).rejects.toMatchObject({ exitCode: ExitCode.SMS_PROVIDER_UNAVAILABLE });
      expect(lines, given.join(' ')).toEqual([]);
      expect(servers).toEqual([given[0] === '/server:SCCM01' ? 'SCCM01' : '.']);
    }
  });

  it('/json and /csv together are USAGE, before connecting', async () => {
    const progIds: string[] = [];
    const servers: Variant[] = [];
    await expect(utilCommand(parseArgs(['util', '/readiness', '/advertisement:A', '/json', '/csv']), unreachable(progIds, servers), () => {}, RT)).rejects.toMatchObject({ exitCode: ExitCode.USAGE, message: 'zticache util: /json or /csv, not both' });
    expect(servers).toEqual([]);
  });

  it('hands every planning option to the command: /readiness with its advertisement and format, /collection with its numbers', async () => {
    const site = memorySite({ packages: [{ PackageID: 'P', Name: 'XP', PackageSize: 1024 * 1024 }] });
    const lines: string[] = [];
    const platform = { createObject: () => ({}) } as unknown as Platform;
    const mod = await import('../../../src/commands/util/site.js');
    const spy = vi.spyOn(mod, 'connectSms').mockReturnValue(site);
    try {
      await utilCommand(parseArgs(['util', '/collection:C', '/package:P', '/scratch-mb:1000', '/what-if']), platform, (l) => lines.push(l), RT);
      expect(lines).toContain('Package P (XP): 1048576 KB; with 1000 MB of scratch space the collection requires more than 2048 MB free on the system drive.');
      expect(site.putCalls).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('zticache util: the command looks at the package source in a child process of itself', () => {
  const platform = (created: string[]): Platform => {
    const object = (props: Record<string, Variant>, calls: Record<string, (...a: Variant[]) => Variant> = {}): Dispatch => ({
      get: (n) => props[n], put: (n, v) => void (props[n] = v), call: (n, ...a) => calls[n]!(...a), items: () => [], release: () => {},
    });
    const set = (items: Dispatch[]): Dispatch => ({ ...object({}), items: () => items });
    const rows: Record<string, Record<string, Variant>> = {
      SMS_Program: { CommandLine: 'osdlaunch.exe' },
      SMS_Package: { PkgSourcePath: 'D:\\nowhere\\pkg', ImageFlags: 1 },
    };
    const site = object({}, { Get: (p) => object(rows[String(p).split('.')[0]!]!, { Put_: () => undefined }), ExecQuery: () => set([]) });
    return {
      createObject: (progId: string) => {
        created.push(progId);
        return object({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? object({}, { ExecQuery: () => set([object({ Machine: 'P', SiteCode: 'C' })]) }) : site) });
      },
    } as unknown as Platform;
  };

  it.skipIf(!fs.existsSync(CLI))('as node and the script, or as the one executable', async () => {
    const wrapper = path.join(tempDir('zti-exe-'), 'zticache');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, { mode: 0o755 });
    for (const rt of [RT, { execPath: wrapper, packaged: true, scriptPath: '/elsewhere/x.js' }]) {
      const lines: string[] = [];
      const created: string[] = [];
      await utilCommand(parseArgs(['util', '/package:XXX00001', '/program:Install XP', '/enable:true']), platform(created), (l) => lines.push(l), rt);
      expect(lines, JSON.stringify(rt)).toContain('Cannot tell whether zticache.exe is in the package source D:\\nowhere\\pkg: D:\\nowhere\\pkg cannot be reached (ENOENT); going on (make sure it is there: clients fail to start the program without it).');
      expect(created).toEqual(['WbemScripting.SWbemLocator']);
    }
  });
});

describe('zticache util: the report', () => {
  it('is the script\'s report to the line: each OS package, all of its programs, all of each program\'s advertisements', async () => {
    const site = memorySite({
      packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1 }, { PackageID: 'XXX00002', Name: 'Office', ImageFlags: 0 }, { PackageID: 'XXX00003', ImageFlags: 1 }, { PackageID: 'XXX00004', Name: 'Vista', ImageFlags: 1 }],
      programs: [
        { PackageID: 'XXX00004', ProgramName: 'Install', CommandLine: 'osdlaunch.exe' },
        { PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: 'zticache.exe' },
        { PackageID: 'XXX00001', ProgramName: 'Capture', CommandLine: 'osdlaunch.exe /capture' },
        { PackageID: 'XXX00002', ProgramName: 'Setup', CommandLine: 'setup.exe' },
      ],
      adverts: [
        { AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x10 },
        { AdvertisementID: 'XXX20002', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x08 },
        { AdvertisementID: 'XXX20003', PackageID: 'XXX00001', ProgramName: 'Capture', RemoteClientFlags: 0x10 },
      ],
    });
    const r = await run(site, {});
    // the script's report to the line; then, after it, the schedule check of each download-and-execute advertisement
    const cut = r.lines.indexOf('Schedule check of advertisement XXX20001 (download and execute):') - 1;
    expect(r.lines.slice(cut)).toEqual([
      ' ',
      'Schedule check of advertisement XXX20001 (download and execute):',
      '  Start time:        none',
      '  Mandatory time:    none',
      '  Package size:      not known to the site (PackageSize 0)',
      '  Collection:        not known (the advertisement names none)',
      '  Warning: advertisement XXX20001 has no mandatory time: clients download a package for download and execute only for a mandatory time, so none caches it ahead; add a mandatory assignment after the start time',
      ' ',
      'Schedule check of advertisement XXX20003 (download and execute):',
      '  Start time:        none',
      '  Mandatory time:    none',
      '  Package size:      not known to the site (PackageSize 0)',
      '  Collection:        not known (the advertisement names none)',
      '  Warning: advertisement XXX20003 has no mandatory time: clients download a package for download and execute only for a mandatory time, so none caches it ahead; add a mandatory assignment after the start time',
    ]);
    expect(r.lines.slice(0, cut)).toEqual([
      'Connecting to SMS provider server SERVER1 and site MTN.',
      'OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD).',
      ' ',
      'OS Package ID:             XXX00001',
      'OS Package Name:           XP Master',
      ' OS Program Name:          Install XP',
      ' OS Program command line:  zticache.exe',
      ' OS Program cache enabled: True',
      '  OS Advertisement ID:     XXX20001',
      `  OS Advertisement flags:  ${describeFlags(0x10)}`,
      '  Download enabled:        True',
      '  OS Advertisement ID:     XXX20002',
      `  OS Advertisement flags:  ${describeFlags(0x08)}`,
      '  Download enabled:        False',
      ' OS Program Name:          Capture',
      ' OS Program command line:  osdlaunch.exe /capture',
      ' OS Program cache enabled: False',
      '  OS Advertisement ID:     XXX20003',
      `  OS Advertisement flags:  ${describeFlags(0x10)}`,
      '  Download enabled:        True',
      ' ',
      'Warning: zticache.exe must be enabled on XXX00001 and Capture',
      'in order for download and execute to be successful for advertisement XXX20003.',
      ' ',
      // a package without a name or programs, a program without advertisements
      ' ',
      'OS Package ID:             XXX00003',
      'OS Package Name:           ',
      ' ',
      'OS Package ID:             XXX00004',
      'OS Package Name:           Vista',
      ' OS Program Name:          Install',
      ' OS Program command line:  osdlaunch.exe',
      ' OS Program cache enabled: False',
    ]);
    expect(site.queries).toEqual(['select * from SMS_Program', 'select * from SMS_Advertisement', 'select * from SMS_Package where ImageFlags = 1']);
  });

  it('warns where download is on but the program does not stage, as the script did', async () => {
    const r = await run(xpSite(0x30), {});
    expect(r.text).toContain('Warning: zticache.exe must be enabled on XXX00001 and Install XP\nin order for download and execute to be successful for advertisement XXX20001.');
  });

  it('one query per class and each property of each object read once: linear in the site', async () => {
    const reads = async (n: number) => {
      const site = xpSite();
      for (let i = 3; i < n; i++) {
        site.packages.push({ PackageID: `XXX${String(i).padStart(5, '0')}`, Name: `OS ${i}`, ImageFlags: 1 });
        site.programs.push({ PackageID: `XXX${String(i).padStart(5, '0')}`, ProgramName: 'Install', CommandLine: 'osdlaunch.exe' });
        site.adverts.push({ AdvertisementID: `ADV${i}`, PackageID: `XXX${String(i).padStart(5, '0')}`, ProgramName: 'Install', RemoteClientFlags: 0x10 });
      }
      const r = await run(site, {});
      expect(r.text.match(/OS Package ID:/g)).toHaveLength(n - 2);
      expect(site.queries).toHaveLength(3);
      return site.reads.length;
    };
    const small = await reads(40);
    const big = await reads(400);
    // 4 reads a program, 6 an advertisement, 4 a package (ActionInProgress on each, CollectionID and
    // PackageSize for the schedule check): ten times the site, ten times the reads
    expect(big - small).toBe((400 - 40) * (4 + 6 + 4));
  });

  it('joins IDs and names as the provider compares them: without case', async () => {
    const site = xpSite(0x10);
    site.adverts[0]!.PackageID = 'xxx00001';
    site.adverts[0]!.ProgramName = 'install xp';
    site.programs[0]!.PackageID = 'Xxx00001';
    const r = await run(site, {});
    expect(r.text).toContain('  OS Advertisement ID:     XXX20001');
    expect(r.text).toContain('Warning: zticache.exe must be enabled on XXX00001 and Install XP');
  });

  it('joins on package and program apart: an advertisement of package XXX0000 and program 1Install is not one of XXX00001 and Install', async () => {
    const site = memorySite({
      packages: [{ PackageID: 'XXX00001', Name: 'XP', ImageFlags: 1 }],
      programs: [{ PackageID: 'XXX00001', ProgramName: 'Install', CommandLine: 'osdlaunch.exe' }],
      adverts: [{ AdvertisementID: 'ADV1', PackageID: 'XXX0000', ProgramName: '1Install', RemoteClientFlags: 0x10 }],
    });
    expect((await run(site, {})).text).not.toContain('ADV1');
  });

  it('current ConfigMgr (no ImageFlags: the query is invalid): OS packages are those whose programs run osdlaunch.exe or zticache.exe', async () => {
    const site = xpSite();
    site.noImageFlags = true;
    site.packages.push({ PackageID: 'XXX00003', Name: 'Win7', PkgSourcePath: '' });
    site.programs.push({ PackageID: 'xxx00003', ProgramName: 'Deploy', CommandLine: '"C:\\x\\ZTICache.exe" /status-mif:Z.mif' });
    const r = await run(site, {});
    expect(r.text).toContain('OS packages: packages whose programs run osdlaunch.exe or zticache.exe (this site has no ImageFlags).');
    expect(r.text.match(/OS Package ID: +(\w+)/g)).toEqual(['OS Package ID:             XXX00001', 'OS Package ID:             XXX00003']);
    expect(r.text).toContain(' OS Program cache enabled: True');
  });

  it('lists a program only under its package, an advertisement only under its program', async () => {
    const site = xpSite(0x30);
    site.packages.push({ PackageID: 'XXX00002', Name: 'Other OS', ImageFlags: 1 });
    site.programs.push({ PackageID: 'XXX00002', ProgramName: 'Install XP', CommandLine: 'zticache.exe' });
    site.adverts.push({ AdvertisementID: 'XXX20002', PackageID: 'XXX00002', ProgramName: 'Install XP', RemoteClientFlags: 0x08 });
    site.adverts.push({ AdvertisementID: 'XXX20003', PackageID: 'XXX00001', ProgramName: 'Another', RemoteClientFlags: 0x10 });
    const text = (await run(site, {})).text;
    const first = text.slice(text.indexOf('XXX00001'), text.indexOf('OS Package ID:             XXX00002'));
    expect(first.match(/OS Program Name/g)).toHaveLength(1);
    expect(first).toContain('XXX20001');
    expect(first).not.toMatch(/XXX20002|XXX20003/);
    expect(text.slice(text.indexOf('OS Package ID:             XXX00002'))).toMatch(/XXX20002/);
  });

  it('a program counts as staging whatever case or folder runs zticache.exe', async () => {
    for (const line of ['ZTICACHE.EXE', '"C:\\Tools\\ZtiCache.exe" /status-mif:Z.mif', 'zticache', 'cscript ZTICACHE.VBS']) {
      const site = xpSite(0x10);
      site.programs[0]!.CommandLine = line;
      const r = await run(site, {});
      expect(r.text, line).toContain(' OS Program cache enabled: True');
      expect(r.text, line).not.toContain('Warning: zticache.exe must');
    }
  });

  it('a missing command line reads as empty', async () => {
    const site = xpSite();
    site.programs[0]!.CommandLine = null;
    expect((await run(site, {})).text).toMatch(/ OS Program command line:  \n OS Program cache enabled: False/);
  });
});

describe('zticache util: each failure its own code, with the WMI error and its HRESULT', () => {
  it('an advertisement not found; a provider out of reach; a report query refused; an error that is not COM\'s', async () => {
    const missing = await run(xpSite(), { advertisement: 'XXX29999', enable: true });
    expect(missing.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(missing.error?.message).toMatch(/retrieving advertisement XXX29999: .*WBEM_E_NOT_FOUND \(0x80041002\).*; nothing was changed$/);

    const lines: string[] = [];
    let err: unknown;
    try {
      await runUtil({ server: 'NOWHERE', whatIf: false }, { connect: () => { throw new ComError('ConnectServer(NOWHERE, root\\sms)', 0x800706ba); }, out: (l) => lines.push(l) });
    } catch (e) {
      err = e;
    }
    expect((err as ZtiError).exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect((err as ZtiError).message).toBe('zticache util: connecting to the SMS provider on NOWHERE: ConnectServer(NOWHERE, root\\sms) failed: RPC_S_SERVER_UNAVAILABLE (0x800706BA)');
    expect(lines).toEqual([]);

    const site = xpSite();
    const query = site.query;
    site.query = (wql) => {
      if (/ImageFlags/.test(wql)) throw new ComError(`ExecQuery(${wql})`, 0x80041003);
      return query(wql);
    };
    const r = await run(site, {});
    expect(r.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(r.error?.message).toMatch(/querying SMS_Package: .*WBEM_E_ACCESS_DENIED/);
    expect(r.text).not.toContain('OS packages:');

    const notFoundQuery = xpSite();
    notFoundQuery.query = () => { throw new ComError('ExecQuery', 0x80041002); };
    expect((await run(notFoundQuery, {})).error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    try {
      await runUtil({ whatIf: false }, { connect: () => { throw new Error('the network is down'); }, out: () => {} });
    } catch (e) {
      err = e;
    }
    expect((err as ZtiError).message).toBe('zticache util: connecting to the SMS provider on this server: Error: the network is down');
    expect((err as ZtiError).cause).toBeInstanceOf(Error);
    // a failure that already has its words and code (connectSms's own) is passed on as it is
    const own = new ZtiError(ExitCode.SMS_PROVIDER_UNAVAILABLE, 'zticache util: SERVER9 is not an SMS provider');
    try {
      await runUtil({ server: 'SERVER9', whatIf: false }, { connect: () => { throw own; }, out: () => {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBe(own);
  });

  it('each step that fails is named: the program query, the package query of a site without ImageFlags, a package that is gone', async () => {
    const failing = (cls: string, site = xpSite()) => {
      const query = site.query;
      site.query = (wql) => { if (wql === `select * from ${cls}`) throw new ComError(`ExecQuery(${wql})`, 0x80041003); return query(wql); };
      return site;
    };
    expect((await run(failing('SMS_Program'), {})).error?.message).toMatch(/^zticache util: querying SMS_Program: ExecQuery\(select \* from SMS_Program\) failed/);
    const noFlags = failing('SMS_Package');
    noFlags.noImageFlags = true;
    expect((await run(noFlags, {})).error?.message).toMatch(/^zticache util: querying SMS_Package: ExecQuery\(select \* from SMS_Package\) failed/);
    const gone = xpSite();
    gone.packages.shift();
    const r = await run(gone, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(r.error?.message).toMatch(/^zticache util: retrieving package XXX00001: .*; nothing was changed$/);
    expect(gone.putCalls).toBe(0);
  });

  it('the package-source check without a way to look, and with no source path at all, says which', async () => {
    expect((await run(xpSite(), { advertisement: 'XXX20001', enable: true })).text).toContain('Cannot tell whether zticache.exe is in the package source \\\\SERVER1\\pkgs\\xp: this computer cannot look; going on (make sure it is there: clients fail to start the program without it).');
    const site = xpSite();
    delete site.packages[0]!.PkgSourcePath;
    expect((await run(site, { advertisement: 'XXX20001', enable: true }, async () => true)).text).toContain('Cannot tell whether zticache.exe is in the package source (none): the package has no source path; going on');
  });

  it('an access-denied read is the provider refusing to be read, never "not found"', async () => {
    const site = xpSite();
    const get = site.get;
    site.get = (p) => { if (p.startsWith('SMS_Program')) throw new ComError(`Get(${p})`, 0x80041003, 'Access denied'); return get(p); };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(r.error?.message).toMatch(/retrieving program Install XP of package XXX00001: .*WBEM_E_ACCESS_DENIED.*; nothing was changed$/);
    expect(site.putCalls).toBe(0);
  });

  it('the usage text, as the script printed it with no arguments, with /force', () => {
    expect(utilUsage()).toEqual([
      'Usage: zticache util [/server:NAME] [/package:ID /program:NAME] [/advertisement:ID] [/enable:true|false] [/force] [/what-if]',
      '       zticache util /readiness /advertisement:ID [/check-advertisement:ID] [/json | /csv]',
      '       zticache util /collection:"NAME" /package:ID [/scratch-mb:MB] [/force] [/what-if]',
      '  /server:         SMS provider server (default: this server)',
      '  /package:        OS package ID (with /program)',
      '  /program:        OS program name (with /package)',
      '  /advertisement:  OS advertisement ID',
      '  /enable:         true or yes: download and execute, program runs zticache.exe; false or no: back to osdlaunch.exe',
      '  /force           also change a program that runs neither osdlaunch.exe nor zticache.exe, or a package that is not an OS package, or enable while zticache.exe is not in the package source; with /collection, create it beside one of that name',
      '  /readiness       the advertisement\'s clients by state, the check\'s results, the mandatory time, the clients at risk',
      '  /json            the report (or /readiness\'s) as one JSON document instead of the table',
      '  /collection:     create the document\'s collection for /package: Windows 10 x64 or later (zticache.exe\'s floor), free space for the package and /scratch-mb',
      '  /bandwidth-mbps: the rate the download may take, for the schedule check; /work-hours:08-18 the working hours',
      'Examples:',
      '  zticache util /advertisement:XXX20001 /enable:true',
      '  zticache util /package:XXX00001 /program:"Install XP" /enable:false',
      '  zticache util /collection:"Deploy XP with Download and Execute" /package:XXX00001 /what-if',
      '  zticache util /readiness /advertisement:XXX20001 /check-advertisement:XXX20002 /csv > ready.csv',
    ]);
  });
});

describe('connecting: the provider dance of the script', () => {
  const obj = (props: Record<string, Variant>, calls: Record<string, (...a: Variant[]) => Variant> = {}): Dispatch => ({
    get: (n) => props[n], put: () => {}, call: (n, ...a) => calls[n]!(...a), items: () => [], release: () => {},
  });
  const set = (items: Dispatch[]): Dispatch => ({ ...obj({}), items: () => items });

  it('root\\sms, SMS_ProviderLocation where ProviderForLocalSite, then root\\sms\\site_<code> on the provider', () => {
    const seen: string[] = [];
    const site = obj({}, { ExecQuery: () => set([]), Get: () => obj({ Name: 'x' }) });
    const locator = obj({}, {
      ConnectServer: (server, ns) => {
        seen.push(`${server} ${ns}`);
        return ns === 'root\\sms' ? obj({}, { ExecQuery: (wql) => { seen.push(String(wql)); return set([obj({ Machine: 'PROV1', SiteCode: 'MTN' })]); } }) : site;
      },
    });
    const s = connectSms(locator, 'SERVER1');
    expect([s.provider, s.siteCode]).toEqual(['PROV1', 'MTN']);
    expect(seen).toEqual(['SERVER1 root\\sms', 'select * from SMS_ProviderLocation where ProviderForLocalSite = true', 'PROV1 root\\sms\\site_MTN']);
    expect(s.get("SMS_Package.PackageID='X'").get('Name')).toBe('x');
  });

  it('a server without root\\sms is named through its root\\cimv2; one out of reach keeps its own error', () => {
    const refuse = (hr: number) => (server: Variant, ns: Variant) => {
      if (ns === 'root\\cimv2' && hr === 0x8004100e) return obj({}, { ExecQuery: () => set([obj({ Name: 'WKS042' })]) });
      throw new ComError(`ConnectServer(${server}, ${ns})`, hr);
    };
    expect(() => connectSms(obj({}, { ConnectServer: refuse(0x8004100e) }), 'WKS042')).toThrow(/WBEM_E_INVALID_NAMESPACE \(0x8004100E\): the computer WKS042 answers, but has no root\\sms namespace: it is not an SMS provider/);
    expect(() => connectSms(obj({}, { ConnectServer: refuse(0x800706ba) }), 'GONE')).toThrow(/^ConnectServer\(GONE, root\\sms\) failed: RPC_S_SERVER_UNAVAILABLE \(0x800706BA\)$/);
  });

  it('a root\\cimv2 that cannot name the computer (no answer, no set, an empty name) leaves the first error as it was', () => {
    const first = /^ConnectServer\(WKS042, root\\sms\) failed: WBEM_E_INVALID_NAMESPACE \(0x8004100E\)$/;
    const answers: Array<() => Variant> = [() => undefined, () => 'not a set', () => set([]), () => set([obj({ Name: '' })]), () => set([obj({ Name: 42 })])];
    for (const answer of answers) {
      const locator = obj({}, {
        ConnectServer: (server, ns) => {
          if (ns === 'root\\cimv2') return obj({}, { ExecQuery: answer });
          throw new ComError(`ConnectServer(${server}, ${ns})`, 0x8004100e);
        },
      });
      expect(() => connectSms(locator, 'WKS042')).toThrow(first);
    }
    // this computer, when no /server is given; an error that is not COM's passes as it is
    const seen: Variant[] = [];
    const local = obj({}, { ConnectServer: (server, ns) => { seen.push(server); throw new ComError(`ConnectServer(${server}, ${ns})`, 0x8004100e); } });
    expect(() => connectSms(local, undefined)).toThrow(/^ConnectServer\(\., root\\sms\) failed/);
    expect(seen).toEqual(['.', '.']);
    const odd = Object.assign(new TypeError('boom'), { hresult: 0x8004100e });
    let asked = 0;
    expect(() => connectSms(obj({}, { ConnectServer: () => { asked++; throw odd; } }), 'S')).toThrow(odd);
    expect(asked).toBe(1);
  });

  it('no services object, or no provider for the local site, is an error naming the step', () => {
    expect(() => connectSms(obj({}, { ConnectServer: () => undefined }), 'S1')).toThrow(/^ConnectServer\(S1, root\\sms\) failed: E_FAIL \(0x80004005\): no services object$/);
    expect(() => connectSms(obj({}, { ConnectServer: () => 'text' }), 'S1')).toThrow(/no services object/);
    for (const answer of [undefined, set([])]) {
      const locator = obj({}, { ConnectServer: () => obj({}, { ExecQuery: () => answer }) });
      expect(() => connectSms(locator, 'S1')).toThrow(/^SMS_ProviderLocation on S1 failed: WBEM_E_NOT_FOUND \(0x80041002\): no provider for the local site$/);
      expect(() => connectSms(locator, undefined)).toThrow(/^SMS_ProviderLocation on this server failed/);
    }
  });

  it('the site\'s objects: a property set and Put_ reach the provider object; a query gives its members, or none', () => {
    const calls: string[] = [];
    const member = (id: string): Dispatch => ({
      get: (n) => `${id}.${n}`, put: (n, v) => void calls.push(`${id} put ${n}=${String(v)}`), call: (n) => void calls.push(`${id} call ${n}`), items: () => [], release: () => {},
    });
    let answer: Variant = set([member('a'), member('b')]);
    const site = obj({}, { Get: (path) => member(String(path)), ExecQuery: (wql) => { calls.push(`query ${String(wql)}`); return answer; } });
    const locator = obj({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? obj({}, { ExecQuery: () => set([obj({ Machine: 'P', SiteCode: 'C' })]) }) : site) });
    const s = connectSms(locator, 'S1');
    const o = s.get('SMS_Program.X');
    o.set('CommandLine', 'zticache.exe');
    o.put();
    expect(calls).toEqual(['SMS_Program.X put CommandLine=zticache.exe', 'SMS_Program.X call Put_']);
    expect(s.query('select * from SMS_Package').map((x) => x.get('PackageID'))).toEqual(['a.PackageID', 'b.PackageID']);
    expect(calls.at(-1)).toBe('query select * from SMS_Package');
    answer = undefined;
    expect(s.query('select * from SMS_Package')).toEqual([]);
  });
});

