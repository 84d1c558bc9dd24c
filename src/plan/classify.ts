// Where does the package come from, and so: move or copy? The original only looked for a leading
// "\\", so a package on a mapped network drive (N:\...) was MOVED off the server. Here a UNC path in
// any spelling is network; any other is asked of the platform for the folder as opened, not for its
// drive letter (Windows: the final path's volume and its GetDriveTypeW, so C:\Packages\PKG1 that is
// a link to a share is network; POSIX: the file system's type) and a read-only volume is recognised
// before it is called local. Moving is only ever chosen for a local, writable source: a CD-ROM's
// files cannot be deleted, a USB stick may be pulled, a server's package belongs to the server.

import type { Medium, Mode } from '../core/types.js';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';

export type SourceKind = 'unc' | Exclude<Medium, 'fixed'> | 'local';

export const KIND_NAMES: Record<SourceKind, string> = {
  unc: 'UNC path',
  remote: 'network drive',
  removable: 'removable drive',
  cdrom: 'CD-ROM drive',
  readonly: 'read-only volume',
  local: 'local fixed drive',
};

/** \\server\share, \\?\UNC\server\share, \\.\UNC\..., //server/share. Not \\?\C:\ (a local long path). */
export function isUncPath(p: string): boolean {
  if (/^[\\/]{2}[?.][\\/]UNC[\\/]/i.test(p)) return true;
  if (/^[\\/]{2}[?.][\\/]/.test(p)) return false;
  return /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.test(p);
}

/** The kind of source from its spelling (a UNC path) or, for any other, from where it is as opened (Platform.locate). */
export function classifySource(source: string, where: { medium: Medium }): SourceKind {
  if (isUncPath(source)) return 'unc';
  return where.medium === 'fixed' ? 'local' : where.medium;
}

/**
 * The final path a folder was opened at, when it is somewhere else than its spelling says (a link
 * on its way to a share, a volume mounted in a folder): said beside the source in the log. Case and
 * the \\?\ prefix are not "somewhere else".
 */
export function openedElsewhere(pp: { resolve(p: string): string }, source: string, final: string | undefined): string | undefined {
  if (final === undefined) return undefined;
  // resolve drops trailing separators; a \\?\ or \\.\ prefix of a drive path is not a place of its own
  const plain = (p: string) => pp.resolve(p.replace(/^\\\\[?.]\\(?!UNC\\)/i, '')).toLowerCase();
  return plain(final) === plain(source) ? undefined : final;
}

export function chooseMode(kind: SourceKind, requested: Mode, source: string): 'move' | 'copy' {
  if (requested === 'copy') return 'copy';
  if (kind === 'local') return 'move';
  if (requested === 'move') {
    const why = kind === 'unc' || kind === 'remote' ? 'zticache never moves files off a server' : 'its files cannot or should not be deleted';
    throw new ZtiError(ExitCode.USAGE, `--mode move refused: ${source} is on a ${KIND_NAMES[kind]}; ${why}. Use --mode copy or auto.`, { path: source });
  }
  return 'copy';
}

/** Why auto chose what it chose, in words for the log. */
export function modeReason(kind: SourceKind, requested: Mode, action: 'move' | 'copy'): string {
  if (requested === action) return `--mode ${action}`;
  switch (kind) {
    case 'unc': return 'the source is a UNC path: never moved off a server';
    case 'remote': return 'the source is on a network drive: never moved off a server';
    case 'local': return 'the source is on a local fixed drive';
    default: return `the source is on a ${KIND_NAMES[kind]}: its files are left where they are`;
  }
}
