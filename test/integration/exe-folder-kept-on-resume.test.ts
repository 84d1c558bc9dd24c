// Issue 38 (attack 38, finding 2): "never lose or delete data", "never launch on ... foreign content" / every
// failure has a way out, and "the running zticache.exe ... stays in the cache folder; if it is in a
// subfolder, that folder is copied and kept without the exe".
//
// How it breaks: the exe is now in no inventory and no journal, yet it lives inside a top-level
// folder of the package (Tools\zticache.exe). Only the run that IS that exe keeps its folder back.
// When a move started by the SMS client (from Tools\zticache.exe) stops part way and the admin
// runs zticache again from a copy outside the cache folder (a newer build, C:\tools\zticache.exe,
// as one does after STAGE_FAILED), the resumed move renames Tools whole, taking the unjournalled
// zticache.exe with it out of the cache into PackageSource; VERIFY then finds a program file that
// is not in the package and refuses the launch, on this and every later run. Across volumes (or
// when the folder was partly copied) the folder is copied by its inventory, which lacks the exe,
// and then deleted from the source: the exe exists nowhere any more.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene, tempDir } from '../helpers/fixtures.js';

describe('a move started from Tools\\zticache.exe, finished by a zticache.exe outside the cache', () => {
  it('same volume: the run finishes and launches; Tools\\zticache.exe stays in the cache', async () => {
    const s = scene();
    makePackage(s.source, { 'Tools/zticache.exe': 'MZ running exe', 'Tools/helper.dll': 'dll' });
    const cacheExe = path.join(s.source, 'Tools', 'zticache.exe');
    // the SMS client's run: the first rename fails for good (EFAULT), the journal says staging
    const first = await mainWith({ fs: failing('rename', 'EFAULT', 1), retry: fast }, s.args('--', s.report, '0'), rt(s.dir, { packaged: true, execPath: cacheExe }));
    expect(first).toBe(ExitCode.STAGE_FAILED);
    const outside = path.join(s.dir, 'tools', 'zticache.exe');
    fs.mkdirSync(path.dirname(outside));
    fs.writeFileSync(outside, 'MZ newer build');
    const again = await mainWith({}, s.args('--', s.report, '0'), rt(s.dir, { packaged: true, execPath: outside }));
    const tail = fs.readFileSync(s.log, 'utf8').split('\n').filter((l) => /ERROR|not in the package/.test(l)).join('\n');
    expect(fs.existsSync(cacheExe), tail).toBe(true);
    expect(again, tail).toBe(0);
  });

  it('across volumes: Tools\\zticache.exe is never deleted without a copy', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'ABC00001');
    makePackage(source, { 'Tools/zticache.exe': 'MZ running exe', 'Tools/helper.dll': 'dll' });
    const cacheExe = path.join(source, 'Tools', 'zticache.exe');
    const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
    // the SMS client's run stops at its first copy (EFAULT)
    const first = await mainWith({ fs: failing('copyFile', 'EFAULT', 1), retry: fast }, args, rt(s.dir, { packaged: true, execPath: cacheExe }));
    expect(first).toBe(ExitCode.STAGE_FAILED);
    const outside = path.join(s.dir, 'tools', 'zticache.exe');
    fs.mkdirSync(path.dirname(outside));
    fs.writeFileSync(outside, 'MZ newer build');
    await mainWith({}, args, rt(s.dir, { packaged: true, execPath: outside }));
    const inTarget = path.join(s.target, 'Tools', 'zticache.exe');
    expect(fs.existsSync(cacheExe) || fs.existsSync(inTarget), 'the exe exists nowhere').toBe(true);
  });
});
