// Loads koffi's native module. In zticache.exe it travels as a SEA asset: it is written to a new
// private folder under %TEMP% (a fresh random name, created exclusively, read back and compared
// before loading, so nothing planted in a shared temp folder is ever loaded as SYSTEM) and loaded
// with process.dlopen. Run through node on Windows, the installed koffi package is used.

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
}

export async function loadKoffi(opts: LoadNativeOptions): Promise<Koffi> {
  if (cached) return cached;
  if (!opts.packaged) {
    const req = createRequire(opts.scriptPath ?? path.join(process.cwd(), 'x.js'));
    cached = req('koffi') as Koffi;
    return cached;
  }
  const sea = await import('node:sea');
  const asset = Buffer.from(sea.getAsset(KOFFI_ASSET));
  removeOldCopies();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  const file = path.join(dir, KOFFI_ASSET);
  fs.writeFileSync(file, asset, { flag: 'wx' });
  const want = createHash('sha256').update(asset).digest('hex');
  const got = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  if (got !== want) throw new Error(`${file} changed between writing and loading`);
  const mod = { exports: {} as Koffi };
  process.dlopen(mod, file);
  cached = mod.exports;
  return cached;
}

/** Best effort: folders of earlier runs (a loaded DLL cannot be deleted while its run lasts). */
function removeOldCopies(): void {
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const p = path.join(os.tmpdir(), n);
    try {
      if (!fs.lstatSync(p).isDirectory()) continue; // never through a link or junction
      fs.rmSync(p, { recursive: true });
    } catch {
      /* in use by another run, or not ours to remove */
    }
  }
}
