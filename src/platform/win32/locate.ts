// Where a folder is on Windows, for the folder as opened, not for the drive letter of its spelling:
// C:\Packages\PKG1 may be a symbolic link to \\server\share\PKG1, or lie on a volume mounted in a
// folder (C:\Mounts\USB), and a move off either would empty a share or a stick. The folder is
// opened (links followed, as every later use follows them), its final path read from the handle
// (GetFinalPathNameByHandleW: \\?\UNC\... for anything on a network, mapped drives included; a
// volume without a drive letter by its GUID path), the volume that holds that path found
// (GetVolumePathNameW: a mount folder's own root, not C:\) and asked its type (GetDriveTypeW) and
// whether it is read-only (GetVolumeInformationByHandleW).

import type { Location } from '../platform.js';
import { FILE_FLAG_BACKUP_SEMANTICS, FILE_SHARE_READ, FILE_SHARE_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, DRIVE_CDROM, DRIVE_REMOTE, DRIVE_REMOVABLE, longPath } from './kernel32.js';
import type { Koffi } from './load-native.js';

const FILE_READ_ATTRIBUTES = 0x0080;
const FILE_SHARE_DELETE = 0x4;
const VOLUME_NAME_DOS = 0x0;
const VOLUME_NAME_GUID = 0x1;
const FILE_READ_ONLY_VOLUME = 0x00080000;
const MAX = 32768;
const DRIVE_NO_ROOT_DIR = 1;

/** What the final path and the volume's answers make of a folder: pure, so it is tested without Windows. */
export function locationOf(final: string, driveType: number, volumeFlags: number | undefined): Location {
  if (/^\\\\\?\\UNC\\/i.test(final) || driveType === DRIVE_REMOTE) return { medium: 'remote', final };
  if (driveType === DRIVE_REMOVABLE) return { medium: 'removable', final };
  if (driveType === DRIVE_CDROM) return { medium: 'cdrom', final };
  if (volumeFlags !== undefined && (volumeFlags & FILE_READ_ONLY_VOLUME) !== 0) return { medium: 'readonly', final };
  return { medium: 'fixed', final };
}

/** The final path in the spelling an admin reads: \\server\share\... for UNC, C:\... for a drive; a GUID path as it is. */
export function readablePath(final: string): string {
  if (/^\\\\\?\\UNC\\/i.test(final)) return `\\\\${final.slice(8)}`;
  if (/^\\\\\?\\[A-Za-z]:\\/.test(final)) return final.slice(4);
  return final;
}

/** `spelledRoot`: the root of p's spelling (C:\), whose type is asked when the final path's volume cannot be found */
export function bindLocate(koffi: Koffi, lastError: () => number, rootOf: (p: string) => string): (p: string) => Location {
  const k32 = koffi.load('kernel32.dll');
  const CreateFileW = k32.func('intptr __stdcall CreateFileW(str16 name, uint32 access, uint32 share, void *sa, uint32 disposition, uint32 flags, intptr tmpl)');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  const GetFinalPathNameByHandleW = k32.func('uint32 __stdcall GetFinalPathNameByHandleW(intptr h, _Out_ uint16_t *buf, uint32 size, uint32 flags)');
  const GetVolumePathNameW = k32.func('bool __stdcall GetVolumePathNameW(str16 name, _Out_ uint16_t *buf, uint32 size)');
  const GetDriveTypeW = k32.func('uint32 __stdcall GetDriveTypeW(str16 root)');
  const GetVolumeInformationByHandleW = k32.func('bool __stdcall GetVolumeInformationByHandleW(intptr h, void *name, uint32 nameSize, void *serial, void *maxComponent, _Out_ uint32 *flags, void *fsName, uint32 fsNameSize)');
  const buf = Buffer.alloc(MAX * 2);
  const text = (n: number) => buf.toString('utf16le', 0, n * 2);
  /** the characters before the first NUL */
  const terminated = () => {
    let n = 0;
    while (n < MAX && buf.readUInt16LE(n * 2) !== 0) n++;
    return text(n);
  };
  const finalPath = (h: number, flags: number): string | undefined => {
    const n = GetFinalPathNameByHandleW(h, buf, MAX, flags) as number;
    return n > 0 && n < MAX ? text(n) : undefined;
  };
  return (p) => {
    const h = CreateFileW(longPath(p), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, 0) as number;
    if (h === INVALID_HANDLE_VALUE) {
      throw Object.assign(new Error(`cannot open ${p} to find its volume (Windows error ${lastError()})`), { code: 'ENOENT', path: p });
    }
    try {
      // a volume without a drive letter has no DOS path: its GUID path then (none exists for a share)
      const final = finalPath(h, VOLUME_NAME_DOS) ?? finalPath(h, VOLUME_NAME_GUID) ?? longPath(p);
      const readable = readablePath(final);
      const root = GetVolumePathNameW(readable, buf, MAX) ? terminated() : rootOf(readable);
      let type = GetDriveTypeW(root) as number;
      // a root it cannot judge (unknown, no root there): the drive of the final path, never the spelling's
      if (type <= DRIVE_NO_ROOT_DIR && /^[A-Za-z]:\\/.test(readable)) type = GetDriveTypeW(readable.slice(0, 3)) as number;
      const flags = [0];
      const volumeFlags = GetVolumeInformationByHandleW(h, null, 0, null, null, flags, null, 0) ? flags[0]! : undefined;
      return { ...locationOf(final, type, volumeFlags), final: readable };
    } finally {
      CloseHandle(h);
    }
  };
}
