// A DACL in words: who may do what, the SDDL after; the log's protection lines and selftest's evidence use it.
import { describe, expect, it } from 'vitest';
import { daclInWords } from '../../../src/core/sddl.js';

describe('an SDDL DACL in words', () => {
  it('a DACL in words: each trustee and right named, a deny said as such, an unknown SID or right shown as it is', () => {
    expect(daclInWords('D:(A;OICI;FA;;;SY)(A;OICI;FA;;;S-1-5-21-0-0-0-1000)')).toBe('SYSTEM and S-1-5-21-0-0-0-1000: full control (D:(A;OICI;FA;;;SY)(A;OICI;FA;;;S-1-5-21-0-0-0-1000))');
    expect(daclInWords('D:PAI(D;;FA;;;WD)(A;;FR;;;AU)(A;;FX;;;IU)(A;;0x1301bf;;;BG)(A;;0x1f01ff;;;CO)(A;;0x42;;;AN)')).toBe(
      'Everyone: denied full control; Authenticated Users: read; Interactive users: traverse and execute; Guests: modify; the creator owner: full control; Anonymous: rights 0x42; nothing inherited from above (D:PAI(D;;FA;;;WD)(A;;FR;;;AU)(A;;FX;;;IU)(A;;0x1301bf;;;BG)(A;;0x1f01ff;;;CO)(A;;0x42;;;AN))');
    expect(daclInWords('D:')).toBe('nobody may do anything (D:)');
    // three in one group; an object ACE (its type said) with an inherited-object GUID; modify in letters
    expect(daclInWords('D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;BU)(OA;;FA;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)(A;;SDGRGWGX;;;AU)')).toBe(
      'SYSTEM, Administrators and Users: full control; Everyone: OA full control; Authenticated Users: modify (D:(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;BU)(OA;;FA;;bf967aba-0de6-11d0-a285-00aa003049e2;WD)(A;;SDGRGWGX;;;AU))');
    expect(daclInWords('D:AI(A;;GR;;;SY)(A;;0x120089;;;BA)(A;;GX;;;BU)(A;;0x1200a0;;;WD)(A;;GA;;;OW)(A;;FRFX;;;TI)(A;;GRGX;;;NU)')).toBe(
      'SYSTEM and Administrators: read; Users and Everyone: traverse and execute; the owner: full control; TrustedInstaller and Network logons: read and execute (D:AI(A;;GR;;;SY)(A;;0x120089;;;BA)(A;;GX;;;BU)(A;;0x1200a0;;;WD)(A;;GA;;;OW)(A;;FRFX;;;TI)(A;;GRGX;;;NU))');
  });

});
