// Loads koffi's native module. In zticache.exe it travels as a SEA asset and is kept once per
// version in a folder of the profile of the account running zticache:
//   %LOCALAPPDATA%\zticache\native\<SHA-256 of koffi.node>\koffi.node
// (SYSTEM: C:\Windows\System32\config\systemprofile\AppData\Local\...). Before every load the file
// is read and compared by SHA-256 with the module the exe carries; missing or different, it is
// written afresh (a new file, renamed over the old one), read back and compared again; then
// process.dlopen. Nothing is handed to Windows for removal at restart (no
// PendingFileRenameOperations entry, no pending reboot); folders of other versions are removed by
// a later run, through the places layer once it exists (removeOtherVersions). Run through node,
// the installed koffi package is used.
//
// Why the profile and not the state folder (%ProgramData%\zticache), and why by name with node:fs:
// this is the one step before the Windows layer exists, so it can read neither an owner nor a
// DACL, nor hold a file deny-write while LoadLibrary opens it (libuv shares all or nothing). The
// folder must be one that nobody but the account itself, SYSTEM and administrators can write by
// construction, whoever made it: a profile is. %ProgramData% is not: a standard user may create
// %ProgramData%\zticache before zticache's first run, and a module there would be loaded as SYSTEM
// before that folder's owner could be judged (the state folder is refused then, STATE_UNSAFE, but
// only through this module). koffi.node imports only KnownDLLs (test/build), so nothing beside it
// is ever loaded in its stead.

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as KoffiModule from 'koffi';
import { NATIVE_NAME, STATE_NAME } from '../../cli/defaults.js';
import { PlaceError, placeReason, type Places } from '../../places/places.js';

export type Koffi = typeof KoffiModule;

export const KOFFI_ASSET = 'koffi.node';
/** the folders of the versions kept: a module's SHA-256, nothing else is ever removed */
const VERSION_FOLDER = /^[0-9a-f]{64}$/;

let cached: LoadedKoffi | undefined;

export interface LoadNativeOptions {
  packaged: boolean;
  /** the bundled script (dist/zticache.cjs) when run through node: koffi is resolved from beside it */
  scriptPath?: string;
  /** where the module is kept (options.ts, nativeDirOf); default: the profile's AppData\Local\zticache\native */
  nativeRoot?: string;
}

export interface LoadedKoffi {
  koffi: Koffi;
  /** what was checked or written, for the log */
  note?: string;
  /** the folder the module is kept in, and the version folder in use (packaged only) */
  kept?: { root: string; version: string };
}

export async function loadKoffi(opts: LoadNativeOptions): Promise<LoadedKoffi> {
  if (cached) return { koffi: cached.koffi, kept: cached.kept };
  if (!opts.packaged) {
    const req = createRequire(opts.scriptPath ?? path.join(process.cwd(), 'x.js'));
    cached = { koffi: req('koffi') as Koffi };
    return cached;
  }
  const sea = await import('node:sea');
  const root = opts.nativeRoot ?? path.win32.join(os.homedir(), 'AppData', 'Local', STATE_NAME, NATIVE_NAME);
  const placed = placeNativeModule(new Uint8Array(sea.getRawAsset(KOFFI_ASSET) as ArrayBuffer), root);
  const mod = { exports: {} as Koffi };
  process.dlopen(mod, placed.file);
  cached = {
    koffi: mod.exports,
    kept: { root, version: placed.sha256 },
    note: placed.wrote
      ? `Native module written to ${placed.file} (the one this exe carries, by SHA-256) and loaded`
      : `Native module ${placed.file} is the one this exe carries (SHA-256 checked) and was loaded`,
  };
  return cached;
}

export interface PlacedModule {
  /** the file to load */
  file: string;
  /** its SHA-256, the name of its folder */
  sha256: string;
  /** true when this run wrote it (missing, or not the module the exe carries) */
  wrote: boolean;
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Makes root\<SHA-256>\koffi.node hold exactly `module` and returns it: kept as it is when it
 * already does, else written to a new file beside it and renamed over it (a concurrent run reads
 * either the old file or the whole new one), then read back and compared. A link, or anything but
 * a folder or a plain file where one of them goes, is refused (PlaceError), never followed or
 * removed. `pp` is the path flavour (Windows; tests run it on POSIX paths).
 */
export function placeNativeModule(module: Uint8Array, root: string, pp: path.PlatformPath = path.win32): PlacedModule {
  const sha256 = sha256Of(module);
  const dir = pp.join(root, sha256);
  const file = pp.join(dir, KOFFI_ASSET);
  for (const folder of [root, dir]) plainFolder(folder, false);
  if (holds(file, sha256)) return { file, sha256, wrote: false };
  for (const folder of [root, dir]) plainFolder(folder, true);
  const tmp = pp.join(dir, `${KOFFI_ASSET}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, module, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    // another run may have put the very same module there first (and loaded it: then it cannot be replaced)
    if (holds(file, sha256)) return { file, sha256, wrote: false };
    throw failed(file, 'cannot be written', err);
  }
  if (!holds(file, sha256)) throw new PlaceError(`${file} changed between writing and loading`, file, 'EIO');
  return { file, sha256, wrote: true };
}

/** Refuses a link or a non-folder at `folder`; a missing one is created when `create`, else let be. */
function plainFolder(folder: string, create: boolean): void {
  if (create) {
    try {
      fs.mkdirSync(folder, { recursive: true });
    } catch (err) {
      throw failed(folder, 'cannot be created', err);
    }
  }
  let st: fs.Stats;
  try {
    st = fs.lstatSync(folder);
  } catch (err) {
    if (!create && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw failed(folder, 'cannot be read', err);
  }
  if (st.isSymbolicLink()) throw refused(folder, 'ELOOP');
  if (!st.isDirectory()) throw refused(folder, 'ENOTDIR');
}

/** true when `file` is a plain file holding exactly the module of that SHA-256; false when it is missing or holds something else. */
function holds(file: string, sha256: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw failed(file, 'cannot be read', err);
  }
  if (st.isSymbolicLink()) throw refused(file, 'ELOOP');
  if (!st.isFile()) throw refused(file, 'EFTYPE');
  return sha256Of(fs.readFileSync(file)) === sha256;
}

function refused(where: string, code: string): PlaceError {
  return new PlaceError(`${where} ${placeReason(code)}: zticache keeps its native module there; delete it and run again`, where, code);
}

function failed(where: string, what: string, err: unknown): PlaceError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  return new PlaceError(`the native module's ${where} ${what} (${code}: ${(err as Error).message})`, where, code);
}

/**
 * Removes the folders of other versions' modules from `root` (names that are a SHA-256, nothing
 * else), each through the places layer: opened relative to the held root, links removed as
 * themselves. A folder whose module is loaded by a running zticache of that version cannot go yet;
 * it is left, and a later run removes it. Returns what was done, for the log; never throws.
 */
export function removeOtherVersions(places: Places, root: string, keep: string, pp: path.PlatformPath = path.win32): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => VERSION_FOLDER.test(n) && n !== keep);
  } catch {
    return [];
  }
  if (!names.length) return [];
  let held;
  try {
    held = places.openFolder(root);
  } catch (err) {
    return [`Native modules of other zticache versions left in ${root}: ${(err as Error).message}`];
  }
  const notes: string[] = [];
  try {
    for (const name of names) {
      try {
        held.removeTree(name);
        notes.push(`Removed ${pp.join(root, name)}: another zticache version's native module`);
      } catch (err) {
        notes.push(`Left ${pp.join(root, name)}, another zticache version's native module, for a later run: ${(err as Error).message}`);
      }
    }
  } finally {
    held.release();
  }
  return notes;
}
