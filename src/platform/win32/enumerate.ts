// The Windows walk: each folder is opened once (its handle, as itself: a junction is not
// followed) and read with GetFileInformationByHandleEx(FileIdBothDirectoryInfo), 64 KB at a time,
// which gives every entry's name, attributes, size, time, reparse tag and file ID without opening
// a single file (dir-info.ts reads the records). Node's lstat opens each file (CreateFileW,
// queries, CloseHandle: libuv's fs__stat_handle), so a plan and a verification through node:fs
// each paid what the guard pays once; under Wine, 10,000 such opens took about 3 s each time. The
// file IDs are what a move and VERIFY decide "the same file" by (identity.ts: entryId).
// Links follow libuv's rule: a folder with any reparse point (junction, mount point, symbolic
// link) is a link; a file is a link only with a symbolic-link tag (deduplicated or cloud files are
// files, as Node reports them).

import type { EntryKind, FoundEntry, Walker } from '../../core/walk.js';
import { listingWalk } from '../../core/walk.js';
import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { ERROR_FILE_NOT_FOUND, FILE_FLAG_BACKUP_SEMANTICS, FILE_SHARE_READ, FILE_SHARE_WRITE, INVALID_HANDLE_VALUE, OPEN_EXISTING, longPath } from './kernel32.js';
import { FILE_ATTRIBUTE_REPARSE_POINT, readDirInfo } from './file-info.js';
import type { Koffi } from './load-native.js';

const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const FILE_ATTRIBUTE_DEVICE = 0x40;
const IO_REPARSE_TAG_SYMLINK = 0xa000000c;
const FILE_LIST_DIRECTORY = 0x0001;
const SYNCHRONIZE = 0x00100000;
const FILE_SHARE_DELETE = 0x4;
const FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000;
const FILE_ID_BOTH_DIRECTORY_INFO = 10;
const FILE_ID_BOTH_DIRECTORY_RESTART_INFO = 11;
const ERROR_NO_MORE_FILES = 18;

export interface Enumerate {
  /** the entries of the folder at dir, opened for this listing only */
  list(dir: string): FoundEntry[] | { error: number };
  /** the entries of the folder open as h (a handle with FILE_LIST_DIRECTORY: the guard's) */
  listHandle(h: number): FoundEntry[] | { error: number };
}

export function bindEnumerate(koffi: Koffi, lastError: () => number): Enumerate {
  const k32 = koffi.load('kernel32.dll');
  const CreateFileW = k32.func('intptr __stdcall CreateFileW(str16 name, uint32 access, uint32 share, void *sa, uint32 disposition, uint32 flags, intptr tmpl)');
  const GetFileInformationByHandleEx = k32.func('bool __stdcall GetFileInformationByHandleEx(intptr h, int cls, _Out_ uint8_t *buf, uint32 size)');
  const CloseHandle = k32.func('bool __stdcall CloseHandle(intptr h)');
  const buf = Buffer.alloc(64 * 1024); // one folder is read at a time: one buffer for the run

  const listHandle = (h: number): FoundEntry[] | { error: number } => {
    const out: FoundEntry[] = [];
    for (let cls = FILE_ID_BOTH_DIRECTORY_RESTART_INFO; ; cls = FILE_ID_BOTH_DIRECTORY_INFO) {
      if (!GetFileInformationByHandleEx(h, cls, buf, buf.length)) {
        const error = lastError();
        // the end; an empty volume root (no "." or "..") says "not found" at once
        if (error === ERROR_NO_MORE_FILES || (error === ERROR_FILE_NOT_FOUND && cls === FILE_ID_BOTH_DIRECTORY_RESTART_INFO)) return out;
        return { error };
      }
      readDirInfo(buf, (e) => out.push({ name: e.name, kind: kindOf(e.attributes, e.reparseTag), size: e.size, mtimeMs: e.mtimeMs, id: e.id }));
    }
  };
  return {
    listHandle,
    list(dir) {
      const h = CreateFileW(longPath(dir), FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, 0) as number;
      if (h === INVALID_HANDLE_VALUE) return { error: lastError() };
      try {
        return listHandle(h);
      } finally {
        CloseHandle(h);
      }
    },
  };
}

/**
 * What an entry is, from its attributes and reparse tag (FILE_ID_BOTH_DIR_INFO's EaSize), by
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

/** The Walker contract (inventory.ts) over a folder lister (by path, or by a held handle): a folder that cannot be listed stops the walk, naming it. */
export function enumerationWalk(list: (dir: string) => FoundEntry[] | { error: number }): Walker {
  return listingWalk((_p, absDir) => {
    const entries = list(absDir);
    if (!Array.isArray(entries)) {
      throw new ZtiError(ExitCode.SOURCE_MISSING, `cannot read folder ${absDir}`, { path: absDir, winError: entries.error });
    }
    return entries;
  });
}
