// Issue 35 / README: "So a site is never left with an advertisement that downloads while its
// program still runs osdlaunch.exe" (the state the document warns of: OSDLaunch.exe run from the
// cache deletes the package under itself), and every check that can say no runs before the first
// Put_. `zticache util /package:ID /program:NAME /enable:false` rewrites the program to
// osdlaunch.exe without looking at the advertisements that run it: one with download and
// execute on is left in exactly that state, exit 0, a warning at the end of the report. The
// same happens when an admin runs the undo zticache util printed after another admin turned
// download on between its two writes.
import { expect, it } from 'vitest';
import { util, xpSite } from './site.js';

it('disabling a program that a download-and-execute advertisement runs does not exit 0 into the warned state', async () => {
  const s = xpSite('zticache.exe', 0x10);
  const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: false });
  const warned = (Number(s.adverts[0]!.RemoteClientFlags) & 0x10) !== 0 && /osdlaunch/i.test(String(s.programs[0]!.CommandLine));
  expect(r.code === 'SUCCESS' && warned, `exit ${r.code}; advertisement ${s.adverts[0]!.RemoteClientFlags}, program "${s.programs[0]!.CommandLine}"\n${r.out}`).toBe(false);
});
