// Names on Windows (NTFS through Win32), the same contract as names/posix.ts with these rules:
// - one name: NTFS compares names by mapping each UTF-16 unit through the volume's upcase table
//   (RtlUpcaseUnicodeChar, what CompareStringOrdinal(ignoreCase) uses; src/platform/win32/names.ts asks the
//   running Windows for each unit a package's names hold, once). It is a simple one-to-one map: `ß` has no capital there
//   (JavaScript's "SS" is two units), the KELVIN SIGN is already a capital and stays apart from
//   `k`, and characters beyond the BMP (surrogate pairs) are compared as they are;
// - cannot hold: `< > : " / \ | ? *` (a colon would name a stream), control characters, more than
//   255 units in one name;
// - awkward, staged: a trailing period or space and the reserved device names (CON, NUL, COM1,
//   LPT1, ... with or without an extension) are stored as they are only through `\\?\` paths,
//   which every file call of zticache uses; Win32 paths strip or redirect them, so Explorer, cmd
//   and most programs cannot open them.

import type { NameRules } from './names.js';

/** The characters Win32 refuses in a name, besides the control characters. */
const RESERVED = /[<>:"/\\|?*]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;
const DEVICE = /^(CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3]|CONIN\$|CONOUT\$)$/i;
const MAX_NAME = 255;

/** A reserved device name (CON, NUL, COM1, ... with or without an extension): Win32 opens the device, not a file. */
export function deviceName(name: string): string | undefined {
  const base = name.split('.')[0]!.replace(/ +$/, '');
  return DEVICE.test(base) ? base.toUpperCase() : undefined;
}

/** The drive letter of a path or root however it is spelled (C:, C:\\, \\\\?\\C:\\, \\\\.\\c:\\x), upper case; undefined for a UNC path or a volume GUID path. */
function driveOf(p: string): string | undefined {
  return /^(?:[\\/]{2}[?.][\\/])?([A-Za-z]):/.exec(p)?.[1]?.toUpperCase();
}

/**
 * Whether the volume whose root is `volumeRoot` makes 8.3 aliases, from NtfsDisable8dot3NameCreation
 * (`setting`, undefined when the value is not there) and the system drive: 1 on no volume; 3 on the
 * system volume only; 0 on every volume; 2 per volume, a setting this does not read, and a volume
 * or system drive that cannot be told: counted as making them, the safe side (a name shaped like
 * an alias is then refused where none would be made, never the other way).
 */
export function makesShortNames(setting: number | undefined, volumeRoot: string, systemDrive: string | undefined): boolean {
  if (setting === 1) return false;
  if (setting !== 3) return true;
  const volume = driveOf(volumeRoot);
  const system = systemDrive === undefined ? undefined : driveOf(systemDrive);
  return volume === undefined || system === undefined || volume === system;
}

export interface WindowsNameOptions {
  /** the upcase table: upcase(u) is the capital NTFS compares the UTF-16 unit u as */
  upcase: (unit: number) => number;
  /** the target volume makes 8.3 short names */
  shortNames: boolean;
}

export function windowsNames(opts: WindowsNameOptions): NameRules {
  const { upcase } = opts;
  // every upcase table Windows has written maps ASCII as a-z -> A-Z and nothing else; where this
  // one does, an ASCII name takes the fast way
  let asciiPlain = true;
  for (let u = 0; u < 0x80; u++) {
    const want = u >= 0x61 && u <= 0x7a ? u - 0x20 : u;
    if (upcase(u) !== want) asciiPlain = false;
  }
  const key = (rel: string): string => {
    if (asciiPlain && /^[\x00-\x7f]*$/.test(rel)) return rel.toUpperCase();
    let out = '';
    let start = 0;
    for (let i = 0; i < rel.length; i++) {
      const u = rel.charCodeAt(i);
      const up = upcase(u);
      if (up !== u) {
        out += rel.slice(start, i) + String.fromCharCode(up);
        start = i + 1;
      }
    }
    return start === 0 ? rel : out + rel.slice(start);
  };
  return {
    description: `Windows: names compared through the system's upcase table${opts.shortNames ? ', 8.3 short names made' : ''}`,
    shortNames: opts.shortNames,
    key,
    unholdable(name) {
      const bad = RESERVED.exec(name)?.[0] ?? CONTROL.exec(name)?.[0];
      if (bad !== undefined) {
        const shown = bad.charCodeAt(0) < 0x20 ? `the control character U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : `"${bad}"`;
        return `it holds ${shown}, which a Windows file name cannot hold`;
      }
      if (name.length > MAX_NAME) return `it is ${name.length} characters long; a Windows file name holds at most ${MAX_NAME}`;
      return undefined;
    },
    awkward(name) {
      if (/[. ]$/.test(name)) return 'it ends with a period or a space';
      const device = deviceName(name);
      return device === undefined ? undefined : `${device} is a reserved device name`;
    },
  };
}
