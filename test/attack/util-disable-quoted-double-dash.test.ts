// Issue 35 / README: osdlaunch.exe's arguments go behind `--` "and come back when disabling
// (`zticache.exe /status-mif:Z.mif -- /x` -> `osdlaunch.exe /x`)". rewriteCommandLine finds the
// first " --" in the raw text, quotes ignored, so a quoted value of zticache's own holding " -- "
// (a status-MIF product name, free text the Reporting tab shows) is taken for the separator:
// disabling writes OSDLaunch a garbage argument list, exit 0. zticache.exe itself (the C runtime
// and parseArgs) reads the same line as launcher arguments ["/x"].
import { expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { splitCommandLine } from '../../src/commands/util/undo.js';
import { util, xpSite } from './site.js';

it('disabling `zticache.exe /mif-product:"XP -- Gold" -- /x` gives osdlaunch.exe /x (or refuses)', async () => {
  const line = 'zticache.exe /mif-product:"XP -- Gold" -- /x';
  // what zticache.exe itself passes on to the launcher from this line
  expect(parseArgs(splitCommandLine(line).slice(1)).launchArgs).toEqual(['/x']);
  const s = xpSite(line, 0x08);
  const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
  if (r.code === 'SUCCESS') expect(s.programs[0]!.CommandLine, r.out).toBe('osdlaunch.exe /x');
  else expect(s.programs[0]!.CommandLine).toBe(line);
});
