// ATTACK (issue 38): "reruns decided from the journal", "never launch on ... mixed content", and
// NAME_CLASH ("two entries that are one name on the target (a case-sensitive cache folder, a NAS
// share): refused before any change").
//
// How it breaks: the running zticache.exe is left out of the inventory by its exact spelling, so a
// package that also holds ZTICACHE.EXE (a case-sensitive share or cache folder, which Wine shows too)
// is no longer refused as NAME_CLASH: ZTICACHE.EXE is staged as a package file. But the rerun's
// evidence passes over the running exe by its KEY (record.ts readEvidence(skip)), and on Windows
// ZTICACHE.EXE has that key: the package file ZTICACHE.EXE is never compared again. When the
// distribution point then ships a new ZTICACHE.EXE (another size, another content), the rerun
// finds "already staged" and launches the OLD one: the target holds a file of the old version
// beside the rest, and nothing said so. Without the running exe's twin the same change is a new
// version and is staged. Modelled with Windows' names rules over a case-sensitive folder (ext4),
// a copy (--mode copy) as from a NAS share.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainWith, rt } from '../helpers/seams.js';
import { makePackage, readReport, scene } from '../helpers/fixtures.js';
import { winNames } from '../helpers/names.js';
import { EXE, Wine, haveWine } from '../wine/harness.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('a package file named like the running exe in another case', () => {
  it('a new version of it on the rerun is staged, never launched on the old one', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ running exe', 'ZTICACHE.EXE': 'payload v1' });
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const win = { platform: { names: () => winNames } };
    const args = s.args('--mode', 'copy', '--', s.report, '0');
    const first = await mainWith(win, args, exe);
    expect(first).toBe(0);
    expect(fs.readFileSync(path.join(s.target, 'ZTICACHE.EXE'), 'utf8')).toBe('payload v1');

    // the distribution point ships a new ZTICACHE.EXE (the rest unchanged)
    fs.writeFileSync(path.join(s.source, 'ZTICACHE.EXE'), 'payload v2, longer');
    const again = await mainWith(win, args, exe);
    const log = fs.readFileSync(s.log, 'utf8');
    // whatever it decides, it must never launch with the old ZTICACHE.EXE in the target
    if (again === 0) {
      expect(readReport(s.report)!.files['ZTICACHE.EXE'], log.split('\n').filter((l) => /already staged|new version/.test(l)).join('\n')).toBe(sha('payload v2, longer'));
    }
  });
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

  it('a new ZTICACHE.EXE on the rerun is never launched as the old one', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.host(win);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'data.bin'), 'package data');
    fs.writeFileSync(path.join(dir, 'ZTICACHE.EXE'), 'payload v1');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.copyFileSync(EXE, path.join(dir, 'zticache.exe'));
    const args = ['--mode', 'copy', '--', 'C:\\MININT', REPORT, '0'];
    const first = await wine.run(`${win}\\zticache.exe`, args);
    expect(first.code, first.out).toBe(0);
    const staged = wine.host('C:\\MININT\\PackageSource\\ZTICACHE.EXE');
    expect(fs.readFileSync(staged, 'utf8')).toBe('payload v1');
    fs.writeFileSync(path.join(dir, 'ZTICACHE.EXE'), 'payload v2, longer');
    fs.rmSync(wine.host(REPORT), { force: true });
    const again = await wine.run(`${win}\\zticache.exe`, args);
    if (again.code === 0) {
      expect(fs.readFileSync(staged, 'utf8'), again.out).toBe('payload v2, longer');
    }
  }, 300_000);
});
