// Privileged file operations in places other users can write: C:\MININT (any user may create it)
// and the folders under it, the log's folders, the target's parent. The obvious code checks a path
// (lstat: "not a link") and then uses it by name, and a user who owns the folder swaps a link or
// junction in between (an oplock makes that race easy to win): a SYSTEM write or delete anywhere.
// Here nothing is used by name after a check. A folder is opened one component at a time, each
// relative to the handle of the one above and without following a link (POSIX: O_NOFOLLOW through
// /proc/self/fd; Windows: NtCreateFile with RootDirectory and FILE_OPEN_REPARSE_POINT), what was
// opened is checked on its handle, and files and folders are created relative to that handle. A
// folder zticache creates is its own: created by this process, protected (Windows: a DACL that
// lets standard users read only). Implementations: platform/posix/places.ts, platform/win32/places.ts.

import type { FileId } from '../state/identity.js';

/**
 * Who may read a folder zticache creates: 'users-read' (PackageSource, the log's folders: SYSTEM
 * and Administrators full control, Users read; POSIX 755) or 'private' (the state folder: SYSTEM
 * and Administrators only; POSIX 700). A file replaceFile writes: 'users-read' gets a DACL of its
 * own (SYSTEM and Administrators full control, Users read; POSIX 644), 'private' its folder's.
 */
export type FolderAccess = 'users-read' | 'private';

/** A folder held open: what was checked is what is used, until release. */
export interface HeldFolder {
  /** the path as given, for messages */
  readonly path: string;
  /** true when this run created it (it was not there) */
  readonly created: boolean;
  /**
   * The sub-folder `name`, opened relative to this one and held. 'new': it must not exist yet
   * (created here, protected); 'either': created when missing; 'existing': never created. Never
   * a link or junction.
   */
  folder(name: string, how: 'new' | 'either' | 'existing', access?: FolderAccess): HeldFolder;
  /** The owner of the held folder, from its handle: a SID string (Windows) or a uid (POSIX). */
  owner(): string | number;
  /** Who may do what in the held folder, from its handle: its DACL in SDDL (Windows) or `mode 755` (POSIX). */
  access(): string;
  /**
   * The file `name` in this folder, opened for appending (created when missing). Refused: a link
   * or junction, anything but a regular file, and a file with other names (a hard link to a file
   * elsewhere, which appending would write into).
   */
  appendFile(name: string): AppendFile;
  /**
   * Writes the file `name` in this folder afresh (created, or emptied and rewritten), with the
   * same refusals as appendFile: the status MIF, which must be newer than the run's start.
   */
  rewriteFile(name: string, data: Buffer): void;
  /**
   * Replaces the file `name` in this folder whole or not at all: the data goes into a new file
   * beside it (created here, exclusively, never through a link: `name.<pid>-<random>.tmp`), is
   * flushed to disk, and is then renamed over `name` relative to this folder's handle. A reader sees
   * the old file or the new one, never a part; a process killed meanwhile leaves the old one and,
   * at most, that temporary file. Refused: `name` a folder. A reader holding `name` open without
   * sharing its deletion (Windows) is waited for a moment, then the replacement fails and the
   * temporary file is removed.
   */
  replaceFile(name: string, data: Buffer, access?: FolderAccess): void;
  /**
   * Removes the entry `name` of this folder and everything under it, every step relative to the
   * handle of the folder above: a link or junction met on the way is removed as itself, never
   * followed, and a folder swapped for one while it is emptied is not removed through it. Throws
   * a PlaceError naming the very entry that could not be removed (EBUSY/EPERM for a held file,
   * ENOTEMPTY naming what is still there); a missing entry is not an error.
   */
  removeTree(name: string): void;
  /** Identity of the held folder (volume + file ID, as identity.ts spells it), from its handle. */
  id(): FileId;
  release(): void;
}

export interface AppendFile {
  write(text: string): void;
  close(): void;
}

export interface Places {
  /** how folders this process creates are protected, for the log ("with a protected ACL: who may do what (SDDL)") */
  readonly createdAs: string;
  /**
   * Opens `dir` from its volume root, one component at a time by handle, never through a link or
   * junction, and holds it (Windows: without FILE_SHARE_DELETE, so it cannot be renamed or
   * removed while held). With create, missing folders are created (protected, owned by this
   * process). Throws a PlaceError naming the component that was refused.
   */
  openFolder(dir: string, opts?: { create?: boolean }): HeldFolder;
}

/** Why a place was refused: the component, an errno-like code and, on Windows, the Win32 error. */
export class PlaceError extends Error {
  override name = 'PlaceError';
  constructor(
    message: string,
    readonly path: string,
    /** ELOOP: a link or junction; ENOTDIR / EISDIR / EMLINK / ENOENT / EEXIST, or the errno of the call */
    readonly code: string,
    readonly winError?: number,
  ) {
    super(message);
  }
}

/** The words for a refused place, in one style for every caller. */
export function placeReason(code: string): string {
  switch (code) {
    case 'ELOOP': return 'is a symbolic link or junction (zticache never writes through one)';
    case 'ENOTDIR': return 'is not a folder';
    case 'EISDIR': return 'is a folder';
    case 'EFTYPE': return 'is not a regular file';
    case 'EMLINK': return 'has other names (hard links): writing to it would write to another file';
    case 'EEXIST': return 'exists already (someone else created it)';
    case 'EBUSY': return 'is held open by another program';
    case 'EPERM':
    case 'EACCES': return 'cannot be removed (access denied, or held open by another program)';
    case 'ENOTEMPTY': return 'is still there after its removal (held open by another program? it goes when that program closes it)';
    default: return `cannot be opened (${code})`;
  }
}

/** The temporary name replaceFile writes `name` under first: unique to this process and call. */
export function asideName(name: string, pid: number, random: string): string {
  return `${name}.${pid}-${random}.tmp`;
}
