// Where does the package come from, and so: move or copy? The original only looked for a leading
// "\\", so a package on a mapped network drive (N:\...) was MOVED off the server. Here a UNC path in
// any spelling is network, and a drive-letter path is asked of the platform (GetDriveTypeW on
// Windows) before it is called local. Moving is only ever chosen for a local source.

import type { Mode } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { ZtiError } from '../errors.js';

export type SourceKind = 'unc' | 'remote' | 'local';

/** \\server\share, \\?\UNC\server\share, \\.\UNC\..., //server/share. Not \\?\C:\ (a local long path). */
export function isUncPath(p: string): boolean {
  if (/^[\\/]{2}[?.][\\/]UNC[\\/]/i.test(p)) return true;
  if (/^[\\/]{2}[?.][\\/]/.test(p)) return false;
  return /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.test(p);
}

export function classifySource(source: string, isRemote: (path: string) => boolean): SourceKind {
  if (isUncPath(source)) return 'unc';
  return isRemote(source) ? 'remote' : 'local';
}

export function chooseMode(kind: SourceKind, requested: Mode, source: string): 'move' | 'copy' {
  if (requested === 'copy') return 'copy';
  if (kind === 'local') return 'move';
  if (requested === 'move') {
    throw new ZtiError(ExitCode.USAGE, `--mode move refused: ${source} is on the network (${kind === 'unc' ? 'UNC path' : 'network drive'}); zticache never moves files off a server. Use --mode copy or auto.`, { path: source });
  }
  return 'copy';
}
