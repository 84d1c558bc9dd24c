// Attack on issue 38 follow-up (kept as a test), guarantee 5 (every failure has a way out that works).
// How it broke: stage/own-copy.ts removes whatever is at PackageSource\zticache.exe with a plain
// file removal. When a folder stands there (the launcher or an OSD action made one on an earlier
// run; on Windows also a package folder ZTICACHE.EXE, see exe-folder-twin-not-refused-wine), the
// removal fails with EISDIR and the run exits STAGE_FAILED saying "the package itself is staged: run
// again"; every rerun fails the same way, so the way out given never works.
// Observed: run 2 and run 3 both: "ERROR: putting zticache.exe into the target failed:
// .../PackageSource/zticache.exe (ERR_FS_EISDIR); the package itself is staged: run again
// (ERR_FS_EISDIR) [exit 900000010]".
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { rt } from '../helpers/seams.js';
import { makePackage, scene } from '../helpers/fixtures.js';

describe('a folder where zticache.exe goes beside the package', () => {
  it('is refused, never removed, with a way out that works (not "run again" for ever)', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ build one' });
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    expect(await main(s.args('--', s.report, '1'), exe)).toBe(1);
    // the launcher's action replaced the file with a folder of its own
    const placed = path.join(s.target, 'zticache.exe');
    fs.rmSync(placed);
    fs.mkdirSync(placed);
    fs.writeFileSync(path.join(placed, 'action.log'), 'written by an OSD action');
    // refused, the folder never removed (zticache did not make it), and a way out that works
    expect(await main(s.args('--', s.report, '0'), exe)).toBe(ExitCode.STAGE_FAILED);
    const log = fs.readFileSync(s.log, 'utf8');
    expect(log).toMatch(/zticache\.exe is a folder, where zticache puts its own zticache\.exe beside the package; zticache removes only what it made: remove it yourself, then run zticache again/);
    expect(log).not.toMatch(/\(ERR_FS_EISDIR\).*\(ERR_FS_EISDIR\)/);
    expect(fs.readFileSync(path.join(placed, 'action.log'), 'utf8')).toBe('written by an OSD action');
    // the admin does as it says: the rerun puts zticache.exe there and launches
    fs.rmSync(placed, { recursive: true });
    expect(await main(s.args('--', s.report, '0'), exe)).toBe(0);
    expect(fs.statSync(placed).ino).toBe(fs.statSync(path.join(s.source, 'zticache.exe')).ino);
  });
});
