// The COM error's words: each HRESULT named as the Windows SDK names it (checked against the
// mingw-w64 headers), its hex always 8 digits, the server's own description and the provider's
// reason (SWbemLastError) beside it, blanks never shown as words.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ComError, HRESULT_NAMES } from '../../../src/core/automation.js';

const INCLUDE = '/usr/share/mingw-w64/include';

/** A name's value in the SDK: an HRESULT (winerror.h), a Win32 code as its HRESULT, or a WBEMSTATUS (wbemcli.h). */
function sdkValue(name: string, winerror: string, wbemcli: string): number | undefined {
  let m = new RegExp(`^#define ${name} _HRESULT_TYPEDEF_\\((0x[0-9A-Fa-f]+)\\)`, 'm').exec(winerror);
  if (m) return Number(m[1]) >>> 0;
  m = new RegExp(`^#define ${name} __MSABI_LONG\\((\\d+)\\)`, 'm').exec(winerror);
  if (m) return (0x80070000 | Number(m[1])) >>> 0; // HRESULT_FROM_WIN32
  m = new RegExp(`^\\s*${name} = (0x[0-9a-fA-F]+),?$`, 'm').exec(wbemcli);
  return m ? Number(m[1]) >>> 0 : undefined;
}

describe('ComError', () => {
  it('names every HRESULT as the Windows SDK does', (ctx) => {
    if (!fs.existsSync(`${INCLUDE}/winerror.h`) || !fs.existsSync(`${INCLUDE}/wbemcli.h`)) {
      if (process.env.CI === 'true') throw new Error(`${INCLUDE} is missing: .ci/run installs it with gcc-mingw-w64-x86-64`);
      return ctx.skip();
    }
    const winerror = fs.readFileSync(`${INCLUDE}/winerror.h`, 'utf8');
    const wbemcli = fs.readFileSync(`${INCLUDE}/wbemcli.h`, 'utf8');
    const entries = Object.entries(HRESULT_NAMES);
    expect(entries.length).toBeGreaterThan(15);
    for (const [value, name] of entries) {
      expect(sdkValue(name, winerror, wbemcli), name).toBe(Number(value));
      expect(ComError.label(Number(value))).toBe(`${name} (0x${Number(value).toString(16).toUpperCase()})`);
    }
  });

  it('its message: the step, the HRESULT in 8 hex digits, the server\'s words (never blanks), the provider\'s reason', () => {
    const e = new ComError('Put_', 1, '  ');
    expect(e.name).toBe('ComError');
    expect(e.message).toBe('Put_ failed: 0x00000001');
    expect(new ComError('Put_', 0x80041003, ' Access denied ').message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003): Access denied');
    expect(new ComError('Put_', 0x80041003, undefined, { errorCode: 0xc0000abc }).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003); the provider\'s reason: no description (ErrorCode 0xC0000ABC)');
    expect(new ComError('Put_', 0x80041003, undefined, { errorCode: 0x15, statusCode: 2 }).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003); the provider\'s reason: no description (StatusCode 0x00000002, ErrorCode 0x00000015)');
    expect(new ComError('Put_', 0x80041003, undefined, {}).message).toBe('Put_ failed: WBEM_E_ACCESS_DENIED (0x80041003)');
    const x = { className: 'SMS_ExtendedStatus', description: 'why' };
    const withReason = new ComError('Get', 0x80041002, 'Not found', undefined).withExtended(x);
    expect([withReason.step, withReason.hresult, withReason.description, withReason.extended]).toEqual(['Get', 0x80041002, 'Not found', x]);
    expect(withReason.message).toBe('Get failed: WBEM_E_NOT_FOUND (0x80041002): Not found; the provider\'s reason (SMS_ExtendedStatus): why');
  });
});
