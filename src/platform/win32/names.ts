// The Windows names authority's two inputs, read from Windows itself (names/windows.ts has the
// rules): the upcase table NTFS compares names with, one RtlUpcaseUnicodeChar per UTF-16 unit,
// asked of ntdll the first time a unit is met and kept (a package of ASCII names asks 128 units;
// all 65,536 up front cost more than the plan's whole walk under Wine), and whether the
// target volume makes 8.3 short names, read from NtfsDisable8dot3NameCreation (names/windows.ts:
// makesShortNames decides from the value; this only reads it).

import { makesShortNames, windowsNames } from '../../names/windows.js';
import type { NameRules } from '../../names/names.js';
import type { Koffi } from './load-native.js';
import { bindRegistry } from './advapi32.js';

const FILE_SYSTEM_KEY = 'SYSTEM\\CurrentControlSet\\Control\\FileSystem';

export interface WindowsNameSource {
  /** the names authority for a target on the volume whose root is given (C:\) */
  rulesFor(targetRoot: string): NameRules;
}

export function bindNames(koffi: Koffi, systemDrive: string | undefined): WindowsNameSource {
  const ntdll = koffi.load('ntdll.dll');
  const RtlUpcaseUnicodeChar = ntdll.func('uint16 __stdcall RtlUpcaseUnicodeChar(uint16 c)');
  const registry = bindRegistry(koffi);
  /** the capital of each unit asked so far, -1 where not asked yet */
  const known = new Int32Array(0x10000).fill(-1);
  const upcase = (u: number): number => {
    let up = known[u]!;
    if (up < 0) known[u] = up = RtlUpcaseUnicodeChar(u) as number;
    return up;
  };
  let setting: number | undefined | null = null;
  const disable8dot3 = () => {
    if (setting === null) setting = registry.dword(FILE_SYSTEM_KEY, 'NtfsDisable8dot3NameCreation');
    return setting;
  };
  return {
    rulesFor(targetRoot) {
      return windowsNames({ upcase, shortNames: makesShortNames(disable8dot3(), targetRoot, systemDrive) });
    },
  };
}
