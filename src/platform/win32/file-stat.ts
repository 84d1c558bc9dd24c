// core/file-stat.ts on Windows: a file's kind, size and last-write time from GetFileAttributesExW
// (the FILETIME the volume keeps, the enumeration's own, without opening the file; a link is
// described as itself), and a last-write time set with SetFileTime on a handle opened for
// FILE_WRITE_ATTRIBUTES only. A FILETIME of 0 (1601-01-01) cannot be set: Windows takes 0 for
// "leave it as it is", so CopyFileW gives such a file's copy the time of the copy; it is set to
// 100 ns later, which reads back as the same millisecond.

import type { FileStat } from '../../core/file-stat.js';
import { FILE_FLAG_BACKUP_SEMANTICS, FILE_SHARE_READ, FILE_SHARE_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, longPath } from './kernel32.js';
import { kindOf } from './enumerate.js';
import { EPOCH_DIFF_MS, filetimeMs } from './file-info.js';
import type { Koffi } from './load-native.js';

const GET_FILE_EX_INFO_STANDARD = 0;
const FILE_WRITE_ATTRIBUTES = 0x0100;
const FILE_SHARE_DELETE = 0x4;
const FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000;
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_PATH_NOT_FOUND = 3;
/** a path one of whose folders is a file: nothing is there, as ENOTDIR is "nothing there" for a lookup */
const ERROR_DIRECTORY = 267;

/** What a failed call says, as Node would say it, with the Windows error. */
function failure(call: string, p: string, winError: number): Error {
  return Object.assign(new Error(`${call} failed for ${p} (Windows error ${winError})`), { code: winError === 5 ? 'EPERM' : 'EIO', path: p, winError });
}

/** the last FILETIME a volume holds (30828-09-14): a time read through a Number of ms rounds past it */
const FILETIME_MAX = 0x7fffffffffffffffn;

/** FILETIME (100-ns units since 1601) of a time in ms since 1970, from 1 (see above) to FILETIME_MAX. */
export function filetimeOf(mtimeMs: number): bigint {
  const ft = BigInt(Math.round((mtimeMs + EPOCH_DIFF_MS) * 10000));
  return ft < 1n ? 1n : ft > FILETIME_MAX ? FILETIME_MAX : ft;
}

export function bindFileStat(koffi: Koffi, lastError: () => number): FileStat {
  const k32 = koffi.load('kernel32.dll');
  const GetFileAttributesExW = k32.func('bool __stdcall GetFileAttributesExW(str16 name, int level, _Out_ uint8_t *data)');
  const CreateFileW = k32.func('intptr __stdcall CreateFileW(str16 name, uint32 access, uint32 share, void *sa, uint32 disposition, uint32 flags, intptr tmpl)');
  const SetFileTime = k32.func('bool __stdcall SetFileTime(intptr h, void *created, void *accessed, uint8_t *written)');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  // WIN32_FILE_ATTRIBUTE_DATA: attributes 0, creation 4, access 12, last write 20, size high 28, size low 32
  const data = Buffer.alloc(36);
  const written = Buffer.alloc(8);
  return {
    info(p) {
      if (!GetFileAttributesExW(longPath(p), GET_FILE_EX_INFO_STANDARD, data)) {
        const error = lastError();
        if (error === ERROR_FILE_NOT_FOUND || error === ERROR_PATH_NOT_FOUND || error === ERROR_DIRECTORY) return undefined;
        throw failure('GetFileAttributesExW', p, error);
      }
      const attributes = data.readUInt32LE(0);
      // the reparse tag is not in this record: a folder with a reparse point is a link, a file is
      // what it holds (the walk's rule, less the symbolic-link tag: a file link has its own size, 0)
      return { kind: kindOf(attributes, 0), size: data.readUInt32LE(28) * 2 ** 32 + data.readUInt32LE(32), mtimeMs: filetimeMs(data, 20) };
    },
    setModified(p, mtimeMs) {
      const h = CreateFileW(longPath(p), FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, 0) as number;
      if (h === INVALID_HANDLE_VALUE) throw failure('CreateFileW', p, lastError());
      try {
        written.writeBigUInt64LE(filetimeOf(mtimeMs));
        if (!SetFileTime(h, null, null, written)) throw failure('SetFileTime', p, lastError());
      } finally {
        CloseHandle(h);
      }
    },
  };
}
