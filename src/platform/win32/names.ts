// The Windows names authority's two inputs, read from Windows itself (names/windows.ts has the
// rules): the upcase table NTFS compares names with, one RtlUpcaseUnicodeChar per UTF-16 unit,
// asked of ntdll the first time a unit is met and kept (a package of ASCII names asks 128 units;
// all 65,536 up front cost more than the plan's whole walk under Wine), and whether the
// target volume makes 8.3 short names, from NtfsDisable8dot3NameCreation: 1 none, 3 only the system
// volume; 0 all volumes, and 2, a per-volume setting this does not read, count as "makes them", the
// safe side (a name shaped like an alias is refused where none would be made).

import { windowsNames } from '../../names/windows.js';
import type { NameRules } from '../../names/names.js';
import type { Koffi } from './load-native.js';

const HKEY_LOCAL_MACHINE = -2147483646; // (HKEY)0x80000002, sign-extended as Windows passes it
const RRF_RT_REG_DWORD = 0x10;
const FILE_SYSTEM_KEY = 'SYSTEM\\CurrentControlSet\\Control\\FileSystem';

export interface WindowsNameSource {
  /** the names authority for a target on the volume whose root is given (C:\) */
  rulesFor(targetRoot: string): NameRules;
}

export function bindNames(koffi: Koffi, systemDrive: string | undefined): WindowsNameSource {
  const ntdll = koffi.load('ntdll.dll');
  const adv = koffi.load('advapi32.dll');
  const RtlUpcaseUnicodeChar = ntdll.func('uint16 __stdcall RtlUpcaseUnicodeChar(uint16 c)');
  const RegGetValueW = adv.func('int32 __stdcall RegGetValueW(intptr key, str16 sub, str16 value, uint32 flags, void *type, _Out_ uint32 *data, _Inout_ uint32 *size)');
  /** the capital of each unit asked so far, -1 where not asked yet */
  const known = new Int32Array(0x10000).fill(-1);
  const upcase = (u: number): number => {
    let up = known[u]!;
    if (up < 0) known[u] = up = RtlUpcaseUnicodeChar(u) as number;
    return up;
  };
  let setting: number | undefined | null = null;
  const disable8dot3 = () => {
    if (setting === null) {
      const data = [0];
      setting = RegGetValueW(HKEY_LOCAL_MACHINE, FILE_SYSTEM_KEY, 'NtfsDisable8dot3NameCreation', RRF_RT_REG_DWORD, null, data, [4]) === 0 ? data[0] : undefined;
    }
    return setting;
  };
  return {
    rulesFor(targetRoot) {
      const s = disable8dot3();
      const onSystem = systemDrive !== undefined && targetRoot.slice(0, 2).toUpperCase() === systemDrive.slice(0, 2).toUpperCase();
      return windowsNames({ upcase, shortNames: !(s === 1 || (s === 3 && !onSystem)) });
    },
  };
}
