// Issue 35 / README: "only what is zticache's is changed: a command line that already runs
// zticache.exe (any folder, any case, any arguments) stays exactly as it is"; osdlaunch.exe's
// arguments go behind `--`. What a command line runs is decided by its first blank-separated
// word, so:
// - enabling a program that runs OSDLaunch.exe from a folder of the package
//   (`"OSD Tools\osdlaunch.exe" /x`) writes `zticache.exe -- /x`: the folder is dropped, no
//   --launch is written, and zticache.exe then looks for OSDLaunch.exe at the top of the staged
//   package (cli/options.ts: resolve(target, 'OSDLaunch.exe')): LAUNCHER_MISSING on every client,
//   while util exits 0 with only a note that /enable:false will not give the line back;
// - a program that runs zticache.exe (or osdlaunch.exe) by an unquoted path with a blank, which
//   CreateProcess runs (`C:\Program Files\ZTICache\zticache.exe`), is "neither": enabling is
//   refused SMS_NOT_OSD_PROGRAM (and /force would overwrite it), the report says "cache enabled:
//   False" and warns that zticache.exe must be enabled on a program that runs it.
import { expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { splitCommandLine } from '../../src/commands/util/undo.js';
import { util, xpSite } from './site.js';

it('enabling `"OSD Tools\\osdlaunch.exe" /x` writes a line whose zticache.exe starts that OSDLaunch.exe (or refuses)', async () => {
  const line = '"OSD Tools\\osdlaunch.exe" /x';
  const s = xpSite(line, 0x08);
  const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
  const now = String(s.programs[0]!.CommandLine);
  if (r.code !== 'SUCCESS') return expect(now).toBe(line);
  const a = parseArgs(splitCommandLine(now).slice(1));
  expect((a.launch ?? 'OSDLaunch.exe').toLowerCase(), `written: ${now}`).toBe('osd tools\\osdlaunch.exe');
  expect(a.launchArgs).toEqual(['/x']);
});

it('a program that runs `C:\\Program Files\\ZTICache\\zticache.exe --source .` is zticache\'s: enabling leaves it, exit 0, and the report says cache enabled', async () => {
  const line = 'C:\\Program Files\\ZTICache\\zticache.exe --source .';
  const s = xpSite(line, 0x10);
  const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
  expect(r.code, r.msg).toBe('SUCCESS');
  expect(s.programs[0]!.CommandLine).toBe(line);
  expect(r.out).toMatch(/OS Program cache enabled: True/);
  expect(r.out).not.toMatch(/^Warning: zticache\.exe must be enabled/m);
});
