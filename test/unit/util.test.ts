// zticache util's decisions against an SMS site in memory: the two bits and nothing else, the
// program's command line, the report of the original (from one query per class), --what-if, and
// each failure as its own code.
import { describe, expect, it } from 'vitest';
import { ComError, type Dispatch, type Variant } from '../../src/automation.js';
import { connectSms } from '../../src/commands/util/site.js';
import { ExitCode } from '../../src/exit-codes.js';
import { ZtiError } from '../../src/errors.js';
import { describeFlags, REMOTE_CLIENT_FLAGS, withDownloadAndExecute } from '../../src/commands/util/flags.js';
import { runUtil, utilUsage, type UtilOptions } from '../../src/commands/util/util.js';
import { memorySite, type MemorySite } from '../helpers/sms-site.js';

/** A site as the document's example has it, its advertisement carrying settings the script wiped. */
function xpSite(flags = 0x08 | 0x20 | 0x400 | 0x2000) {
  return memorySite({
    packages: [{ PackageID: 'XXX00001', Name: 'XP Master', ImageFlags: 1, PkgSourcePath: '\\\\SERVER1\\pkgs\\xp' }, { PackageID: 'XXX00002', Name: 'Office', ImageFlags: 0 }],
    programs: [{ PackageID: 'XXX00001', ProgramName: 'Install XP', CommandLine: 'osdlaunch.exe' }, { PackageID: 'XXX00002', ProgramName: 'Setup', CommandLine: 'setup.exe' }],
    adverts: [{ AdvertisementID: 'XXX20001', PackageID: 'XXX00001', ProgramName: 'Install XP', RemoteClientFlags: flags }],
  });
}

function run(site: MemorySite, o: Partial<UtilOptions>, hasStager?: (p: string) => boolean | undefined) {
  const lines: string[] = [];
  let error: ZtiError | undefined;
  try {
    runUtil({ whatIf: false, ...o }, { connect: () => site, out: (l) => lines.push(l), hasStager });
  } catch (err) {
    if (!(err instanceof ZtiError)) throw err;
    error = err;
  }
  return { lines, text: lines.join('\n'), error };
}

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

describe('zticache util', () => {
  it('/advertisement /enable:true: the two bits change, the program named by the advertisement runs zticache.exe, the report says so', () => {
    const site = xpSite();
    const r = run(site, { advertisement: 'XXX20001', enable: true }, () => true);
    expect(r.error).toBeUndefined();
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x10 | 0x20 | 0x400 | 0x2000);
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe');
    expect(site.programs[1]!.CommandLine).toBe('setup.exe');
    expect(r.lines.slice(0, 6)).toEqual([
      'Connecting to SMS provider server SERVER1 and site MTN.',
      'Retrieving advertisement object for advertisement XXX20001.',
      'Enabled download and execute on advertisement XXX20001: RemoteClientFlags 9256 (0x2428: RUN_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT|BALLOON_REMINDERS_REQUIRED|RERUN_IF_FAILED) -> 9264 (0x2430: DOWNLOAD_FROM_LOCAL_DISPPOINT|DONT_RUN_NO_LOCAL_DISPPOINT|BALLOON_REMINDERS_REQUIRED|RERUN_IF_FAILED).',
      'Retrieving program object for package XXX00001 and program Install XP.',
      'Set the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe".',
      'Be sure to include zticache.exe in the OS package by including it as a',
    ]);
    expect(r.text).toContain('zticache.exe is in the package source \\\\SERVER1\\pkgs\\xp.');
    expect(r.text).toMatch(/OS Package ID: +XXX00001\nOS Package Name: +XP Master\n OS Program Name: +Install XP\n OS Program command line: +zticache\.exe\n OS Program cache enabled: True\n  OS Advertisement ID: +XXX20001\n  OS Advertisement flags: +9264 \(0x2430: [A-Z_|]+\)\n  Download enabled: +True/);
    expect(r.text).not.toMatch(/XXX00002|Warning/);
    expect(site.puts).toEqual(['SMS_Advertisement', 'SMS_Program']);
  });

  it('a package source without zticache.exe is named in a warning', () => {
    const r = run(xpSite(), { advertisement: 'XXX20001', enable: true }, () => false);
    expect(r.text).toContain('Warning: zticache.exe is NOT in the package source \\\\SERVER1\\pkgs\\xp: add it, then update the distribution points.');
  });

  it('/enable:false on the advertisement, then on the program (the document\'s Listing 23): both back, nothing else touched', () => {
    const site = xpSite(0x10 | 0x20 | 0x8000);
    site.programs[0]!.CommandLine = 'zticache.exe';
    run(site, { advertisement: 'XXX20001', enable: false });
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x08 | 0x20 | 0x8000);
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe'); // the script, too, left the program alone here
    const r = run(site, { package: 'XXX00001', program: 'Install XP', enable: false });
    expect(site.programs[0]!.CommandLine).toBe('osdlaunch.exe');
    expect(r.text).toContain('Set the command line of package XXX00001 program Install XP: "zticache.exe" -> "osdlaunch.exe".');
    expect(r.text).not.toContain('Be sure to include');
  });

  it('what is already so is said and not written again', () => {
    const site = xpSite(0x30);
    site.programs[0]!.CommandLine = 'zticache.exe';
    const r = run(site, { advertisement: 'XXX20001', enable: true });
    expect(site.puts).toEqual([]);
    expect(r.text).toContain('Download and execute is already enabled on advertisement XXX20001: RemoteClientFlags 48 (0x30');
    expect(r.text).toContain('Package XXX00001 program Install XP already runs zticache.exe.');
  });

  it('--what-if reads and says what would change, and writes nothing', () => {
    const site = xpSite();
    const r = run(site, { advertisement: 'XXX20001', enable: true, whatIf: true });
    expect(site.puts).toEqual([]);
    expect(site.adverts[0]!.RemoteClientFlags).toBe(0x08 | 0x20 | 0x400 | 0x2000);
    expect(site.programs[0]!.CommandLine).toBe('osdlaunch.exe');
    expect(r.text).toContain('Would have enabled download and execute on advertisement XXX20001');
    expect(r.text).toContain('Would have set the command line of package XXX00001 program Install XP: "osdlaunch.exe" -> "zticache.exe".');
  });

  it('the report warns where download is on but the program does not stage, as the script did', () => {
    const r = run(xpSite(0x30), {});
    expect(r.text).toContain('Warning: zticache.exe must be enabled on XXX00001 and Install XP\nin order for download and execute to be successful for advertisement XXX20001.');
  });

  it('the report asks one query per class, however many packages there are', () => {
    const site = xpSite();
    for (let i = 3; i < 40; i++) {
      site.packages.push({ PackageID: `XXX000${i}`, Name: `OS ${i}`, ImageFlags: 1 });
      site.programs.push({ PackageID: `XXX000${i}`, ProgramName: 'Install', CommandLine: 'osdlaunch.exe' });
    }
    const r = run(site, {});
    expect(site.queries).toHaveLength(3);
    expect(r.text.match(/OS Package ID:/g)).toHaveLength(38);
  });

  it('current ConfigMgr (no ImageFlags: the query is invalid): OS packages are those whose programs run osdlaunch.exe or zticache.exe, and the report says which way it chose', () => {
    const site = xpSite();
    site.noImageFlags = true;
    site.packages.push({ PackageID: 'XXX00003', Name: 'Win7', PkgSourcePath: '' });
    site.programs.push({ PackageID: 'XXX00003', ProgramName: 'Deploy', CommandLine: 'ZTICache.exe' });
    const r = run(site, {});
    expect(r.text).toContain('OS packages: packages whose programs run osdlaunch.exe or zticache.exe (this site has no ImageFlags).');
    expect(r.text.match(/OS Package ID: +(\w+)/g)).toEqual(['OS Package ID:             XXX00001', 'OS Package ID:             XXX00003']);
  });

  it('each failure has its own code and names the WMI error with its HRESULT', () => {
    const missing = run(xpSite(), { advertisement: 'XXX29999', enable: true });
    expect(missing.error?.exitCode).toBe(ExitCode.SMS_OBJECT_NOT_FOUND);
    expect(missing.error?.message).toMatch(/retrieving advertisement XXX29999: .*WBEM_E_NOT_FOUND \(0x80041002\)/);

    const refusing = xpSite();
    refusing.refusePut = true;
    const refused = run(refusing, { advertisement: 'XXX20001', enable: true });
    expect(refused.error?.exitCode).toBe(ExitCode.SMS_CHANGE_REFUSED);
    expect(refused.error?.message).toMatch(/writing advertisement XXX20001 back \(Put_\) was refused: .*WBEM_E_ACCESS_DENIED \(0x80041003\): Access denied/);

    const lines: string[] = [];
    let err: unknown;
    try {
      runUtil({ server: 'NOWHERE', whatIf: false }, { connect: () => { throw new ComError('ConnectServer(NOWHERE, root\\sms)', 0x800706ba); }, out: (l) => lines.push(l) });
    } catch (e) {
      err = e;
    }
    expect((err as ZtiError).exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect((err as ZtiError).message).toBe('zticache util: connecting to the SMS provider on NOWHERE: ConnectServer(NOWHERE, root\\sms) failed: RPC_S_SERVER_UNAVAILABLE (0x800706BA)');
    expect(lines).toEqual([]);
  });

  it('a change without /enable, or /package without /program, is a usage error before connecting', () => {
    let connected = false;
    for (const o of [{ advertisement: 'XXX20001' }, { package: 'XXX00001' }]) {
      let err: unknown;
      try {
        runUtil({ whatIf: false, ...o }, { connect: () => { connected = true; return xpSite(); }, out: () => {} });
      } catch (e) {
        err = e;
      }
      expect((err as ZtiError).exitCode).toBe(ExitCode.USAGE);
    }
    expect(connected).toBe(false);
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
});

describe('zticache util: the rest of its rules', () => {
  it('the usage text, as the script printed it with no arguments', () => {
    expect(utilUsage()).toEqual([
      'Usage: zticache util [/server:NAME] [/package:ID] [/program:NAME] [/advertisement:ID] [/enable:true|false] [/what-if]',
      '  /server:         SMS provider server (default: this server)',
      '  /package:        OS package ID',
      '  /program:        OS program name',
      '  /advertisement:  OS advertisement ID',
      '  /enable:         true or yes: download and execute, program runs zticache.exe; false or no: back to osdlaunch.exe',
      'Examples:',
      '  zticache util /advertisement:XXX20001 /enable:true',
      '  zticache util /package:XXX00001 /program:"Install XP" /enable:false',
    ]);
  });

  it('which changes need /enable, and /package with /program', () => {
    const usage = (o: Partial<UtilOptions>) => run(xpSite(), o).error;
    expect(usage({ package: 'XXX00001', program: 'Install XP' })?.message).toMatch(/\/enable:true or \/enable:false is needed/);
    expect(usage({ program: 'Install XP', enable: true })?.message).toMatch(/\/package and \/program go together/);
    expect(usage({ package: 'XXX00001', enable: true })?.message).toMatch(/\/package and \/program go together/);
    // with an advertisement, a lone /package is the script's business (it is ignored), not an error
    expect(run(xpSite(), { advertisement: 'XXX20001', package: 'XXX00001', enable: false }).error).toBeUndefined();
    // and the report alone needs nothing
    expect(run(xpSite(), {}).error).toBeUndefined();
  });

  it('the advertisement names the program only when enabling and none was named', () => {
    const named = xpSite();
    named.programs.push({ PackageID: 'XXX00009', ProgramName: 'Other', CommandLine: 'osdlaunch.exe' });
    run(named, { advertisement: 'XXX20001', package: 'XXX00009', program: 'Other', enable: true });
    expect(named.programs.map((p) => p.CommandLine)).toEqual(['osdlaunch.exe', 'setup.exe', 'zticache.exe']);
    const disabling = xpSite(0x10);
    const r = run(disabling, { advertisement: 'XXX20001', enable: false });
    expect(r.text).not.toContain('Retrieving program object');
  });

  it('names with a quote are quoted in the object path; a missing command line reads as empty', () => {
    const site = xpSite();
    site.programs[0]!.ProgramName = "Bob's XP";
    site.adverts[0]!.ProgramName = "Bob's XP";
    const r = run(site, { package: 'XXX00001', program: "Bob's XP", enable: true });
    expect(r.error).toBeUndefined();
    expect(site.programs[0]!.CommandLine).toBe('zticache.exe');
    site.programs[0]!.CommandLine = null;
    expect(run(site, {}).text).toMatch(/ OS Program command line:  \n OS Program cache enabled: False/);
  });

  it('the report lists a program only under its package, an advertisement only under its program', () => {
    const site = xpSite(0x30);
    site.packages.push({ PackageID: 'XXX00002', Name: 'Other OS', ImageFlags: 1 });
    site.programs.push({ PackageID: 'XXX00002', ProgramName: 'Install XP', CommandLine: 'zticache.exe' });
    site.adverts.push({ AdvertisementID: 'XXX20002', PackageID: 'XXX00002', ProgramName: 'Install XP', RemoteClientFlags: 0x08 });
    site.adverts.push({ AdvertisementID: 'XXX20003', PackageID: 'XXX00001', ProgramName: 'Another', RemoteClientFlags: 0x10 });
    const text = run(site, {}).text;
    const first = text.slice(text.indexOf('XXX00001'), text.indexOf('OS Package ID:             XXX00002'));
    expect(first.match(/OS Program Name/g)).toHaveLength(1);
    expect(first).toContain('XXX20001');
    expect(first).not.toMatch(/XXX20002|XXX20003/);
    expect(text.slice(text.indexOf('OS Package ID:             XXX00002'))).toMatch(/XXX20002/);
  });

  it('a report query that fails for another reason than ImageFlags is the provider\'s failure, not the fallback', () => {
    const site = xpSite();
    const query = site.query;
    site.query = (wql) => {
      if (/ImageFlags/.test(wql)) throw new ComError(`ExecQuery(${wql})`, 0x80041003);
      return query(wql);
    };
    const r = run(site, {});
    expect(r.error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect(r.error?.message).toMatch(/querying SMS_Package: .*WBEM_E_ACCESS_DENIED/);
    expect(r.text).not.toContain('OS packages:');
  });

  it('not found while querying is the provider\'s failure; an error that is not COM\'s is named as it is', () => {
    const site = xpSite();
    site.query = () => { throw new ComError('ExecQuery', 0x80041002); };
    expect(run(site, {}).error?.exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    let err: unknown;
    try {
      runUtil({ whatIf: false }, { connect: () => { throw new Error('the network is down'); }, out: () => {} });
    } catch (e) {
      err = e;
    }
    expect((err as ZtiError).exitCode).toBe(ExitCode.SMS_PROVIDER_UNAVAILABLE);
    expect((err as ZtiError).message).toBe('zticache util: connecting to the SMS provider on this server: Error: the network is down');
    expect((err as ZtiError).cause).toBeInstanceOf(Error);
  });
});
