// zticache util against a site that behaves as the SMS SDK documents, where admins work at the same
// time: another writer between zticache's read and its write (optimistic writes: refused, or kept),
// two util runs interleaved, the provider's own reason for a refusal (SWbemLastError), objects
// being deleted (ActionInProgress 3), keys compared without trailing blanks, and the printed undo
// read back as cmd.exe, the C runtime and zticache's parser read it, then run.
import { describe, expect, it } from 'vitest';
import { ComError, type Dispatch, type Variant } from '../../../src/core/automation.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { parseArgs } from '../../../src/cli/args.js';
import { describeFlags } from '../../../src/commands/util/flags.js';
import { connectSms, extendedStatus } from '../../../src/commands/util/site.js';
import { forCmd, fromCmd, quoteArgument, splitCommandLine, utilCommandLine } from '../../../src/commands/util/undo.js';
import { runUtil, type UtilOptions } from '../../../src/commands/util/util.js';
import { utilCommand } from '../../../src/commands/util/command.js';
import type { Platform } from '../../../src/platform/platform.js';
import { memorySite, NO_PERMISSION, type MemorySite } from '../../helpers/sms-site.js';
import { CLI } from '../../helpers/fixtures.js';

function xpSite(flags = 0x08 | 0x20 | 0x400 | 0x2000, program = 'Install XP') {
  return memorySite({
    packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1, PkgSourcePath: '\\\\SERVER1\\pkgs\\xp', ActionInProgress: 0 }],
    programs: [{ PackageID: 'XXX00001', ProgramName: program, CommandLine: 'osdlaunch.exe', ActionInProgress: 0 }],
    adverts: [{ AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: program, RemoteClientFlags: flags, Comment: 'wave 1', ActionInProgress: 0 }],
  });
}

async function run(site: MemorySite, o: Partial<UtilOptions>, findStager: (folder: string) => Promise<boolean | string> = async () => true) {
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
const state = (site: MemorySite) => JSON.stringify([site.packages, site.programs, site.adverts]);

/** Runs a printed `zticache util ...` line as cmd.exe, the C runtime and zticache's parser hand it to zticache. */
function runLine(site: MemorySite, line: string) {
  const argv = splitCommandLine(fromCmd(line));
  expect(argv[0]).toBe('zticache');
  const a = parseArgs(argv.slice(1));
  expect(a.command).toBe('util');
  return run(site, { server: a.server, package: a.package, program: a.program, advertisement: a.advertisement, enable: a.enable, force: a.force });
}

/** the first Get after zticache util's reads (advertisement, program, package): where its writes begin */
const FIRST_RECHECK = 4;

describe('optimistic writes: every object read is got again just before each Put_', () => {
  it('another admin changes what zticache read (the rerun bits) between its read and its write: refused, nothing written, the object and the change named', async () => {
    const site = xpSite();
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) site.adverts[0]!.RemoteClientFlags = 0x08 | 0x20 | 0x400 | 0x1000; // RERUN_NEVER instead of RERUN_IF_FAILED
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toBe(`zticache util: advertisement XXX20001 was changed by another writer after zticache util read it: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x1428)}; nothing of it was written; nothing was changed: run it again to decide on what the site holds now`);
    expect(site.putCalls).toBe(0);
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x1428); // the other admin's, kept
    expect(site.programs[0]!.CommandLine).toBe('osdlaunch.exe');
  });

  it('what zticache did not read (the comment, the schedule) is the other admin\'s, and survives: the change is made on the copy got just before Put_', async () => {
    const site = xpSite();
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) {
        site.adverts[0]!.Comment = 'wave 2, moved to Friday';
        site.adverts[0]!.PresentTime = '20270115200000.000000+***';
      }
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error).toBeUndefined();
    expect(site.adverts[0]).toMatchObject({ RemoteClientFlags: 0x2430, Comment: 'wave 2, moved to Friday', PresentTime: '20270115200000.000000+***' });
  });

  it('the program every decision rests on is checked too, even when only the advertisement is written', async () => {
    const site = xpSite();
    site.programs[0]!.CommandLine = 'zticache.exe';
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) site.programs[0]!.CommandLine = 'osdlaunch.exe';
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toContain('program Install XP of package XXX00001 was changed by another writer after zticache util read it: CommandLine "zticache.exe" -> "osdlaunch.exe"; nothing of it was written; nothing was changed');
    // never the document's warned state: downloading while the program runs osdlaunch.exe
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x2428);
  });

  it('an update in progress (ActionInProgress 1, as any Put_ leaves) is no change; the site starting to delete the object is', async () => {
    const busy = xpSite();
    busy.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) busy.adverts[0]!.ActionInProgress = 1;
    };
    expect((await run(busy, { advertisement: 'XXX20001', enable: true })).error).toBeUndefined();
    expect(busy.adverts[0]!.RemoteClientFlags).toBe(0x2430);
    const deleting = xpSite();
    deleting.onGet = (_p, n) => {
      if (n === FIRST_RECHECK + 1) deleting.programs[0]!.ActionInProgress = 3;
    };
    const r = await run(deleting, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toContain('program Install XP of package XXX00001 was changed by another writer after zticache util read it: ActionInProgress 0 -> 3;');
    expect(deleting.putCalls).toBe(0);
  });

  it('an object deleted between read and write is named as gone; nothing written', async () => {
    const site = xpSite();
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) site.adverts.pop();
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_OBJECT_CHANGED);
    expect(r.error?.message).toMatch(/^zticache util: advertisement XXX20001 is gone \(deleted by another writer after zticache util read it: Get\(SMS_Advertisement\.AdvertisementID='XXX20001'\) failed: WBEM_E_NOT_FOUND \(0x80041002\)\); nothing of it was written; nothing was changed/);
    expect(site.putCalls).toBe(0);
  });

  it('a change to the second object after the first was written: SMS_FAILED_AFTER_WRITE, what was written, the state, and the undo that gives it back', async () => {
    const site = xpSite();
    const before = state(site);
    let gets = 0;
    site.onGet = (p) => {
      // the advertisement, got again after the program was written
      if (p.startsWith('SMS_Advertisement') && ++gets === 3) site.adverts[0]!.RemoteClientFlags = 0x2418;
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(site.puts).toEqual(['SMS_Program']);
    expect(r.error?.message).toBe(`zticache util: advertisement XXX20001 was changed by another writer after zticache util read it: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x2418)}; nothing of it was written; `
      + 'written before it: the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe". The site is consistent: the program runs zticache.exe, which works whether the advertisement downloads or runs from the distribution point (zticache.exe copies the package from there). '
      + 'Run it again to finish, or undo what was written with: zticache util /package:XXX00001 /program:"Install XP" /enable:false');
    site.onGet = undefined;
    site.adverts[0]!.RemoteClientFlags = 0x2428;
    expect((await runLine(site, /with: (.*)$/.exec(r.error!.message)![1]!)).error).toBeUndefined();
    expect(state(site)).toBe(before);
  });

  it('two util runs interleaved never both exit 0 on the document\'s warned state (download on, program on osdlaunch.exe)', async () => {
    // the program already runs zticache.exe, the advertisement runs from the distribution point:
    // one admin enables (writes the advertisement), another disables (writes the program)
    const make = () => {
      const s = xpSite();
      s.programs[0]!.CommandLine = 'zticache.exe';
      return s;
    };
    const enable = { advertisement: 'XXX20001', enable: true };
    const disable = { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false };
    const warned = (s: MemorySite) => (Number(s.adverts[0]!.RemoteClientFlags) & 0x10) !== 0 && /osdlaunch/i.test(String(s.programs[0]!.CommandLine));
    // the second run, whole, while the first checks before its write (a disable never waits: it runs to its end at once)
    for (const at of [FIRST_RECHECK, FIRST_RECHECK + 1, FIRST_RECHECK + 2]) {
      const site = make();
      let other: Awaited<ReturnType<typeof run>> | undefined;
      site.onGet = (_p, n) => {
        if (n !== at) return;
        const hook = site.onGet;
        site.onGet = undefined;
        void run(site, disable).then((x) => (other = x));
        site.onGet = hook;
      };
      const first = await run(site, enable);
      await Promise.resolve();
      expect(other?.error, `at ${at}`).toBeUndefined();
      expect(site.programs[0]!.CommandLine, `at ${at}`).toBe('osdlaunch.exe');
      // the first run either refused before writing, or wrote and then said that the site changed under it
      // (the program is got again before the advertisement, which is got last, right before its Put_)
      expect(first.error?.exitCode, `at ${at}`).toBe(at > FIRST_RECHECK ? ExitCode.SMS_FAILED_AFTER_WRITE : ExitCode.SMS_OBJECT_CHANGED);
      expect(first.error?.message, `at ${at}`).toContain('program Install XP of package XXX00001 was changed by another writer after zticache util read it: CommandLine "zticache.exe" -> "osdlaunch.exe"');
      // the other run slipped in between the first's last check and its write: the warned state
      // exists for a moment, and the first run says so instead of exiting 0
      expect(warned(site), `at ${at}`).toBe(at > FIRST_RECHECK);
      if (warned(site)) {
        expect(first.error?.message).toBe(`zticache util: written: download and execute on for advertisement XXX20001: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x2430)}; `
          + 'then program Install XP of package XXX00001 was changed by another writer after zticache util read it: CommandLine "zticache.exe" -> "osdlaunch.exe" (another admin or run wrote at the same time). '
          + 'The site is not as zticache util left it: see it with zticache util (no arguments), and run this command again to decide on what it holds now; what zticache util wrote is undone with: zticache util /advertisement:XXX20001 /enable:false');
      }
    }
  });
});

describe('the provider\'s reason for a refusal (SWbemLastError)', () => {
  it('a refused Put_ shows the SMS_ExtendedStatus description and status code beside the HRESULT', async () => {
    const site = xpSite();
    site.refusePut = true;
    const r = await run(site, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
    expect(r.error?.message).toBe('zticache util: writing program Install XP of package XXX00001 back (Put_) was refused: Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003): Access denied; '
      + 'the provider\'s reason (SMS_ExtendedStatus): User MTN\\admin2 has no Modify permission on the advertisement\'s collection XXX00010 (StatusCode WBEM_E_ACCESS_DENIED (0x80041003), ErrorCode 0x40480015); nothing was changed');
    expect((r.error?.cause as ComError).extended).toEqual(NO_PERMISSION);
  });

  const object = (props: Record<string, Variant>, calls: Record<string, (...a: Variant[]) => Variant> = {}): Dispatch => ({
    get: (n) => {
      if (!(n in props)) throw new ComError(`get ${n}`, 0x80020006);
      return props[n];
    },
    put: () => {},
    call: (n, ...a) => calls[n]!(...a),
    items: () => [],
    release: () => {},
  });
  const lastError = (cls: string, props: Record<string, Variant>) => object({ ...props, Path_: object({ Class: cls }) });

  it('connectSms reads SWbemLastError right after a failed Put_, Get or query, and only then', () => {
    const made: string[] = [];
    const refused = new ComError('SWbemObjectEx.Put_', 0x80041003, 'Access denied ');
    const failing = object({}, { Put_: () => { throw refused; } });
    const set: Dispatch = { ...object({}), items: () => { throw new ComError('_NewEnum: IEnumVARIANT::Next', 0x800706be); } };
    const services = object({}, { Get: (p) => { if (p === 'gone') throw new ComError('Get(gone)', 0x80041002, 'Not found '); return failing; }, ExecQuery: () => set });
    const locator = object({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? object({}, { ExecQuery: () => ({ ...object({}), items: () => [object({ Machine: 'P', SiteCode: 'C' })] }) }) : services) });
    const reason = { Description: 'User has no Modify permission ', StatusCode: 0x80041003, ErrorCode: 0x40480015, Operation: 'PutInstance', ParameterInfo: 'SMS_Program', ProviderName: 'SMS Provider' };
    const site = connectSms(locator, 'S1', () => (made.push('SWbemLastError'), lastError('SMS_ExtendedStatus', reason)));
    const obj = site.get('ok');
    expect(made).toEqual([]);
    let err: ComError | undefined;
    try {
      obj.put();
    } catch (e) {
      err = e as ComError;
    }
    expect(made).toEqual(['SWbemLastError']);
    expect(err?.message).toBe('SWbemObjectEx.Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003): Access denied; the provider\'s reason (SMS_ExtendedStatus): User has no Modify permission (StatusCode WBEM_E_ACCESS_DENIED (0x80041003), ErrorCode 0x40480015)');
    expect(err?.extended).toEqual({ className: 'SMS_ExtendedStatus', description: 'User has no Modify permission', statusCode: 0x80041003, errorCode: 0x40480015, operation: 'PutInstance', parameterInfo: 'SMS_Program', providerName: 'SMS Provider' });
    expect(() => site.get('gone')).toThrow(/^Get\(gone\) failed: WBEM_E_NOT_FOUND \(0x80041002\): Not found; the provider's reason \(SMS_ExtendedStatus\)/);
    expect(() => site.query('select * from SMS_Program')).toThrow(/IEnumVARIANT::Next failed: RPC_S_CALL_FAILED \(0x800706BE\); the provider's reason/);
    expect(made).toHaveLength(3);
    // an error that is not COM's asks for nothing
    const odd = new TypeError('gone');
    const site2 = connectSms(object({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? object({}, { ExecQuery: () => ({ ...object({}), items: () => [object({ Machine: 'P', SiteCode: 'C' })] }) }) : object({}, { Get: () => { throw odd; } })) }), 'S1', () => (made.push('again'), lastError('x', {})));
    expect(() => site2.get('x')).toThrow(odd);
    expect(made).toHaveLength(3);
    // no error information: the very error WMI gave, untouched; and without SWbemLastError at all
    const plain = new ComError('Get(x)', 0x80041002);
    const bare = object({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? object({}, { ExecQuery: () => ({ ...object({}), items: () => [object({ Machine: 'P', SiteCode: 'C' })] }) }) : object({}, { Get: () => { throw plain; } })) });
    for (const lastErr of [() => { throw new ComError('CreateObject', 0x80041001); }, undefined]) {
      let caught: unknown;
      try {
        connectSms(bare, 'S1', lastErr).get('x');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(plain);
    }
  });

  it('no error information (creating SWbemLastError fails), WMI\'s own __ExtendedStatus (no ErrorCode), or an empty one: the HRESULT alone, or what there is', () => {
    expect(extendedStatus(undefined)).toBeUndefined();
    expect(extendedStatus(() => { throw new ComError('CreateObject("WbemScripting.SWbemLastError")', 0x80004005); })).toBeUndefined();
    let released = 0;
    const wmi = { ...lastError('__ExtendedStatus', { Description: 'Invalid class ', StatusCode: 0x80041010, Operation: 'GetObject' }), release: () => void released++ };
    expect(extendedStatus(() => wmi)).toEqual({ className: '__ExtendedStatus', description: 'Invalid class', statusCode: 0x80041010, errorCode: undefined, operation: 'GetObject', parameterInfo: undefined, providerName: undefined });
    expect(released).toBe(1);
    expect(new ComError('Put_', 0x80041003, undefined, { className: '__ExtendedStatus', statusCode: 0x80041010 }).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003); the provider\'s reason (__ExtendedStatus): no description (StatusCode WBEM_E_INVALID_CLASS (0x80041010))');
    expect(new ComError('Put_', 0x80041003, 'Access denied', { description: '  ' }).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003): Access denied');
    expect(new ComError('Put_', 0x80041003, undefined, { description: 'why' }).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003); the provider\'s reason: why');
    // a Path_ that is not an object, numbers that are text, blank words: left out
    expect(extendedStatus(() => object({ Path_: 'x', Description: 'd', StatusCode: '5', Operation: '   ' }))).toEqual({ className: undefined, description: 'd', statusCode: undefined, errorCode: undefined, operation: undefined, parameterInfo: undefined, providerName: undefined });
  });

  it('zticache util creates WbemScripting.SWbemLastError through the platform, after the refused write', async () => {
    const created: string[] = [];
    const program = { CommandLine: 'osdlaunch.exe', ActionInProgress: 0 };
    const pack = { PkgSourcePath: '', ImageFlags: 1, ActionInProgress: 0 };
    const sites = object({}, {
      Get: (p) => object(String(p).startsWith('SMS_Program') ? program : pack, { Put_: () => { throw new ComError('Put_', 0x80041003, 'Access denied'); } }),
      ExecQuery: () => ({ ...object({}), items: () => [] }),
    });
    const platform = {
      createObject: (progId: string): Dispatch => {
        created.push(progId);
        if (progId === 'WbemScripting.SWbemLastError') return lastError('SMS_ExtendedStatus', { Description: 'no Modify permission', StatusCode: 0x80041003 });
        return object({}, { ConnectServer: (_s, ns) => (ns === 'root\\sms' ? object({}, { ExecQuery: () => ({ ...object({}), items: () => [object({ Machine: 'P', SiteCode: 'C' })] }) }) : sites) });
      },
    } as unknown as Platform;
    const args = parseArgs(['util', '/package:XXX00001', '/program:Install XP', '/enable:false', '/force']);
    program.CommandLine = 'zticache.exe';
    await expect(utilCommand(args, platform, () => {}, { execPath: process.execPath, packaged: false, scriptPath: CLI })).rejects.toMatchObject({
      exitCode: ExitCode.SMS_CHANGE_REFUSED,
      message: expect.stringContaining('Access denied; the provider\'s reason (SMS_ExtendedStatus): no Modify permission (StatusCode WBEM_E_ACCESS_DENIED (0x80041003)); nothing was changed'),
    });
    expect(created).toEqual(['WbemScripting.SWbemLocator', 'WbemScripting.SWbemLastError']);
  });
});

describe('objects the site is deleting (ActionInProgress 3) and keys with trailing blanks', () => {
  it('the report leaves out what is being deleted, says how many, and warns about none of it', async () => {
    const site = xpSite(0x10);
    site.packages.push({ PackageID: 'XXX00002', Name: 'Old XP', ImageFlags: 1, ActionInProgress: 3 });
    site.programs.push({ PackageID: 'XXX00002', ProgramName: 'Install', CommandLine: 'osdlaunch.exe', ActionInProgress: 3 });
    site.programs.push({ PackageID: 'XXX00001', ProgramName: 'Capture', CommandLine: 'osdlaunch.exe', ActionInProgress: 3 });
    site.adverts.push({ AdvertisementID: 'XXX20002', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x10, ActionInProgress: 3 });
    site.adverts.push({ AdvertisementID: 'XXX20003', PackageID: 'XXX00002', ProgramName: 'Install', RemoteClientFlags: 0x10, ActionInProgress: 1 });
    const r = await run(site, {});
    expect(r.lines.slice(1, 3)).toEqual(['OS packages: SMS_Package where ImageFlags = 1 (SMS 2003 OSD).', 'Left out, being deleted by the site (ActionInProgress 3): 1 package, 1 program, 1 advertisement.']);
    // (the program of the package being deleted goes with it: counted once, as the package)
    expect(r.text).not.toMatch(/XXX00002|XXX20002|XXX20003|Capture/);
    expect(r.text.match(/Warning: zticache\.exe must/g)).toHaveLength(1); // XXX20001's own
    // none being deleted: nothing said
    expect((await run(xpSite(), {})).text).not.toContain('Left out');
    // one of each kind alone
    const one = xpSite();
    one.programs.push({ PackageID: 'XXX00001', ProgramName: 'Capture', CommandLine: 'osdlaunch.exe', ActionInProgress: 3 });
    one.programs.push({ PackageID: 'XXX00001', ProgramName: 'Capture 2', CommandLine: 'osdlaunch.exe', ActionInProgress: 3 });
    expect((await run(one, {})).text).toContain('Left out, being deleted by the site (ActionInProgress 3): 2 programs.');
  });

  it('a site without ActionInProgress (or one that cannot be read as such) reports everything; another failure is not taken for that', async () => {
    const site = xpSite(0x10);
    const query = site.query;
    site.query = (wql) => query(wql).map((o) => ({ ...o, get: (p: string) => { if (p === 'ActionInProgress') throw new ComError('get ActionInProgress', 0x80020006); return o.get(p); } }));
    expect((await run(site, {})).text).toContain('  OS Advertisement ID:     XXX20001');
    const broken = new TypeError('object released');
    site.query = (wql) => query(wql).map((o) => ({ ...o, get: (p: string) => { if (p === 'ActionInProgress') throw broken; return o.get(p); } }));
    await expect(runUtil({ whatIf: false }, { connect: () => site, out: () => {} })).rejects.toMatchObject({ message: expect.stringContaining('object released') });
  });

  it('util refuses to change an advertisement, program or package the site is deleting: nothing written', async () => {
    for (const [table, what] of [['adverts', 'advertisement XXX20001'], ['programs', 'program Install XP of package XXX00001'], ['packages', 'package XXX00001']] as const) {
      const site = xpSite();
      site[table][0]!.ActionInProgress = 3;
      const r = await run(site, { advertisement: 'XXX20001', enable: true });
      expect(r.error?.exitCode, what).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
      expect(r.error?.message, what).toBe(`zticache util: ${what} is being deleted (ActionInProgress 3); nothing was changed`);
      expect(site.putCalls).toBe(0);
    }
    // an update or an add in progress is no reason to refuse
    const busy = xpSite();
    busy.adverts[0]!.ActionInProgress = 1;
    expect((await run(busy, { advertisement: 'XXX20001', enable: true })).error).toBeUndefined();
  });

  it('an advertisement whose ProgramName differs from its program\'s only by trailing blanks is reported under it, with its warning, and enabled', async () => {
    const site = xpSite(0x10);
    site.adverts[0]!.ProgramName = 'Install XP  ';
    const r = await run(site, {});
    expect(r.text).toMatch(/ OS Program Name: +Install XP\n OS Program command line: +osdlaunch\.exe\n OS Program cache enabled: False\n  OS Advertisement ID: +XXX20001/);
    expect(r.text).toContain('Warning: zticache.exe must be enabled on XXX00001 and Install XP\nin order for download and execute to be successful for advertisement XXX20001.');
    // a leading blank is a different name, as in the site database
    const lead = xpSite(0x10);
    lead.adverts[0]!.ProgramName = ' Install XP';
    expect((await run(lead, {})).text).not.toContain('XXX20001');
    // /advertisement with /package /program naming its program up to trailing blanks is the same program
    const named = xpSite();
    named.adverts[0]!.ProgramName = 'Install XP ';
    expect((await run(named, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: true })).error).toBeUndefined();
    expect(named.programs[0]!.CommandLine).toBe('zticache.exe');
  });
});

describe('the undo: built by the quoting the parser reads, and run', () => {
  it('quotes as the C runtime splits: blanks and quotes quoted, backslashes doubled only before a quote', () => {
    const cases: Array<[string, string]> = [
      ['XXX00001', 'XXX00001'],
      ['Install XP', '"Install XP"'],
      ['Deploy XP\\', '"Deploy XP\\\\"'],
      ['Install "Gold" XP', '"Install \\"Gold\\" XP"'],
      ['a\\\\"b', '"a\\\\\\\\\\"b"'],
      ['C:\\path\\x', 'C:\\path\\x'],
      ['', '""'],
      ['tab\there', '"tab\there"'],
      ['Deploy XP\\SP2 x', '"Deploy XP\\SP2 x"'],
      ['a\\\\b c\\', '"a\\\\b c\\\\"'],
    ];
    for (const [value, quoted] of cases) {
      expect(quoteArgument(value), value).toBe(quoted);
      expect(splitCommandLine(`x ${quoted} y`), value).toEqual(['x', value, 'y']);
    }
    // the C runtime's other rules, as Windows reads a line an admin typed
    expect(splitCommandLine('a\\\\b "c d"e  "f""g" \\"h')).toEqual(['a\\\\b', 'c de', 'f"g', '"h']);
    expect(splitCommandLine('  ')).toEqual([]);
    expect(splitCommandLine('a\tb \t c')).toEqual(['a', 'b', 'c']);
    expect(splitCommandLine('end\\\\')).toEqual(['end\\\\']);
  });

  it('cmd.exe gets a caret before its metacharacters where it sees them unquoted, and takes it away', () => {
    expect(forCmd('a&b "c&d" e|f <g> ^h')).toBe('a^&b "c&d" e^|f ^<g^> ^^h');
    expect(fromCmd(forCmd('a&b "c&d" e|f <g> ^h'))).toBe('a&b "c&d" e|f <g> ^h');
    // cmd.exe knows no backslash: \" ends its quoting
    expect(forCmd('"x \\" & y"')).toBe('"x \\" ^& y"');
    expect(fromCmd('"^" ^^ x^')).toBe('"^" ^ x^');
  });

  const names = ['Deploy XP\\', 'Install "Gold" XP', 'Bob\'s XP', 'Déploiement XP ünïcödé 安装', 'Install XP', 'R&D "build" <x> | y^', 'a\\"b\\\\'];
  for (const name of names) {
    it(`a program named ${name}: the printed undo parses back to it and gives the site back`, async () => {
      const site = xpSite(0x08, name);
      site.programs[0]!.CommandLine = 'osdlaunch.exe /x';
      const before = state(site);
      site.refusePutAt = [2];
      const r = await run(site, { server: 'SCCM 01', advertisement: 'XXX20001', enable: true });
      expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
      const undo = /undo what was written with: (.*)$/.exec(r.error!.message)![1]!;
      const argv = splitCommandLine(fromCmd(undo));
      expect(parseArgs(argv.slice(1))).toMatchObject({ command: 'util', server: 'SCCM 01', package: 'XXX00001', program: name, enable: false });
      site.refusePutAt = [];
      expect((await runLine(site, undo)).error).toBeUndefined();
      expect(state(site)).toBe(before);
    });
  }

  it('a name no command line can carry (a quote followed by a switch, which the parser refuses) gets no command: the message says what to put back', async () => {
    expect(utilCommandLine({ package: 'X', program: 'A" /enable:true', enable: false })).toBeUndefined();
    expect(utilCommandLine({ package: 'X', program: 'A" B', enable: false })).toBe('zticache util /package:X /program:"A\\" B" /enable:false');
    const site = xpSite(0x08, 'A" /enable:true');
    site.refusePutAt = [2];
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.message).toMatch(/undo what was written by hand: set the command line of program A" \/enable:true of package XXX00001 back to "osdlaunch\.exe" \(no command line gives zticache util these names back\)$/);
  });

  it('a program that ran ZTICache.vbs: the undo names its command line to put back, never /enable:false (which would write osdlaunch.exe)', async () => {
    const site = xpSite(0x08);
    site.programs[0]!.CommandLine = 'wscript //b ZTICache.vbs';
    site.refusePutAt = [2];
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.text).toContain('Note: /enable:false will not give "wscript //b ZTICache.vbs" back (it writes "osdlaunch.exe"): keep this line to put it back by hand.');
    expect(r.error?.message).toMatch(/undo what was written by hand: set the command line of program Install XP of package XXX00001 back to "wscript \/\/b ZTICache\.vbs" \(zticache util \/enable:false would write "osdlaunch\.exe", not what it ran\)$/);
    // enabling from osdlaunch.exe in another case or folder: told too
    const other = xpSite(0x08);
    other.programs[0]!.CommandLine = 'OSDLaunch.exe';
    other.refusePutAt = [2];
    expect((await run(other, { advertisement: 'XXX20001', enable: true })).error?.message).toContain('back to "OSDLaunch.exe" (zticache util /enable:false would write "osdlaunch.exe", not what it ran)');
  });

  it('disabling: the undo is /enable:true on the advertisement only where that leaves its program as it is and gives the flags back', async () => {
    const site = xpSite(0x10);
    site.programs[0]!.CommandLine = 'zticache.exe';
    site.refusePutAt = [2];
    let r = await run(site, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.error?.message).toMatch(/undo what was written with: zticache util \/advertisement:XXX20001 \/enable:true$/);
    // a program still on ZTICache.vbs would be rewritten by that enable: by hand
    const vbs = xpSite(0x10);
    vbs.programs[0]!.CommandLine = 'wscript //b ZTICache.vbs';
    vbs.refusePutAt = [2];
    r = await run(vbs, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.error?.message).toMatch(/undo what was written by hand: set RemoteClientFlags of advertisement XXX20001 back to 16 in the console \(zticache util \/enable:true would also point its program \("wscript \/\/b ZTICache\.vbs"\) at zticache\.exe\)$/);
    // both bits set: enabling again would clear RUN_FROM_LOCAL_DISPPOINT, not give 0x18 back
    const both = xpSite(0x18);
    both.programs[0]!.CommandLine = 'zticache.exe';
    both.refusePutAt = [2];
    r = await run(both, { advertisement: 'XXX20001', package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.error?.message).toMatch(/set RemoteClientFlags of advertisement XXX20001 back to 24 in the console/);
  });
});

describe('what each message says, in the corners', () => {
  it('a command line the provider leaves empty is shown as empty, never as "null"', async () => {
    const site = xpSite();
    site.programs[0]!.CommandLine = null;
    const r = await run(site, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(r.error?.message).toBe('zticache util: program Install XP of package XXX00001 runs neither osdlaunch.exe nor zticache.exe: its command line "" would be lost; nothing was changed (check /package and /program; /force changes it anyway)');
  });

  it('with /advertisement, /package and /program name the program as the admin spelled them', async () => {
    const site = xpSite();
    const r = await run(site, { advertisement: 'XXX20001', package: 'xxx00001', program: 'install xp', enable: true });
    expect(r.error).toBeUndefined();
    expect(r.text).toContain('Retrieving program object for package xxx00001 and program install xp.');
  });

  it('nothing to write: nothing got again', async () => {
    const site = xpSite(0x10);
    site.programs[0]!.CommandLine = 'zticache.exe';
    expect((await run(site, { advertisement: 'XXX20001', enable: true })).error).toBeUndefined();
    // the three reads, then only the report's Get of the advertisement for its schedule (AssignedSchedule is lazy)
    expect(site.gets).toHaveLength(4);
    expect(site.gets[3]).toBe(site.gets[0]);
    expect(site.putCalls).toBe(0);
  });

  it('a site whose objects have no ActionInProgress (COM says no such property) is changed as any other', async () => {
    const site = xpSite();
    const get = site.get;
    site.get = (p) => {
      const o = get(p);
      return { ...o, get: (prop: string) => { if (prop === 'ActionInProgress') throw new ComError('get ActionInProgress', 0x80020006); return o.get(prop); } };
    };
    expect((await run(site, { advertisement: 'XXX20001', enable: true })).error).toBeUndefined();
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
  });

  it('a property another writer emptied, and two changed at once, are each named', async () => {
    const site = xpSite();
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) {
        delete site.packages[0]!.PkgSourcePath;
        site.adverts[0]!.RemoteClientFlags = 0x2429;
        site.adverts[0]!.ProgramName = 'Capture';
      }
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.message).toContain(`advertisement XXX20001 was changed by another writer after zticache util read it: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x2429)}, ProgramName "Install XP" -> "Capture";`);
    const emptied = xpSite();
    emptied.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) delete emptied.packages[0]!.PkgSourcePath;
    };
    expect((await run(emptied, { advertisement: 'XXX20001', enable: true })).error?.message).toContain('package XXX00001 was changed by another writer after zticache util read it: PkgSourcePath "\\\\SERVER1\\pkgs\\xp" -> (none);');
    const nulled = xpSite();
    nulled.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) nulled.packages[0]!.PkgSourcePath = null;
    };
    expect((await run(nulled, { advertisement: 'XXX20001', enable: true })).error?.message).toContain('PkgSourcePath "\\\\SERVER1\\pkgs\\xp" -> (none);');
  });

  it('a property the object will not take (IDispatch refuses the value) is a refused write, nothing written', async () => {
    const site = xpSite();
    const get = site.get;
    const refused = new ComError('SWbemObjectEx.CommandLine = zticache.exe', 0x80020005);
    site.get = (p) => {
      const o = get(p);
      return p.startsWith('SMS_Program') ? { ...o, set: () => { throw refused; } } : o;
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
    expect(r.error?.message).toBe(`zticache util: writing program Install XP of package XXX00001 back (Put_) was refused: ${refused.message}; nothing was changed`);
    expect(site.putCalls).toBe(0);
  });

  it('getting an object again fails (access denied, not gone): the provider\'s failure, nothing changed; a deleted one keeps WMI\'s error as its cause', async () => {
    const site = xpSite();
    const denied = new ComError("Get(SMS_Advertisement.AdvertisementID='XXX20001')", 0x80041003);
    site.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) throw denied;
    };
    let r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(r.error?.message).toBe(`zticache util: reading advertisement XXX20001 again: ${denied.message}; nothing was changed`);
    expect(r.error?.cause).toBe(denied);
    const gone = xpSite();
    gone.onGet = (_p, n) => {
      if (n === FIRST_RECHECK) gone.adverts.pop();
    };
    r = await run(gone, { advertisement: 'XXX20001', enable: true });
    expect((r.error?.cause as ComError).hresult).toBe(0x80041002);
    // a failure that is not COM's, after a write: said as it is, with the code that says something was written
    const odd = xpSite();
    const boom = new TypeError('boom');
    let gets = 0;
    odd.onGet = (p) => {
      if (p.startsWith('SMS_Advertisement') && ++gets === 3) throw boom;
    };
    r = await run(odd, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.error?.message).toMatch(/^zticache util: reading advertisement XXX20001 again: TypeError: boom; written before it: the command line/);
    expect(r.error?.cause).toBe(boom);
  });

  it('what zticache wrote changed under it before its next write: the site is not as it left it, and the message does not vouch for it', async () => {
    const site = xpSite();
    let gets = 0;
    site.onGet = (p) => {
      // the program, got again before the advertisement's write, after zticache wrote it
      if (p.startsWith('SMS_Program') && ++gets === 3) site.programs.pop();
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.error?.message).toMatch(/^zticache util: written: the command line of package XXX00001 program Install XP: "osdlaunch\.exe" -> "zticache\.exe"; then program Install XP of package XXX00001 is gone \(deleted by another writer .*\) \(another admin or run wrote at the same time\)\. The site is not as zticache util left it/);
    expect((r.error?.cause as ComError).hresult).toBe(0x80041002);
    expect(site.puts).toEqual(['SMS_Program']);
  });

  it('a writer after both writes: both said, and undone last first (the advertisement before the program)', async () => {
    const site = xpSite();
    site.onGet = (_p, n) => {
      // 3 reads, 3 before each of the two writes, then the read after them
      if (n === 10) site.adverts[0]!.RemoteClientFlags = 0x2408;
    };
    const r = await run(site, { advertisement: 'XXX20001', enable: true });
    expect(site.puts).toEqual(['SMS_Program', 'SMS_Advertisement']);
    expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
    expect(r.error?.message).toBe(`zticache util: written: the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe"; download and execute on for advertisement XXX20001: RemoteClientFlags ${describeFlags(0x2428)} -> ${describeFlags(0x2430)}; `
      + `then advertisement XXX20001 was changed by another writer after zticache util read it: RemoteClientFlags ${describeFlags(0x2430)} -> ${describeFlags(0x2408)} (another admin or run wrote at the same time). `
      + 'The site is not as zticache util left it: see it with zticache util (no arguments), and run this command again to decide on what it holds now; '
      + 'what zticache util wrote is undone with: zticache util /advertisement:XXX20001 /enable:false; with: zticache util /package:XXX00001 /program:"Install XP" /enable:false');
  });

  it('disabling an advertisement alone, then a writer: its undo is /enable:true on it where its program runs zticache.exe already, else by hand', async () => {
    for (const [commandLine, undo] of [
      ['zticache.exe', 'with: zticache util /advertisement:XXX20001 /enable:true'],
      ['osdlaunch.exe', 'by hand: set RemoteClientFlags of advertisement XXX20001 back to 16 in the console (zticache util /enable:true would also point its program ("osdlaunch.exe") at zticache.exe)'],
      [undefined, 'by hand: set RemoteClientFlags of advertisement XXX20001 back to 16 in the console (zticache util /enable:true would also point its program, which could not be read, at zticache.exe)'],
    ] as const) {
      const site = xpSite(0x10);
      if (commandLine === undefined) site.programs.pop();
      else site.programs[0]!.CommandLine = commandLine;
      // gets: the advertisement (1), its program for the undo (2); the advertisement again before its write (3); after it (4), when the site starts deleting it
      site.onGet = (_p, n) => {
        if (n === 4) site.adverts[0]!.ActionInProgress = 3;
      };
      const r = await run(site, { advertisement: 'XXX20001', enable: false });
      expect(r.error?.exitCode).toBe(ExitCode.SMS_FAILED_AFTER_WRITE);
      expect(r.error?.message.endsWith(`what zticache util wrote is undone ${undo}`), r.error?.message).toBe(true);
    }
  });

  it('an advertisement ID no command line can carry: its undo is by hand', async () => {
    const id = 'A" /enable:false';
    const site = memorySite({
      packages: [{ PackageID: 'XXX00001', ImageFlags: 1, PkgSourcePath: '' }],
      programs: [{ PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: 'zticache.exe' }],
      adverts: [{ AdvertisementID: id, PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: 0x10 }],
    });
    site.refusePutAt = [2];
    const r = await run(site, { advertisement: id, package: 'XXX00001', program: 'Install XP', enable: false });
    expect(r.error?.message).toMatch(/undo what was written by hand: set RemoteClientFlags of advertisement A" \/enable:false back to 16 in the console \(no command line gives zticache util this ID back\)$/);
  });
});
