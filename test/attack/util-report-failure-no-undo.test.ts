// Issue 35 / README: SMS_FAILED_AFTER_WRITE "says what was written, the state of the site, and how
// to undo it" (exit-code table: "the message says what was written, the state of the site and the
// command that undoes it"). When it is the report after the writes that fails (the provider drops
// mid-enumeration), the message says what was written but gives no undo at all, while every other
// SMS_FAILED_AFTER_WRITE does, and the undo commands were already built.
import { expect, it } from 'vitest';
import { util, xpSite } from './site.js';

it('the report fails after both writes: the message names the command that undoes them', async () => {
  const s = xpSite('osdlaunch.exe', 0x08);
  s.failEnumAt = { cls: 'SMS_Advertisement', n: 1 };
  const r = await util(s, { advertisement: 'XXX20001', enable: true });
  expect(r.code).toBe('SMS_FAILED_AFTER_WRITE');
  expect(r.msg).toContain('zticache util /advertisement:XXX20001 /enable:false');
  expect(r.msg).toContain('zticache util /package:XXX00001 /program:"Install XP" /enable:false');
});
