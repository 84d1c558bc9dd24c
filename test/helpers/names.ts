// Windows' names rules for tests on Linux: names/windows.ts over an upcase table built from
// JavaScript's simple (one unit to one unit) capitals, which agrees with NTFS's on every case the
// tests use (K and the KELVIN SIGN, ß and ẞ, ω and the OHM SIGN, ASCII). The exe under Wine reads
// the real table from ntdll (src/platform/win32/names.ts); test/wine shows that one.
import { windowsNames } from '../../src/names/windows.js';
import { posixNames } from '../../src/names/posix.js';

export function simpleUpcase(): Uint16Array {
  const t = new Uint16Array(0x10000);
  for (let u = 0; u < 0x10000; u++) {
    const up = String.fromCharCode(u).toUpperCase();
    t[u] = up.length === 1 ? up.charCodeAt(0) : u;
  }
  return t;
}

const table = simpleUpcase();
const upcase = (u: number) => table[u]!;
/** NTFS on a volume that makes 8.3 names (the system volume's default) */
export const winNames = windowsNames({ upcase, shortNames: true });
/** NTFS with 8.3 names off */
export const winNamesNo83 = windowsNames({ upcase, shortNames: false });
export { posixNames };
