// Issue 35 / README: "only what is zticache's is changed ... Refused, with SMS_NOT_OSD_PROGRAM and
// the command line that would be lost, before anything is written: a program that runs neither
// osdlaunch.exe nor zticache.exe". A program is taken for the original's ZTICache.vbs when the
// name ZTICache.vbs appears ANYWHERE in its command line (parseCommandLine's /zticache\.vbs\b/ over
// the whole line), so a program that runs cmd.exe, xcopy or notepad with ZTICache.vbs as an
// argument counts as zticache's: /enable:true overwrites it with zticache.exe without /force,
// exit 0 (a note, not a refusal).
import { expect, it } from 'vitest';
import { util, xpSite } from './site.js';

for (const line of [
  'cmd.exe /c copy /y ZTICache.vbs C:\\MININT\\',
  'xcopy.exe \\\\srv\\scripts\\ZTICache.vbs C:\\MININT\\ /y',
  'setup.exe /qb /log:C:\\Logs\\zticache.vbs.log',
]) {
  it(`a program that runs ${line.split(' ')[0]} (ZTICache.vbs only an argument) is refused without /force: ${line}`, async () => {
    const s = xpSite(line, 0x08);
    const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
    expect(s.programs[0]!.CommandLine, r.out).toBe(line);
    expect(r.code).toBe('SMS_NOT_OSD_PROGRAM');
  });
}
