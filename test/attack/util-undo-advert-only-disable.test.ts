// Issue 35, "the printed undo, pasted into cmd.exe, undoes". Disabling by /advertisement alone
// writes only the advertisement and leaves the program as it is (it is not even read). When a
// step after that write fails (here the read after it: the provider drops), SMS_FAILED_AFTER_WRITE
// prints "undo ... with: zticache util /advertisement:ID /enable:true". That command also points
// the program at zticache.exe (enabling an advertisement always does), so it does not give the
// site back: a program that ran osdlaunch.exe is rewritten. undoAdvert's check "programKept" looks
// at the program's command line, which this run never read, and so passes.
import { expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { fromCmd, splitCommandLine } from '../../src/commands/util/undo.js';
import { ComError } from '../../src/core/automation.js';
import { snapshot, util, xpSite } from '../helpers/util-site.js';

it('disable /advertisement alone, the read after the write fails: the printed undo gives the site back', async () => {
  // download and execute on while the program runs osdlaunch.exe: the admin turns download off
  const s = xpSite('osdlaunch.exe /x', 0x10 | 0x20);
  const before = snapshot(s);
  let advGets = 0;
  s.onGet = (path) => {
    if (path.startsWith('SMS_Advertisement') && ++advGets === 3) throw new ComError(`SWbemServices.Get(${path})`, 0x800706ba);
  };
  const r = await util(s, { advertisement: 'XXX20001', enable: false });
  expect(r.code, r.msg).toBe('SMS_FAILED_AFTER_WRITE');
  s.onGet = undefined;
  const undo = /with: (zticache util .*?)(?:;|$)/.exec(r.msg)?.[1];
  if (undo === undefined) {
    // no command offered: then the message must say what to put back by hand
    expect(r.msg).toMatch(/by hand/);
    return;
  }
  // the line as cmd.exe and the C runtime hand it to zticache, then run against the same site
  const a = parseArgs(splitCommandLine(fromCmd(undo)).slice(1));
  const u = await util(s, { server: a.server, advertisement: a.advertisement, package: a.package, program: a.program, enable: a.enable, force: a.force });
  expect(u.code, `${undo}\n${u.msg}`).toBe('SUCCESS');
  expect(snapshot(s), `the undo "${undo}" did more than undo\n${u.out}`).toEqual(before);
});
