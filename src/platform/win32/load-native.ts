// Loads koffi's native module. In zticache.exe it travels as a SEA asset and is kept once per
// version in a folder of a profile:
//   <profile>\AppData\Local\zticache\native\<SHA-256 of koffi.node>\koffi.node
// Before every load the file is read and compared by SHA-256 with the module the exe carries;
// missing or different, it is written afresh (a new file, renamed over the old one), read back and
// compared again; then process.dlopen. Nothing is handed to Windows for removal at restart (no
// PendingFileRenameOperations entry, no pending reboot); folders of other versions are removed by
// a later run that changes things (never --what-if), through the places layer once it exists
// (removeOtherVersions). Run through node, the installed koffi package is used.
//
// Check, then load by name: why that is sound here, and what makes it so. This is the one step
// before the Windows layer exists: Node alone can neither read an owner or a DACL nor hold the file
// deny-write while LoadLibrary opens it (libuv shares read, write and delete, or nothing; a handle
// that shares nothing makes LoadLibrary fail). So nothing can stop a process that may write the
// folder from putting another file in place between the check and the load (an oplock times it).
// The check is only worth something in a folder that no one can write who could not already take
// over zticache's process anyway. The place is chosen for that, never the state folder:
// - SYSTEM's profile (%SystemRoot%\System32\config\systemprofile\AppData\Local\zticache\native)
//   whenever this process can use it: only SYSTEM and full (elevated) administrators can, and a
//   standard user cannot create anything there first. So SYSTEM under the SMS client, and an
//   administrator's elevated `util`, `cache-size` or `selftest`, load from there: not from that
//   administrator's own profile, which every medium-integrity process of theirs can write.
// - Otherwise (access denied: a standard user, an administrator not elevated) the account's own
//   %LOCALAPPDATA%: the processes that can write there run as that very account at no lower
//   integrity, and could open zticache's process and run code in it anyway.
// %ProgramData% is neither: a standard user may create %ProgramData%\zticache before zticache's
// first run. Every folder zticache creates on the way (zticache, native, <SHA-256>) is looked at
// without following it and refused when it is a link, junction or anything but a folder, so the
// module is never written to or loaded from wherever a link points. What stays outside the check:
// the two places come from the environment (SystemRoot, LOCALAPPDATA) the caller gives. koffi.node
// imports only KnownDLLs (test/build), so nothing beside it is ever loaded in its stead.

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
/** what placeNativeModule leaves in a version folder: the module, and a temporary file of a run cut short */
const OURS_IN_A_VERSION = /^koffi\.node(\.\d+-[0-9a-f]{8}\.tmp)?$/;

let cached: LoadedKoffi | undefined;

export interface LoadNativeOptions {
  packaged: boolean;
  /** the bundled script (dist/zticache.cjs) when run through node: koffi is resolved from beside it */
  scriptPath?: string;
  /** where the module is kept (options.ts, nativeDirOf); default: the profile's AppData\Local\zticache\native */
  nativeRoot?: string;
  /** SYSTEM's place (options.ts, systemNativeDirOf), used instead whenever this process can use it */
  systemNativeRoot?: string;
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
  const own = opts.nativeRoot ?? path.win32.join(os.homedir(), 'AppData', 'Local', STATE_NAME, NATIVE_NAME);
  const { root, ...placed } = placeWhereSafe(new Uint8Array(sea.getRawAsset(KOFFI_ASSET) as ArrayBuffer), opts.systemNativeRoot, own);
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

/** what tells "this process may not use that place" from "that place is wrong" */
const DENIED = new Set(['EPERM', 'EACCES']);

/**
 * Places the module in SYSTEM's place (`system`) when this process can use it, else in the
 * account's own (`own`); see the header. SYSTEM's is passed over when its profile folder (the one
 * above zticache) is missing or this process is denied access to it or under it; anything else
 * wrong there (a link, a file where a folder goes) is refused as placeNativeModule refuses it,
 * never a reason to go on to a place others can write. For SYSTEM both are one place.
 */
export function placeWhereSafe(module: Uint8Array, system: string | undefined, own: string, pp: path.PlatformPath = path.win32): PlacedModule & { root: string } {
  if (system !== undefined && isFolder(pp.dirname(pp.dirname(system)))) {
    try {
      return { ...placeNativeModule(module, system, pp), root: system };
    } catch (err) {
      if (!(err instanceof PlaceError && DENIED.has(err.code))) throw err;
    }
  }
  return { ...placeNativeModule(module, own, pp), root: own };
}

/** true for a folder this process may look at; false when missing, denied, or anything else */
function isFolder(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

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
  // every folder zticache makes on the way, from the top: zticache, native, <SHA-256>
  const ours = [pp.dirname(root), root, dir];
  for (const folder of ours) plainFolder(folder, false);
  if (holds(file, sha256)) return { file, sha256, wrote: false };
  const base = pp.dirname(ours[0]!); // the profile's AppData\Local, not zticache's to judge
  try {
    if (!fs.existsSync(base)) fs.mkdirSync(base, { recursive: true });
  } catch (err) {
    throw failed(base, 'cannot be created', err);
  }
  for (const folder of ours) plainFolder(folder, true);
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

/**
 * Refuses a link or a non-folder at `folder`; a missing one is created when `create` (alone, never
 * the folders above it: they were looked at first), else let be.
 */
function plainFolder(folder: string, create: boolean): void {
  if (create) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw failed(folder, 'cannot be created', err);
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
 * themselves. Only what zticache put there goes: a version folder holding anything but koffi.node
 * (and a temporary file of a write cut short) is left, named. A folder whose module is loaded by a
 * running zticache of that version cannot go yet; it is left, and a later run removes it. With
 * `whatIf` nothing is removed, nor the places layer asked: the notes say what is left. Returns
 * what was done, for the log; never throws.
 */
export function removeOtherVersions(places: Places, root: string, keep: string, pp: path.PlatformPath = path.win32, whatIf = false): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => VERSION_FOLDER.test(n) && n !== keep);
  } catch {
    return [];
  }
  if (!names.length) return [];
  if (whatIf) return names.map((n) => `--what-if: ${pp.join(root, n)}, another zticache version's native module, is left for a run without --what-if`);
  let held;
  try {
    held = places.openFolder(root);
  } catch (err) {
    return [`Native modules of other zticache versions left in ${root}: ${(err as Error).message}`];
  }
  const notes: string[] = [];
  try {
    for (const name of names) {
      const foreign = foreignIn(pp.join(root, name));
      if (foreign) {
        notes.push(`Left ${pp.join(root, name)}, named like another zticache version's native module folder: ${foreign}, which zticache does not put there`);
        continue;
      }
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

/**
 * What in a version folder zticache does not put there (the first such entry and how many more),
 * or that it is not a folder at all; undefined for a folder of zticache's, a link (removed as
 * itself) and a folder that cannot be read (removeTree then names why it cannot go).
 */
function foreignIn(dir: string): string | undefined {
  let others: string[];
  try {
    const st = fs.lstatSync(dir);
    if (st.isSymbolicLink()) return undefined;
    if (!st.isDirectory()) return 'it is not a folder';
    others = fs.readdirSync(dir).filter((n) => !OURS_IN_A_VERSION.test(n));
  } catch {
    return undefined;
  }
  if (!others.length) return undefined;
  return `it holds ${others[0]}${others.length > 1 ? ` and ${others.length - 1} more` : ''}`;
}
