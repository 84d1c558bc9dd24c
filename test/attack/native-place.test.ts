// Attack on issue 37: "a link or a non-folder in its place is refused (WINDOWS_LAYER_FAILED,
// naming it, nothing changed)" (README, Security) and the guide's "in any place someone else can
// write, open by handle without following reparse points". The loader checks only the last two
// folders of %LOCALAPPDATA%\zticache\native\<SHA-256>; the folder zticache itself creates above
// them, %LOCALAPPDATA%\zticache, may be a link (a junction on Windows, made by any process of the
// account), and the module is then written and loaded wherever it points. Run here on POSIX paths,
// as the loader's own tests do (placeNativeModule takes the path flavour).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { placeNativeModule } from '../../src/platform/win32/load-native.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function world() {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-attack-native-'));
  made.push(top);
  const local = path.join(top, 'profile', 'AppData', 'Local');
  const elsewhere = path.join(top, 'elsewhere');
  fs.mkdirSync(local, { recursive: true });
  fs.mkdirSync(elsewhere);
  return { local, elsewhere, module: new Uint8Array(Buffer.from('MZ a module that stands in for koffi.node')) };
}

const filesUnder = (dir: string): string[] =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath, e.name));

describe('the native module\'s place, links above it (attack 37)', () => {
  it('%LOCALAPPDATA%\\zticache as a link: refused, nothing written or loaded through it', () => {
    const { local, elsewhere, module } = world();
    fs.symlinkSync(elsewhere, path.join(local, 'zticache'));
    let placed: ReturnType<typeof placeNativeModule> | undefined;
    let error: unknown;
    try {
      placed = placeNativeModule(module, path.join(local, 'zticache', 'native'), path.posix);
    } catch (err) {
      error = err;
    }
    expect({ refused: error !== undefined, writtenThroughTheLink: filesUnder(elsewhere) }, `placed: ${JSON.stringify(placed)}`)
      .toEqual({ refused: true, writtenThroughTheLink: [] });
  });

  it('%LOCALAPPDATA%\\zticache as a link to a folder already holding a module: refused, not loaded from there', () => {
    const { local, elsewhere, module } = world();
    // whoever made the link put the very module there first: the SHA-256 check passes, the place is not zticache's
    const sha = (placeNativeModule(module, path.join(elsewhere, 'native'), path.posix)).sha256;
    fs.symlinkSync(elsewhere, path.join(local, 'zticache'));
    expect(() => placeNativeModule(module, path.join(local, 'zticache', 'native'), path.posix), `would load ${path.join(elsewhere, 'native', sha, 'koffi.node')}`).toThrow();
  });
});
