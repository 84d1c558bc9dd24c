// kernel32 through koffi: the few calls Node does not offer. HANDLEs are kept as plain numbers
// (intptr), so holding 100,000 of them costs no JS objects beyond the numbers; GetLastError is
// read right after the call that failed.

import type { Koffi } from './load-native.js';

export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const OPEN_ALWAYS = 4;
export const FILE_ATTRIBUTE_NORMAL = 0x80;
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_PATH_NOT_FOUND = 3;
export const ERROR_SHARING_VIOLATION = 32;
export const ERROR_ALREADY_EXISTS = 183;
export const FILE_SHARE_READ = 0x1;
export const FILE_SHARE_WRITE = 0x2;
export const OPEN_EXISTING = 3;
export const FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;
export const INVALID_HANDLE_VALUE = -1;
export const DRIVE_REMOVABLE = 2;
export const DRIVE_REMOTE = 4;
export const DRIVE_CDROM = 5;

export interface Kernel32 {
  /** a HANDLE, or the Win32 error code as { error } */
  openShared(path: string, share: number): number | { error: number };
  /** opens (creating it if needed and allowed) a file for reading and writing with share mode 0: nobody else can open it */
  openExclusive(path: string, create?: boolean): number | { error: number };
  close(handle: number): boolean;
  driveType(root: string): number;
  /** free bytes available to the caller on the volume of dir, or { error } */
  freeBytes(dir: string): number | { error: number };
  /** bytes per cluster of the volume whose root is given (GetDiskFreeSpaceW), or { error } */
  clusterBytes(root: string): number | { error: number };
  /** GetLastError, for the other bindings: call it right after the call that failed */
  lastError(): number;
}

export function bindKernel32(koffi: Koffi): Kernel32 {
  const k32 = koffi.load('kernel32.dll');
  const CreateFileW = k32.func('intptr __stdcall CreateFileW(str16 name, uint32 access, uint32 share, void *sa, uint32 disposition, uint32 flags, intptr tmpl)');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  const GetLastError = k32.func('uint32 __stdcall GetLastError()');
  const GetDriveTypeW = k32.func('uint32 __stdcall GetDriveTypeW(str16 root)');
  const GetDiskFreeSpaceW = k32.func('bool __stdcall GetDiskFreeSpaceW(str16 root, _Out_ uint32 *sectorsPerCluster, _Out_ uint32 *bytesPerSector, _Out_ uint32 *freeClusters, _Out_ uint32 *clusters)');
  const GetDiskFreeSpaceExW = k32.func('bool __stdcall GetDiskFreeSpaceExW(str16 dir, _Out_ uint64 *freeToCaller, _Out_ uint64 *total, _Out_ uint64 *totalFree)');
  return {
    openShared(path, share) {
      const h = CreateFileW(path, GENERIC_READ, share, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, 0) as number;
      return h === INVALID_HANDLE_VALUE ? { error: GetLastError() as number } : h;
    },
    openExclusive(path, create = true) {
      const h = CreateFileW(path, (GENERIC_READ | GENERIC_WRITE) >>> 0, 0, null, create ? OPEN_ALWAYS : OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, 0) as number;
      return h === INVALID_HANDLE_VALUE ? { error: GetLastError() as number } : h;
    },
    close: (h) => CloseHandle(h) as boolean,
    driveType: (root) => GetDriveTypeW(root) as number,
    freeBytes(dir) {
      const free = [0];
      const ok = GetDiskFreeSpaceExW(dir, free, [0], [0]) as boolean;
      return ok ? Number(free[0]) : { error: GetLastError() as number };
    },
    clusterBytes(root) {
      const spc = [0];
      const bps = [0];
      return GetDiskFreeSpaceW(root, spc, bps, [0], [0]) ? spc[0]! * bps[0]! : { error: GetLastError() as number };
    },
    lastError: () => GetLastError() as number,
  };
}

/** \\?\ form of an absolute Windows path, so paths over 260 characters work. */
export function longPath(p: string): string {
  if (p.startsWith('\\\\?\\')) return p;
  if (p.startsWith('\\\\')) return `\\\\?\\UNC\\${p.slice(2)}`;
  return `\\\\?\\${p}`;
}
