// Attack on issue 38 follow-up (kept as a test; fixed), guarantee 4 ("a ZTICACHE.EXE beside zticache.exe in a
// case-sensitive folder is refused (NAME_CLASH)") and guarantee 5.
// How it broke: plan.ts's refuseExeTwin looks for a twin among the inventory's FILES only. A
// FOLDER ZTICACHE.EXE beside the running zticache.exe (a case-sensitive cache folder or share, as
// Wine's folders are) passes the plan, is moved into PackageSource, and then zticache.exe cannot be
// put beside the package: PackageSource\zticache.exe is that folder (one name on the target). The run
// fails after the move with STAGE_FAILED "the package itself is staged: run again", and every rerun
// fails the same way: not refused before any change, and no way out that works.
// Observed (real zticache.exe under Wine): run 1 "Moving folder C:\ccmcache\ABC00001\ZTICACHE.EXE
// (1 file, 23 B)" ... "ERROR: putting zticache.exe into the target failed:
// C:\MININT\PackageSource\zticache.exe (ERR_FS_EISDIR); the package itself is staged: run again
// (ERR_FS_EISDIR) [exit 900000010]"; run 2 the same after "Nothing to stage: already staged".
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { Wine, haveWine } from './harness.js';

describe.skipIf(!haveWine())('the real exe: a folder ZTICACHE.EXE beside the running zticache.exe', () => {
  const REPORT = 'C:\\report.txt';
  let wine: Wine;
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => {
    await wine?.stop();
  }, 120_000);

  it('is refused as NAME_CLASH before any change', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.cachedPackage(win, { 'ZTICACHE.EXE/notes.txt': 'a folder of the package', 'data.bin': 'package data' });
    const first = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\nothing', REPORT, '0']);
    const again = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\nothing', REPORT, '0']);
    expect(again.code === ExitCode.STAGE_FAILED && /run again/.test(again.out), `every rerun: STAGE_FAILED "run again"\n${again.out}`).toBe(false);
    expect(first.code, first.out).toBe(ExitCode.NAME_CLASH);
    expect(fs.existsSync(path.join(dir, 'ZTICACHE.EXE', 'notes.txt')), 'moved before the refusal').toBe(true);
  }, 300_000);
});
