// Loads koffi's native module. In zticache.exe it travels as a SEA asset: it is written to a new
// private folder under %SystemRoot%\SystemTemp where Windows has one (SYSTEM's own), else %TEMP%
// (a fresh random name, created exclusively, read back and compared
// before loading, so nothing planted in a shared temp folder is ever loaded as SYSTEM) and loaded
// with process.dlopen. Run through node on Windows, the installed koffi package is used.
// %TEMP% is C:\Windows\Temp for SYSTEM, where standard users create folders of their own: nothing
// there is ever deleted by name but this run's own folder, which users can neither rename nor
// replace (its owner is SYSTEM). A loaded DLL cannot be deleted while its process lives, so the
// file and its folder are handed to Windows for removal at the next restart (MoveFileExW with
// MOVEFILE_DELAY_UNTIL_REBOOT, SYSTEM may); an extraction that fails removes its folder at once.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as KoffiModule from 'koffi';

export type Koffi = typeof KoffiModule;

export const KOFFI_ASSET = 'koffi.node';
const TEMP_PREFIX = 'zticache-ffi-';

let cached: Koffi | undefined;

export interface LoadNativeOptions {
  packaged: boolean;
  /** the bundled script (dist/zticache.cjs) when run through node: koffi is resolved from beside it */
  scriptPath?: string;
  /** %SystemRoot%: its Temp folder is the second place tried when %TEMP% cannot take the module */
  systemRoot?: string;
}

export interface LoadedKoffi {
  koffi: Koffi;
  /** what was written and how it goes away, for the log */
  note?: string;
}

export async function loadKoffi(opts: LoadNativeOptions): Promise<LoadedKoffi> {
  if (cached) return { koffi: cached };
  if (!opts.packaged) {
    const req = createRequire(opts.scriptPath ?? path.join(process.cwd(), 'x.js'));
    cached = req('koffi') as Koffi;
    return { koffi: cached };
  }
  const sea = await import('node:sea');
  const asset = Buffer.from(sea.getAsset(KOFFI_ASSET));
  const dir = makePrivateFolder(opts.systemRoot);
  const file = path.join(dir, KOFFI_ASSET);
  try {
    fs.writeFileSync(file, asset, { flag: 'wx' });
    const want = createHash('sha256').update(asset).digest('hex');
    const got = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (got !== want) throw new Error(`${file} changed between writing and loading`);
    const mod = { exports: {} as Koffi };
    process.dlopen(mod, file);
    cached = mod.exports;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true }); // this run's own, just made
    throw err;
  }
  return { koffi: cached, note: removeAtRestart(cached, file, dir) };
}

/**
 * A fresh folder of this run's own: first %SystemRoot%\SystemTemp, SYSTEM's private temp folder
 * where Windows has one (what GetTempPath2W gives a SYSTEM process: standard users can neither
 * create nor list anything there, and only SYSTEM and administrators can make a folder in it, so
 * it is tried and used only when that works); then %TEMP%; then %SystemRoot%\Temp.
 */
function makePrivateFolder(systemRoot = 'C:\\Windows'): string {
  const tried: string[] = [];
  const systemTemp = path.join(systemRoot, 'SystemTemp');
  const bases = [...(fs.existsSync(systemTemp) ? [systemTemp] : []), os.tmpdir(), path.join(systemRoot, 'Temp')];
  for (const base of new Set(bases)) {
    try {
      return fs.mkdtempSync(path.join(base, TEMP_PREFIX));
    } catch (err) {
      tried.push(`${base}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no temporary folder can take the native module (${tried.join('; ')})`);
}

function removeAtRestart(koffi: Koffi, file: string, dir: string): string {
  const MOVEFILE_DELAY_UNTIL_REBOOT = 0x4;
  try {
    const MoveFileExW = koffi.load('kernel32.dll').func('bool __stdcall MoveFileExW(str16 from, str16 to, uint32 flags)');
    // the file first: Windows removes them in this order, and a folder only once it is empty
    if (MoveFileExW(file, null, MOVEFILE_DELAY_UNTIL_REBOOT) && MoveFileExW(dir, null, MOVEFILE_DELAY_UNTIL_REBOOT)) {
      return `Native module loaded from ${file}; Windows removes it and its folder at the next restart`;
    }
  } catch {
    /* reported below */
  }
  return `Native module loaded from ${file}; it could not be scheduled for removal at restart (not elevated?): delete ${dir} after this run`;
}
