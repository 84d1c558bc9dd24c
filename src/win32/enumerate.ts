// The Windows walk: one FindFirstFileExW enumeration per folder (FindExInfoBasic, no 8.3 names;
// FIND_FIRST_EX_LARGE_FETCH, big batches) gives every entry's name, attributes, size, time and
// reparse tag without opening a single file. Node's lstat opens each file (CreateFileW, queries,
// CloseHandle: libuv's fs__stat_handle), so a plan and a verification through node:fs each paid
// what the guard pays once; under Wine, 10,000 such opens took about 3 s each time.
// Links follow libuv's rule: a folder with any reparse point (junction, mount point, symbolic
// link) is a link; a file is a link only with a symbolic-link tag (deduplicated or cloud files are
// files, as Node reports them).

import type { EntryKind, FoundEntry, Walker } from '../inventory.js';
import { listingWalk } from '../inventory.js';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';
import { ERROR_FILE_NOT_FOUND, INVALID_HANDLE_VALUE, longPath } from './kernel32.js';
import type { Koffi } from './load-native.js';

const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const FILE_ATTRIBUTE_DEVICE = 0x40;
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
const IO_REPARSE_TAG_SYMLINK = 0xa000000c;
const FIND_EX_INFO_BASIC = 1;
const FIND_EX_SEARCH_NAME_MATCH = 0;
const FIND_FIRST_EX_LARGE_FETCH = 2;
const ERROR_NO_MORE_FILES = 18;
/** 100-ns intervals from 1601-01-01 to 1970-01-01 */
const EPOCH_DIFF_MS = 11644473600000;

export function bindEnumerate(koffi: Koffi, lastError: () => number): { list(dir: string): FoundEntry[] | { error: number } } {
  const k32 = koffi.load('kernel32.dll');
  const FILETIME = koffi.struct('ZTI_FILETIME', { lo: 'uint32', hi: 'uint32' });
  koffi.struct('ZTI_WIN32_FIND_DATAW', { // named in the signatures below
    dwFileAttributes: 'uint32',
    ftCreationTime: FILETIME,
    ftLastAccessTime: FILETIME,
    ftLastWriteTime: FILETIME,
    nFileSizeHigh: 'uint32',
    nFileSizeLow: 'uint32',
    dwReserved0: 'uint32',
    dwReserved1: 'uint32',
    cFileName: koffi.array('char16_t', 260, 'String'),
    cAlternateFileName: koffi.array('char16_t', 14, 'String'),
  });
  const FindFirstFileExW = k32.func('intptr __stdcall FindFirstFileExW(str16 name, int level, _Out_ ZTI_WIN32_FIND_DATAW *data, int search, void *filter, uint32 flags)');
  const FindNextFileW = k32.func('bool __stdcall FindNextFileW(intptr h, _Out_ ZTI_WIN32_FIND_DATAW *data)');
  const FindClose = k32.func('bool __stdcall FindClose(intptr h)');

  const entry = (d: Record<string, unknown>): FoundEntry | undefined => {
    const name = d.cFileName as string;
    if (name === '.' || name === '..') return undefined;
    const t = d.ftLastWriteTime as { lo: number; hi: number };
    return {
      name,
      kind: kindOf(d.dwFileAttributes as number, d.dwReserved0 as number),
      size: (d.nFileSizeHigh as number) * 2 ** 32 + (d.nFileSizeLow as number),
      mtimeMs: ((t.hi * 2 ** 32 + t.lo) / 10000) - EPOCH_DIFF_MS,
    };
  };

  return {
    list(dir) {
      const data: Record<string, unknown> = {};
      const h = FindFirstFileExW(longPath(dir.endsWith('\\') ? `${dir}*` : `${dir}\\*`), FIND_EX_INFO_BASIC, data, FIND_EX_SEARCH_NAME_MATCH, null, FIND_FIRST_EX_LARGE_FETCH) as number;
      if (h === INVALID_HANDLE_VALUE) {
        const error = lastError();
        return error === ERROR_FILE_NOT_FOUND ? [] : { error };
      }
      const out: FoundEntry[] = [];
      try {
        for (;;) {
          const e = entry(data);
          if (e) out.push(e);
          if (!FindNextFileW(h, data)) {
            const error = lastError();
            if (error !== ERROR_NO_MORE_FILES) return { error };
            break;
          }
        }
      } finally {
        FindClose(h);
      }
      return out;
    },
  };
}

/**
 * What an entry is, from its attributes and reparse tag (WIN32_FIND_DATAW's dwReserved0), by
 * libuv's rule: a folder with any reparse point (junction, mount point, symbolic link) is a link; a
 * file is one only with a symbolic-link tag (deduplicated or cloud files are files).
 */
export function kindOf(attributes: number, reparseTag: number): EntryKind {
  const reparse = (attributes & FILE_ATTRIBUTE_REPARSE_POINT) !== 0;
  const dir = (attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0;
  if (reparse && (dir || reparseTag >>> 0 === IO_REPARSE_TAG_SYMLINK)) return 'link';
  if (dir) return 'dir';
  return attributes & FILE_ATTRIBUTE_DEVICE ? 'other' : 'file';
}

/** The Walker contract (inventory.ts) over FindFirstFileExW: a folder that cannot be listed stops the walk, naming it. */
export function enumerationWalk(list: (dir: string) => FoundEntry[] | { error: number }): Walker {
  return listingWalk((_p, absDir) => {
    const entries = list(absDir);
    if (!Array.isArray(entries)) {
      throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read folder ${absDir}`, { path: absDir, winError: entries.error });
    }
    return entries;
  });
}
