// Issue 40 (found by an attack) (README step 7 and its undo): `zticache check` is "a second program of the OS
// package", `zticache.exe check /status-mif:ZTICache.mif`, advertised "with download and execute
// (step 4's command)". How it breaks: `zticache util ... /enable:false` treats every command line
// that runs zticache.exe as the stager and rewrites it to `osdlaunch.exe` (with what follows
// `--`). Turning download and execute off for the check's program (the README's own undo shape,
// `zticache util /package:ID /program:NAME /enable:false`, or the command SMS_ADVERTISEMENT_DOWNLOADS
// prints) writes `osdlaunch.exe` as the CHECK program's command line: the read-only check becomes
// the OS install, which runs at the check advertisement's mandatory time, BEFORE the OS
// advertisement's deadline, on every client of the collection. Exit 0, no refusal, no /force.
import { describe, expect, it } from 'vitest';
import { rewriteCommandLine } from '../../../src/commands/util/command-line.js';
import { runUtil } from '../../../src/commands/util/util.js';
import { readinessSite } from '../../helpers/readiness-site.js';

const CHECK_LINE = 'zticache.exe check /status-mif:ZTICache.mif';

describe('/enable:false on the check program of the OS package', () => {
  it('never turns `zticache.exe check` into osdlaunch.exe', () => {
    expect(rewriteCommandLine(CHECK_LINE, false)).not.toMatch(/osdlaunch/i);
  });

  // the same rewrite hits every other zticache.exe command the README tells admins to advertise
  // (step 2's cache-size program, the selftest program of docs/windows-checks.md); on current
  // ConfigMgr, where SMS_Package has no ImageFlags, nothing else stops it
  for (const line of ['zticache.exe cache-size 2000', 'zticache.exe selftest /package-size:1500', 'zticache.exe manifest \\\\SERVER1\\ZTI\\XP']) {
    it(`never turns \`${line}\` into osdlaunch.exe`, () => {
      expect(rewriteCommandLine(line, false)).not.toMatch(/osdlaunch/i);
    });
  }

  it('end to end: the check program is not rewritten into the OS installer', async () => {
    const site = readinessSite(1);
    site.programs.find((p) => p.ProgramName === 'Check')!.CommandLine = CHECK_LINE;
    // the check's advertisement with download off first, so only the program is left to write
    site.adverts.find((a) => a.AdvertisementID === 'XXX20002')!.RemoteClientFlags = 0x08;
    const out: string[] = [];
    try {
      await runUtil({ whatIf: false, package: 'XXX00001', program: 'Check', enable: false } as never, { connect: () => site, out: (l) => out.push(l) });
    } catch {
      // a refusal holds
    }
    expect(site.programs.find((p) => p.ProgramName === 'Check')!.CommandLine).not.toMatch(/osdlaunch/i);
  });
});
