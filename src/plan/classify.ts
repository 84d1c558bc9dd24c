// Where does the package come from, and so: move or copy? The original only looked for a leading
// "\\", so a package on a mapped network drive (N:\...) was MOVED off the server. Here a UNC path in
// any spelling is network; a drive-letter path is asked of the platform (GetDriveTypeW on Windows:
// network, removable, CD-ROM) and a read-only volume is recognised (EROFS) before it is called
// local. Moving is only ever chosen for a local, writable source: a CD-ROM's files cannot be
// deleted, a USB stick may be pulled, a server's package belongs to the server.

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
  local: 'local',
};

/** \\server\share, \\?\UNC\server\share, \\.\UNC\..., //server/share. Not \\?\C:\ (a local long path). */
export function isUncPath(p: string): boolean {
  if (/^[\\/]{2}[?.][\\/]UNC[\\/]/i.test(p)) return true;
  if (/^[\\/]{2}[?.][\\/]/.test(p)) return false;
  return /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.test(p);
}

export function classifySource(source: string, medium: (path: string) => Medium): SourceKind {
  if (isUncPath(source)) return 'unc';
  const m = medium(source);
  return m === 'fixed' ? 'local' : m;
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
    case 'unc': return 'the source is a UNC path: copy, never move off a server';
    case 'remote': return 'the source is on a network drive: copy, never move off a server';
    case 'local': return 'the source is local: move';
    default: return `the source is on a ${KIND_NAMES[kind]}: copy, its files are left where they are`;
  }
}
