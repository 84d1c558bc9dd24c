// ATTACK (issue 38): "never lose or delete data", "never launch on ... foreign content" / every
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene, tempDir, waitFor } from '../helpers/fixtures.js';
import { EXE, Wine, haveWine } from '../wine/harness.js';

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

// The real zticache.exe under Wine, across volumes: the cache folder on S: (a fixed drive on
// tmpfs), PackageSource on C:. The SMS client's run from S:\\ccmcache\\ABC00001\\Tools\\zticache.exe
// copies Tools (kept) and stops at data.bin, held with share mode 0; the admin then runs
// C:\\tools\\zticache.exe --source S:\\ccmcache\\ABC00001 (the exe in the cache is not running then).
describe.skipIf(!haveWine())('the real exe: a move across volumes finished from outside the cache', () => {
  const REPORT = 'C:\\report.txt';
  let wine: Wine;
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => {
    await wine?.stop();
  }, 120_000);

  it('Tools\\zticache.exe is never deleted without a copy', async () => {
    const win = 'S:\\ccmcache\\ABC00001';
    const dir = wine.host(win);
    fs.mkdirSync(path.join(dir, 'Tools'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data.bin'), 'package data');
    fs.writeFileSync(path.join(dir, 'Tools', 'helper.dll'), 'dll');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.copyFileSync(EXE, path.join(dir, 'Tools', 'zticache.exe'));
    fs.mkdirSync(wine.host('C:\\tools'), { recursive: true });
    fs.copyFileSync(EXE, wine.host('C:\\tools\\zticache.exe'));
    const marker = 'C:\\held.txt';
    const release = 'C:\\release.txt';
    const holder = wine.spawnBackground(path.join(wine.bin, 'hold.exe'), [`${win}\\data.bin`, '120000', marker, release]);
    await waitFor('hold.exe to hold data.bin', () => fs.existsSync(wine.host(marker)));
    const first = await wine.run(`${win}\\Tools\\zticache.exe`, ['--source', win, '--', 'C:\\MININT', REPORT, '0']);
    fs.writeFileSync(wine.host(release), '');
    await holder.exited;
    expect(first.code, first.out).toBe(ExitCode.STAGE_FAILED);
    expect(fs.existsSync(path.join(dir, 'Tools', 'zticache.exe'))).toBe(true);

    const again = await wine.run('C:\\tools\\zticache.exe', ['--source', win, '--', 'C:\\MININT', REPORT, '0']);
    const kept = fs.existsSync(path.join(dir, 'Tools', 'zticache.exe')) || fs.existsSync(wine.host('C:\\MININT\\PackageSource\\Tools\\zticache.exe'));
    expect(kept, again.out).toBe(true);
  }, 300_000);
});
