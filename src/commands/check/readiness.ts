// What `zticache check` decides beyond the plan, each a judgment over what was read: the room on
// PackageSource's volume for what staging writes plus the scratch space the OS install needs (the
// document: "more than 2 GB of free disk space" for a package of at most 1.5 GB, "about 500 MB for
// scratch space"), the client cache against the package, every file against the manifest's
// SHA-256, and the one line the console shows: READY or NOT READY, within the MIF's 128 characters.

import { ExitCode } from '../../core/exit-codes.js';
import { ZtiError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import { KIND_NAMES, type SourceKind } from '../../plan/classify.js';

export const MB = 1024 * 1024;

/** PackageSource's volume holds what staging writes and the scratch space; NO_SPACE names all three figures otherwise. */
export function judgeRoom(where: string, f: { free: number; staging: number; scratch: number }): void {
  if (f.free >= f.staging + f.scratch) return;
  throw new ZtiError(ExitCode.NO_SPACE,
    `not enough free space on the volume of ${where} for the OS install: ${formatBytes(f.staging + f.scratch)} needed (${formatBytes(f.staging)} for staging, ${formatBytes(f.scratch)} of scratch space), ${formatBytes(f.free)} free; free space there, or keep this computer out of the collection until it has room`,
    { path: where });
}

/**
 * The folder checked is this client's copy: one on the network (a UNC path, a network drive) is
 * the distribution point's, read when the check runs from there (download and execute off, or a
 * client falling back to a remote distribution point). READY on it would count a client with
 * nothing cached: SOURCE_NOT_CACHED.
 */
export function judgeCached(kind: SourceKind, source: string): void {
  if (kind !== 'unc' && kind !== 'remote') return;
  throw new ZtiError(ExitCode.SOURCE_NOT_CACHED,
    `the package folder ${source} is on a ${KIND_NAMES[kind]} (a distribution point), not in this client's cache: nothing cached here was checked; advertise the check with download and execute (zticache util /advertisement:ID /enable:true) so it runs from the client cache`,
    { path: source });
}

/** The client cache can hold the package (ConfigMgr's GetCacheInfo TotalSize, in MB). */
export function judgeCache(f: { totalMb: number; location: string; packageBytes: number }): void {
  if (f.totalMb * MB >= f.packageBytes) return;
  throw new ZtiError(ExitCode.CACHE_TOO_SMALL,
    `the client cache (${f.totalMb} MB at ${f.location}) is smaller than the package (${formatBytes(f.packageBytes)}): raise it with zticache cache-size ${Math.ceil(f.packageBytes / MB) + 1} (or the client settings' cache size), then download the package again`,
    { path: f.location });
}

/** The files whose SHA-256 differs from the manifest's, or could not be read: VERIFY_FAILED, the first few named. */
export function judgeHashes(bad: readonly string[], manifest: string): void {
  if (!bad.length) return;
  const shown = bad.slice(0, 5).join('; ');
  throw new ZtiError(ExitCode.VERIFY_FAILED,
    `the cached package does not match the manifest ${manifest}: ${shown}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}. The client holds a damaged copy: delete the package from the client cache and have it downloaded again`,
    { path: manifest });
}

/** The package's files the manifest does not list: VERIFY_FAILED, the first named (nothing vouches for them). */
export function judgeUnlisted(unlisted: readonly string[], manifest: string): void {
  if (!unlisted.length) return;
  throw new ZtiError(ExitCode.VERIFY_FAILED,
    `the cached package holds ${unlisted.length} file${unlisted.length === 1 ? '' : 's'} the manifest ${manifest} does not list, first: ${unlisted[0]}: not checked by hash; write the manifest again with zticache manifest (or remove the file from the package source) and update the distribution points`,
    { path: manifest });
}

/** The READY line: package, files, bytes, hashes checked, free space (short enough for the MIF's Description). */
export function readyLine(f: { packageId: string; files: number; bytes: number; hashed: number; free: number }): string {
  const hashes = f.hashed ? `${f.hashed} hashes checked` : 'no manifest: sizes only';
  return `READY ${f.packageId}: ${f.files} files, ${formatBytes(f.bytes)}, ${hashes}, ${formatBytes(f.free)} free`;
}

/**
 * The NOT READY line: the failure's code and way out first, its details, then the package, so that
 * a long package folder name can never push the code or the way out past the MIF's 128 characters
 * (the log keeps the whole line; util's readiness reads the code right after "NOT READY:").
 */
export const notReadyLine = (packageId: string, failure: string): string => `NOT READY: ${failure} (package ${packageId})`;
