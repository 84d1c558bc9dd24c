// A folder's entries as GetFileInformationByHandleEx(FileIdBothDirectoryInfo) returns them for the
// folder's handle: FILE_ID_BOTH_DIR_INFO records with name, attributes, size, last-write time,
// reparse tag and 64-bit file ID, read without opening a single file (the walk and VERIFY's walk
// over the guard's held folders, enumerate.ts; the removal by handle, places.ts). Read here, once,
// so the layout is written down once and tested on Linux over buffers the test lays out:
//   NextEntryOffset 0, LastWriteTime 24, EndOfFile 40, FileAttributes 56, FileNameLength 60,
//   EaSize 64 (the reparse tag when FILE_ATTRIBUTE_REPARSE_POINT is set), FileId 96, FileName 104.

export const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
/** 100-ns intervals from 1601-01-01 to 1970-01-01, in milliseconds */
export const EPOCH_DIFF_MS = 11644473600000;
const TWO_32 = 2 ** 32;

export interface DirInfoEntry {
  name: string;
  attributes: number;
  /** the reparse tag, 0 when the entry is no reparse point */
  reparseTag: number;
  size: number;
  mtimeMs: number;
  /** the file ID in decimal, as Node's bigint stat gives st_ino on Windows */
  id: string;
}

/** 64 bits at `at` as a Number (sizes: exact below 2^53) */
function u64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at + 4) * TWO_32 + buf.readUInt32LE(at);
}

/** A FILETIME at `at` as milliseconds since 1970, as the inventory keeps times. */
export function filetimeMs(buf: Buffer, at: number): number {
  return u64(buf, at) / 10000 - EPOCH_DIFF_MS;
}

/** A 64-bit file ID at `at` in decimal (exact: an NTFS ID carries a sequence number in its top 16 bits). */
export function fileIdAt(buf: Buffer, at: number): string {
  const hi = buf.readUInt32LE(at + 4);
  return hi < 0x200000 ? String(hi * TWO_32 + buf.readUInt32LE(at)) : buf.readBigUInt64LE(at).toString();
}

/** Every record of one filled buffer, '.' and '..' left out. */
export function readDirInfo(buf: Buffer, visit: (e: DirInfoEntry) => void): void {
  for (let at = 0; ;) {
    const name = buf.toString('utf16le', at + 104, at + 104 + buf.readUInt32LE(at + 60));
    if (name !== '.' && name !== '..') {
      const attributes = buf.readUInt32LE(at + 56);
      visit({
        name, attributes,
        reparseTag: attributes & FILE_ATTRIBUTE_REPARSE_POINT ? buf.readUInt32LE(at + 64) : 0,
        size: u64(buf, at + 40),
        mtimeMs: filetimeMs(buf, at + 24),
        id: fileIdAt(buf, at + 96),
      });
    }
    const next = buf.readUInt32LE(at);
    if (!next) return;
    at += next;
  }
}

