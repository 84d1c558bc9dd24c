// Places on Windows (places.ts says why): every component is opened with NtCreateFile relative to
// the handle of the folder above (OBJECT_ATTRIBUTES.RootDirectory), the Windows openat, with
// FILE_OPEN_REPARSE_POINT, so a junction or symbolic link is opened as itself and refused by its
// attributes instead of being followed; CreateFileW by name cannot promise that for the parents.
// Folders are held without FILE_SHARE_DELETE (they cannot be renamed or removed while held),
// folders zticache creates get a protected DACL from their first moment (SYSTEM and Administrators
// full control, Users read), and a file opened for appending must be a plain file with one name.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { faultPoint } from '../../core/fault-points.js';
import { daclInWords } from '../../core/sddl.js';
import type { FileId } from '../../state/identity.js';
import { asideName, PlaceError, placeReason, type AppendFile, type FolderAccess, type HeldFolder, type Places } from '../../places/places.js';
import { READABLE_FILE_SDDL, STATE_SDDL, TARGET_SDDL, type Security } from './advapi32.js';
import { FILE_SHARE_READ, FILE_SHARE_WRITE, type Kernel32 } from './kernel32.js';
import type { Koffi } from './load-native.js';
import { readDirInfo } from './file-info.js';

const SYNCHRONIZE = 0x00100000;
const FILE_LIST_DIRECTORY = 0x0001;
const FILE_TRAVERSE = 0x0020;
const FILE_READ_ATTRIBUTES = 0x0080;
const FILE_APPEND_DATA = 0x0004;
const OBJ_CASE_INSENSITIVE = 0x40;
const FILE_OPEN = 1;
const FILE_CREATE = 2;
const FILE_OPEN_IF = 3;
const FILE_CREATED = 2;
const FILE_DIRECTORY_FILE = 0x1;
const FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
const FILE_NON_DIRECTORY_FILE = 0x40;
const FILE_OPEN_REPARSE_POINT = 0x200000;
const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
const OPEN_EXISTING = 3;
const FILE_SHARE_DELETE = 0x4;
const FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;
const INVALID_HANDLE_VALUE = -1;
const ERROR_FILE_EXISTS = 80;
const ERROR_ALREADY_EXISTS = 183;
const ERROR_FILE_NOT_FOUND = 2;
const ERROR_PATH_NOT_FOUND = 3;
const ERROR_DIRECTORY = 267;
const ERROR_ACCESS_DENIED = 5;
const ERROR_SHARING_VIOLATION = 32;
const ERROR_DIR_NOT_EMPTY = 145;
const ERROR_NO_MORE_FILES = 18;
const DELETE = 0x00010000;
const FILE_WRITE_ATTRIBUTES = 0x0100;
const FILE_ATTRIBUTE_READONLY = 0x1;
const FILE_ATTRIBUTE_NORMAL = 0x80;
const FILE_OPEN_FOR_BACKUP_INTENT = 0x4000;
const FILE_BASIC_INFO = 0;
const FILE_DISPOSITION_INFO = 4;
const FILE_END_OF_FILE_INFO = 6;
const FILE_WRITE_DATA = 0x0002;
/** NtSetInformationFile's class for a rename (FILE_RENAME_INFORMATION) */
const FILE_RENAME_INFORMATION = 10;
/** how long a replacement waits for a reader holding the old file open (without FILE_SHARE_DELETE) */
const REPLACE_TRIES = 20;
const REPLACE_WAIT_MS = 50;
const FILE_ID_BOTH_DIRECTORY_INFO = 10;
const FILE_ID_BOTH_DIRECTORY_RESTART_INFO = 11;

const READ_CONTROL = 0x00020000;
/** READ_CONTROL: the owner is read from the handle (GetSecurityInfo), never from the name */
const DIR_ACCESS = SYNCHRONIZE | FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | READ_CONTROL;
/** held folders and the log: others may read (and write the folder's other files), never delete or rename */
const HELD_SHARE = FILE_SHARE_READ | FILE_SHARE_WRITE;

/** What the handle-relative calls need, bound once. */
export interface NtFiles {
  /** NtCreateFile relative to root; a HANDLE and whether it was created, or the Win32 error */
  create(root: number, name: string, access: number, share: number, disposition: number, options: number, sddl?: string): { handle: number; created: boolean } | { error: number };
  /** a volume root (C:\, \\server\share\) by name: the one component nobody else can swap */
  openRoot(root: string): number | { error: number };
  /** attributes and link count of an open handle */
  info(h: number): { attributes: number; links: number } | { error: number };
  write(h: number, data: Buffer): number | { error: number };
  /** the names in an open folder, with their attributes (GetFileInformationByHandleEx, by handle) */
  list(h: number): Array<{ name: string; attributes: number }> | { error: number };
  /** marks an open handle's file or folder for deletion (FileDispositionInfo); 0 or the Win32 error */
  markDeleted(h: number): number;
  /** writes an open file's data to disk (FlushFileBuffers); 0 or the Win32 error */
  flush(h: number): number;
  /**
   * renames the open file h (opened with DELETE) to `name` in the folder `root` is a handle of,
   * replacing a file of that name (NtSetInformationFile, FileRenameInformation with RootDirectory:
   * the folder by its handle, never by a path); 0 or the Win32 error
   */
  renameInto(h: number, root: number, name: string): number;
  /** cuts an open file to 0 bytes (FileEndOfFileInfo); 0 or the Win32 error */
  truncate(h: number): number;
  /** sets the attributes of an open handle (FileBasicInfo; times unchanged); 0 or the Win32 error */
  setAttributes(h: number, attributes: number): number;
  /** volume serial number and 64-bit file index of an open handle */
  fileId(h: number): { serial: number; index: bigint } | { error: number };
  /** the owner of an open handle as a string SID (advapi32.ts) */
  owner(h: number): string | { error: number };
  /** the DACL of an open handle in SDDL (advapi32.ts) */
  dacl(h: number): string | { error: number };
  close(h: number): void;
}

export function bindNtFiles(koffi: Koffi, k32: Kernel32, security: Security): NtFiles {
  const ntdll = koffi.load('ntdll.dll');
  const kernel = koffi.load('kernel32.dll');
  const adv = koffi.load('advapi32.dll');
  koffi.struct('ZTI_UNICODE_STRING', { Length: 'uint16', MaximumLength: 'uint16', Buffer: 'void *' });
  koffi.struct('ZTI_OBJECT_ATTRIBUTES', {
    Length: 'uint32', RootDirectory: 'intptr', ObjectName: 'ZTI_UNICODE_STRING *', Attributes: 'uint32',
    SecurityDescriptor: 'void *', SecurityQualityOfService: 'void *',
  });
  const NtCreateFile = ntdll.func('int32 __stdcall NtCreateFile(_Out_ intptr *h, uint32 access, ZTI_OBJECT_ATTRIBUTES *oa, _Out_ uint8_t *iosb, void *alloc, uint32 attrs, uint32 share, uint32 disposition, uint32 options, void *ea, uint32 eaLength)');
  const RtlNtStatusToDosError = ntdll.func('uint32 __stdcall RtlNtStatusToDosError(int32 status)');
  const CreateFileW = kernel.func('intptr __stdcall CreateFileW(str16 name, uint32 access, uint32 share, void *sa, uint32 disposition, uint32 flags, intptr tmpl)');
  const GetFileInformationByHandle = kernel.func('bool __stdcall GetFileInformationByHandle(intptr h, _Out_ uint8_t *info)');
  const GetFileInformationByHandleEx = kernel.func('bool __stdcall GetFileInformationByHandleEx(intptr h, int cls, _Out_ uint8_t *buf, uint32 size)');
  const SetFileInformationByHandle = kernel.func('bool __stdcall SetFileInformationByHandle(intptr h, int cls, uint8_t *buf, uint32 size)');
  const FlushFileBuffers = kernel.func('bool __stdcall FlushFileBuffers(intptr h)');
  const NtSetInformationFile = ntdll.func('int32 __stdcall NtSetInformationFile(intptr h, _Out_ uint8_t *iosb, uint8_t *info, uint32 length, int cls)');
  const WriteFile = kernel.func('bool __stdcall WriteFile(intptr h, uint8_t *data, uint32 length, _Out_ uint32 *written, void *overlapped)');
  const Convert = adv.func('bool __stdcall ConvertStringSecurityDescriptorToSecurityDescriptorW(str16 sddl, uint32 revision, _Out_ void **sd, void *size)');
  const LocalFree = kernel.func('void * __stdcall LocalFree(void *mem)');
  const ptrSize = koffi.sizeof('void *');
  const oaSize = koffi.sizeof('ZTI_OBJECT_ATTRIBUTES');

  return {
    create(root, name, access, share, disposition, options, sddl) {
      const buf = Buffer.from(name, 'utf16le');
      const sd: unknown[] = [null];
      if (sddl && !Convert(sddl, 1, sd, null)) return { error: k32.lastError() };
      try {
        const h = [0];
        const iosb = Buffer.alloc(2 * ptrSize);
        const status = NtCreateFile(h, access, {
          Length: oaSize, RootDirectory: root,
          ObjectName: { Length: buf.length, MaximumLength: buf.length, Buffer: buf },
          Attributes: OBJ_CASE_INSENSITIVE, SecurityDescriptor: sd[0], SecurityQualityOfService: null,
        }, iosb, null, 0, share, disposition, options, null, 0) as number;
        if (status < 0) return { error: RtlNtStatusToDosError(status) as number };
        const information = ptrSize === 8 ? Number(iosb.readBigUInt64LE(ptrSize)) : iosb.readUInt32LE(ptrSize);
        return { handle: h[0]!, created: information === FILE_CREATED };
      } finally {
        if (sd[0]) LocalFree(sd[0]);
      }
    },
    openRoot(root) {
      const h = CreateFileW(`\\\\?\\${root.startsWith('\\\\') ? `UNC\\${root.slice(2)}` : root}`, DIR_ACCESS, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, null, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, 0) as number;
      return h === INVALID_HANDLE_VALUE ? { error: k32.lastError() } : h;
    },
    info(h) {
      // BY_HANDLE_FILE_INFORMATION: attributes at 0, nNumberOfLinks at 40
      const b = Buffer.alloc(52);
      if (!GetFileInformationByHandle(h, b)) return { error: k32.lastError() };
      return { attributes: b.readUInt32LE(0), links: b.readUInt32LE(40) };
    },
    write(h, data) {
      const n = [0];
      return WriteFile(h, data, data.length, n, null) ? n[0]! : { error: k32.lastError() };
    },
    list(h) {
      const out: Array<{ name: string; attributes: number }> = [];
      const buf = Buffer.alloc(64 * 1024);
      for (let cls = FILE_ID_BOTH_DIRECTORY_RESTART_INFO; ; cls = FILE_ID_BOTH_DIRECTORY_INFO) {
        if (!GetFileInformationByHandleEx(h, cls, buf, buf.length)) {
          const err = k32.lastError();
          return err === ERROR_NO_MORE_FILES ? out : { error: err };
        }
        readDirInfo(buf, (e) => out.push({ name: e.name, attributes: e.attributes }));
      }
    },
    flush: (h) => (FlushFileBuffers(h) ? 0 : k32.lastError()),
    renameInto(h, root, name) {
      // FILE_RENAME_INFORMATION: ReplaceIfExists (a BOOLEAN, padded to a pointer), RootDirectory,
      // FileNameLength (bytes), FileName
      const nameBytes = Buffer.from(name, 'utf16le');
      const info = Buffer.alloc(2 * ptrSize + 4 + nameBytes.length + 2);
      info.writeUInt8(1, 0);
      if (ptrSize === 8) info.writeBigInt64LE(BigInt(root), 8);
      else info.writeInt32LE(root, 4);
      info.writeUInt32LE(nameBytes.length, 2 * ptrSize);
      nameBytes.copy(info, 2 * ptrSize + 4);
      const status = NtSetInformationFile(h, Buffer.alloc(2 * ptrSize), info, info.length, FILE_RENAME_INFORMATION) as number;
      return status < 0 ? (RtlNtStatusToDosError(status) as number) : 0;
    },
    markDeleted(h) {
      return SetFileInformationByHandle(h, FILE_DISPOSITION_INFO, Buffer.from([1]), 1) ? 0 : k32.lastError();
    },
    truncate(h) {
      return SetFileInformationByHandle(h, FILE_END_OF_FILE_INFO, Buffer.alloc(8), 8) ? 0 : k32.lastError();
    },
    setAttributes(h, attributes) {
      const b = Buffer.alloc(40); // FILE_BASIC_INFO: four times (0 = unchanged), then FileAttributes at 32
      b.writeUInt32LE(attributes, 32);
      return SetFileInformationByHandle(h, FILE_BASIC_INFO, b, b.length) ? 0 : k32.lastError();
    },
    fileId(h) {
      const b = Buffer.alloc(52); // BY_HANDLE_FILE_INFORMATION: serial 28, index high 44, low 48
      if (!GetFileInformationByHandle(h, b)) return { error: k32.lastError() };
      return { serial: b.readUInt32LE(28), index: (BigInt(b.readUInt32LE(44)) << 32n) | BigInt(b.readUInt32LE(48)) };
    },
    owner: (h) => security.ownerOfHandle(h),
    dacl: (h) => security.daclOfHandle(h),
    close: (h) => void k32.close(h),
  };
}

function codeOf(winError: number): string {
  switch (winError) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return 'ENOENT';
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: return 'EEXIST';
    case ERROR_DIRECTORY: return 'ENOTDIR';
    case ERROR_ACCESS_DENIED: return 'EPERM';
    case ERROR_SHARING_VIOLATION: return 'EBUSY';
    case ERROR_DIR_NOT_EMPTY: return 'ENOTEMPTY';
    default: return `Windows error ${winError}`;
  }
}

function refuse(where: string, code: string, winError?: number): never {
  throw new PlaceError(`${where} ${placeReason(code)}`, where, code, winError);
}

class WinFolder implements HeldFolder {
  constructor(private readonly nt: NtFiles, readonly path: string, private h: number | undefined, readonly created: boolean) {}

  private held(): number {
    if (this.h === undefined) refuse(this.path, 'EBADF');
    return this.h;
  }

  folder(name: string, how: 'new' | 'either' | 'existing', access: FolderAccess = 'users-read'): HeldFolder {
    const where = path.win32.join(this.path, name);
    if (!name || name === '.' || name === '..' || /[\\/]/.test(name)) refuse(where, 'EINVAL');
    const disposition = how === 'new' ? FILE_CREATE : how === 'either' ? FILE_OPEN_IF : FILE_OPEN;
    const r = this.nt.create(this.held(), name, DIR_ACCESS, HELD_SHARE, disposition,
      FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT, how === 'existing' ? undefined : access === 'private' ? STATE_SDDL : TARGET_SDDL);
    if ('error' in r) refuse(where, codeOf(r.error), r.error);
    const f = new WinFolder(this.nt, where, r.handle, r.created);
    try {
      f.checkFolder();
    } catch (err) {
      f.release();
      throw err;
    }
    return f;
  }

  /** opens `name` (created when missing) as itself, refusing a link or junction and a file with other names */
  private openPlain(name: string, access: number): number {
    const where = path.win32.join(this.path, name);
    const r = this.nt.create(this.held(), name, SYNCHRONIZE | FILE_READ_ATTRIBUTES | access, HELD_SHARE, FILE_OPEN_IF,
      FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT);
    if ('error' in r) refuse(where, codeOf(r.error), r.error); // a folder by that name: access denied
    const info = this.nt.info(r.handle);
    const refused = 'error' in info ? 'EIO' : info.attributes & FILE_ATTRIBUTE_REPARSE_POINT ? 'ELOOP' : info.links > 1 ? 'EMLINK' : undefined;
    if (refused) {
      this.nt.close(r.handle);
      refuse(where, refused, 'error' in info ? info.error : undefined);
    }
    return r.handle;
  }

  rewriteFile(name: string, data: Buffer): void {
    const where = path.win32.join(this.path, name);
    const h = this.openPlain(name, FILE_WRITE_DATA);
    try {
      const err = this.nt.truncate(h);
      if (err !== 0) refuse(where, codeOf(err), err);
      const n = this.nt.write(h, data);
      if (typeof n !== 'number') refuse(where, codeOf(n.error), n.error);
    } finally {
      this.nt.close(h);
    }
  }

  replaceFile(name: string, data: Buffer, access: FolderAccess = 'private'): void {
    const where = path.win32.join(this.path, name);
    const aside = asideName(name, process.pid, randomBytes(4).toString('hex'));
    // a new file (FILE_CREATE: never one that is there, a link included), shared with nobody, with
    // DELETE for its rename; 'users-read' gets a DACL of its own, 'private' inherits the folder's
    const r = this.nt.create(this.held(), aside, SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_WRITE_DATA | DELETE, 0, FILE_CREATE,
      FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT, access === 'users-read' ? READABLE_FILE_SDDL : undefined);
    if ('error' in r) refuse(path.win32.join(this.path, aside), codeOf(r.error), r.error);
    const h = r.handle;
    let done = false;
    try {
      const n = this.nt.write(h, data);
      if (typeof n !== 'number') refuse(where, codeOf(n.error), n.error);
      const flushed = this.nt.flush(h);
      if (flushed !== 0) refuse(where, codeOf(flushed), flushed);
      faultPoint('a file written aside, not yet renamed over its name');
      let err = 0;
      for (let i = 0; i < REPLACE_TRIES; i++) {
        err = this.nt.renameInto(h, this.held(), name);
        // a reader holding the old file without FILE_SHARE_DELETE: it lets go in a moment
        if (err !== ERROR_ACCESS_DENIED && err !== ERROR_SHARING_VIOLATION) break;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, REPLACE_WAIT_MS);
      }
      if (err !== 0) refuse(where, codeOf(err), err);
      done = true;
    } finally {
      if (!done) this.nt.markDeleted(h); // the file written aside goes when its handle closes
      this.nt.close(h);
    }
  }

  appendFile(name: string): AppendFile {
    const where = path.win32.join(this.path, name);
    let h: number | undefined = this.openPlain(name, FILE_APPEND_DATA);
    return {
      write: (text) => {
        if (h === undefined) return;
        const n = this.nt.write(h, Buffer.from(text, 'utf8'));
        if (typeof n !== 'number') throw new PlaceError(`cannot write ${where} (Windows error ${n.error})`, where, 'EIO', n.error);
      },
      close: () => {
        if (h !== undefined) this.nt.close(h);
        h = undefined;
      },
    };
  }

  removeTree(name: string): void {
    const where = path.win32.join(this.path, name);
    // the entry itself, as it is (a junction or link opened as itself), shared so that a reader
    // does not stop the removal; DELETE to mark it, WRITE_ATTRIBUTES to clear read-only
    const r = this.nt.create(this.held(), name, DELETE | SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES | FILE_LIST_DIRECTORY | FILE_TRAVERSE,
      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT | FILE_OPEN_FOR_BACKUP_INTENT);
    if ('error' in r) {
      if (r.error === ERROR_FILE_NOT_FOUND || r.error === ERROR_PATH_NOT_FOUND) return;
      refuse(where, codeOf(r.error), r.error);
    }
    const h = r.handle;
    try {
      const info = this.nt.info(h);
      if ('error' in info) refuse(where, codeOf(info.error), info.error);
      const folder = (info.attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0 && (info.attributes & FILE_ATTRIBUTE_REPARSE_POINT) === 0;
      if (folder) {
        const inside = new WinFolder(this.nt, where, h, false);
        const names = this.nt.list(h);
        if ('error' in names) refuse(where, codeOf(names.error), names.error);
        for (const e of names) inside.removeTree(e.name);
      }
      let err = this.nt.markDeleted(h);
      if (err === ERROR_ACCESS_DENIED && info.attributes & FILE_ATTRIBUTE_READONLY) {
        this.nt.setAttributes(h, (info.attributes & ~FILE_ATTRIBUTE_READONLY) || FILE_ATTRIBUTE_NORMAL);
        err = this.nt.markDeleted(h);
      }
      if (err === ERROR_DIR_NOT_EMPTY) {
        const left = this.nt.list(h);
        const first = !('error' in left) && left.length ? path.win32.join(where, left[0]!.name) : where;
        refuse(first, 'ENOTEMPTY', err);
      }
      if (err !== 0) refuse(where, codeOf(err), err);
    } finally {
      this.nt.close(h); // the deletion happens here, when the last handle closes
    }
  }

  owner(): string {
    const r = this.nt.owner(this.held());
    if (typeof r !== 'string') refuse(this.path, codeOf(r.error), r.error);
    return r;
  }

  access(): string {
    const r = this.nt.dacl(this.held());
    if (typeof r !== 'string') refuse(this.path, codeOf(r.error), r.error);
    return r;
  }

  id(): FileId {
    const r = this.nt.fileId(this.held());
    if ('error' in r) refuse(this.path, codeOf(r.error), r.error);
    return { dev: String(r.serial), ino: r.index.toString() };
  }

  /** what was opened is a plain folder, not a junction or link opened as itself */
  private checkFolder(): void {
    const info = this.nt.info(this.held());
    if ('error' in info) refuse(this.path, codeOf(info.error), info.error);
    if (info.attributes & FILE_ATTRIBUTE_REPARSE_POINT) refuse(this.path, 'ELOOP');
    if (!(info.attributes & FILE_ATTRIBUTE_DIRECTORY)) refuse(this.path, 'ENOTDIR');
  }

  release(): void {
    if (this.h !== undefined) this.nt.close(this.h);
    this.h = undefined;
  }
}

/** The volume root and the names below it: C:\a\b -> ['C:\', 'a', 'b']; \\srv\share\a -> ['\\srv\share\', 'a']. */
export function splitWindowsPath(dir: string): { root: string; names: string[] } {
  const plain = dir.replace(/^\\\\[?.]\\UNC\\/i, '\\\\').replace(/^\\\\[?.]\\/, '');
  const abs = path.win32.resolve(plain);
  const { root } = path.win32.parse(abs);
  return { root: root.endsWith('\\') ? root : `${root}\\`, names: abs.slice(root.length).split('\\').filter(Boolean) };
}

export function windowsPlaces(nt: NtFiles): Places {
  return {
    createdAs: `with a protected ACL: ${daclInWords(TARGET_SDDL)}`,
    openFolder(dir, opts = {}) {
      const { root, names } = splitWindowsPath(dir);
      const h = nt.openRoot(root);
      if (typeof h !== 'number') refuse(root, codeOf(h.error), h.error);
      let cur: HeldFolder = new WinFolder(nt, root, h, false);
      for (const name of names) {
        let next: HeldFolder;
        try {
          next = cur.folder(name, opts.create ? 'either' : 'existing');
        } finally {
          cur.release();
        }
        cur = next;
      }
      return cur;
    },
  };
}
