// Issue 35, exit codes tell the truth about the site: SMS_CHANGE_REFUSED "nothing was changed" is
// said for ANY failure of the first Put_, without looking. A Put_ whose reply is lost (the
// connection to the provider drops after the provider wrote: RPC_S_CALL_FAILED, what a "provider
// that fails halfway" gives) has changed the site; zticache says nothing was changed, and its
// exit code tells a script not to look. The object is not read again to learn which it was.
import { expect, it } from 'vitest';
import { ComError } from '../../src/core/automation.js';
import { util, xpSite } from './site.js';

it('the first Put_ lands, then its reply is lost (RPC_S_CALL_FAILED): not "nothing was changed"', async () => {
  const s = xpSite('osdlaunch.exe', 0x08);
  const get = s.get.bind(s);
  s.get = (path) => {
    const o = get(path);
    return { ...o, put: () => { o.put(); throw new ComError('SWbemObject.Put_()', 0x800706be); } };
  };
  const r = await util(s, { package: 'XXX00001', program: 'Install XP', enable: true });
  expect(s.programs[0]!.CommandLine, 'the provider wrote it').toBe('zticache.exe');
  expect(r.code, r.msg).not.toBe('SMS_CHANGE_REFUSED');
  expect(r.msg).not.toMatch(/nothing was changed/);
});
