// Attack on issue 38 follow-up (kept as a test; fixed), guarantees 3 and 5, on the real exe (docs/security.md: an existing
// target is removed "never [when it is] an ancestor of the running exe"; TARGET_UNSAFE otherwise).
// How it broke: after a first run from the cache folder (launcher returned 1), the client caches a
// new version of the package in the same folder, and the admin reruns the zticache.exe the first
// run put beside the package: C:\MININT\PackageSource\zticache.exe --source C:\ccmcache\ABC00001.
// The plan takes the journal's leftOut as "zticache itself", skips the refusal for a target holding
// the running exe, and starts removing the old PackageSource: it deletes the package files, then
// fails at the running zticache.exe (a mapped image cannot be deleted) after six tries.
// Observed: "Removing the old C:\MININT\PackageSource ..." then five "WARNING: removing
// C:\MININT\PackageSource\zticache.exe: EPERM (try N of 6)" and "ERROR: removing the old
// C:\MININT\PackageSource failed at C:\MININT\PackageSource\zticache.exe (EPERM) [exit 900000010]",
// about 8 s later, with no way out in the line; the old PackageSource, OSDLaunch.exe + data.bin +
// zticache.exe before, holds only zticache.exe after (exit 900000010).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { Wine, haveWine } from './harness.js';

describe.skipIf(!haveWine())('the real exe run from PackageSource after a new version was cached', () => {
  const REPORT = 'C:\\report.txt';
  let wine: Wine;
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => {
    await wine?.stop();
  }, 120_000);

  it('refuses before removing anything (TARGET_UNSAFE), not half way through the old PackageSource', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.cachedPackage(win, { 'data.bin': 'package data' });
    const first = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\nothing', REPORT, '1']);
    expect(first.code, first.out).toBe(1);
    // the new version of the package, downloaded into the same cache folder
    fs.writeFileSync(path.join(dir, 'data.bin'), 'package data, version 2');
    fs.writeFileSync(path.join(dir, 'more.bin'), 'more');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    const ps = wine.host('C:\\MININT\\PackageSource');
    const before = fs.readdirSync(ps).sort();
    const again = await wine.run('C:\\MININT\\PackageSource\\zticache.exe', ['--source', win, '--', 'C:\\nothing', REPORT, '0']);
    const after = fs.existsSync(ps) ? fs.readdirSync(ps).sort() : [];
    if (again.code !== 0) {
      expect(after, `${again.code}: the old PackageSource was changed by a failed run\n${again.out}`).toEqual(before);
      expect(again.code, again.out).toBe(ExitCode.TARGET_UNSAFE);
    }
  }, 300_000);
});
