// Issue 38 (attack 38): the running zticache.exe, no longer staged, stays in the cache folder on
// the real exe under Wine: never moved out of it, never deleted without a copy.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { waitFor } from '../helpers/fixtures.js';
import { EXE, Wine, haveWine } from './harness.js';

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
    const dir = wine.cachedPackage(win, { 'data.bin': 'package data', 'Tools/helper.dll': 'dll' }, 'Tools/zticache.exe');
    wine.toolsExe();
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

// The same on the real zticache.exe under Wine. The unfinished move "of an older zticache" is made
// with this exe run from outside the cache folder (C:\\tools), which inventories and journals the
// cache's zticache.exe exactly as an older zticache did; its move stops at data.bin, held with share
// mode 0 (zticache.exe sorts after it, so it is not reached). Then the SMS client runs the cache's
// zticache.exe, which resumes the move.
describe.skipIf(!haveWine())('the real exe resuming an unfinished move whose journal lists zticache.exe', () => {
  const REPORT = 'C:\\report.txt';
  let wine: Wine;
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => {
    await wine?.stop();
  }, 120_000);

  it('leaves the running zticache.exe in the cache folder', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.cachedPackage(win, { 'data.bin': 'package data' });
    wine.toolsExe();
    const marker = 'C:\\held.txt';
    const release = 'C:\\release.txt';
    const holder = wine.spawnBackground(path.join(wine.bin, 'hold.exe'), [`${win}\\data.bin`, '120000', marker, release]);
    await waitFor('hold.exe to hold data.bin', () => fs.existsSync(wine.host(marker)));
    const first = await wine.run('C:\\tools\\zticache.exe', ['--source', win, '--', 'C:\\MININT', REPORT, '0']);
    fs.writeFileSync(wine.host(release), '');
    await holder.exited;
    expect(first.code, first.out).toBe(ExitCode.STAGE_FAILED);
    expect(fs.existsSync(path.join(dir, 'zticache.exe'))).toBe(true);

    const again = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\MININT', REPORT, '0']);
    expect(again.code, again.out).toBe(0);
    expect(fs.readdirSync(dir), again.out).toEqual(['zticache.exe']);
  }, 300_000);
});

// the same on the real zticache.exe under Wine: run by the SMS client from its cache folder, then
// by the admin from C:\tools\zticache.exe with --source the cache folder
describe.skipIf(!haveWine())('the real exe: a rerun from a copy outside the cache folder', () => {
  const REPORT = 'C:\\report.txt';
  let wine: Wine;
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => {
    await wine?.stop();
  }, 120_000);

  it('after a move: already staged and launched, not SOURCE_MIXED', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.cachedPackage(win, { 'data.bin': 'package data' });
    const first = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\MININT', REPORT, '0']);
    expect(first.code, first.out).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['zticache.exe']);
    wine.toolsExe();
    const again = await wine.run('C:\\tools\\zticache.exe', ['--source', win, '--', 'C:\\MININT', REPORT, '0']);
    expect(again.out).not.toMatch(/SOURCE_MIXED/);
    expect(again.code, again.out).toBe(0);
  }, 300_000);
});

// the same on the real zticache.exe under Wine (its folders keep case-different names apart, as a
// case-sensitive folder or share does): run from the cache folder with --mode copy
describe.skipIf(!haveWine())('the real exe: ZTICACHE.EXE beside the running zticache.exe', () => {
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
    const dir = wine.host(win);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'data.bin'), 'package data');
    fs.writeFileSync(path.join(dir, 'ZTICACHE.EXE'), 'payload v1');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.copyFileSync(EXE, path.join(dir, 'zticache.exe'));
    const args = ['--mode', 'copy', '--', 'C:\\MININT', REPORT, '0'];
    const first = await wine.run(`${win}\\zticache.exe`, args);
    expect(first.code, first.out).toBe(ExitCode.NAME_CLASH);
    expect(first.out).toMatch(/ZTICACHE\.EXE/);
    expect(fs.existsSync(wine.host('C:\\MININT\\PackageSource\\ZTICACHE.EXE'))).toBe(false);
  }, 300_000);
});
