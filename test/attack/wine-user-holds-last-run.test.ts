// ATTACK (issue 39, "last-run.json ... written by every run ... readable by Users"). Because Users
// may read it, a standard user (or an admin's `Get-Content -Wait` on a pilot machine, or a
// monitoring agent) can hold it open without FILE_SHARE_DELETE (share mode read only, as a plain
// reader opens it). BROKEN: zticache then cannot rename its new record over it (it retries for
// ~1 s, warns, and leaves "the previous one as it was"): the failed run is never recorded and a
// compliance baseline keeps reading the previous run's "exitCode": 0, "SUCCESS" for as long as the
// user keeps the file open. Run on the real zticache.exe under Wine (share modes as Windows has them).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXE, Wine, haveWine } from '../wine/harness.js';
import { waitFor } from '../helpers/fixtures.js';

let wine: Wine;

describe.skipIf(!haveWine())('attack: a reader holding last-run.json', () => {
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
  }, 600_000);
  afterAll(async () => { await wine?.stop(); }, 120_000);

  it('a failed run still replaces the record while a reader holds it (share read)', async () => {
    const win = 'C:\\ccmcache\\ABC00001';
    const dir = wine.host(win);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.copyFileSync(EXE, path.join(dir, 'zticache.exe'));
    const ok = await wine.run(`${win}\\zticache.exe`, ['--', 'C:\\nothing', 'C:\\report.txt', '0']);
    expect(ok.code, ok.out).toBe(0);
    const lastRun = wine.host('C:\\ProgramData\\zticache\\last-run.json');
    expect(JSON.parse(fs.readFileSync(lastRun, 'utf8')).exitCode).toBe(0);

    // a reader opens it as Get-Content / a plain reader does: sharing read, not delete
    const marker = wine.host('C:\\held.txt');
    const release = 'C:\\release.txt';
    const holder = wine.spawnBackground(path.join(wine.bin, 'hold.exe'), ['C:\\ProgramData\\zticache\\last-run.json', '120000', 'C:\\held.txt', release], { ZTI_HOLD_SHARE: '1' });
    await waitFor('the reader to hold last-run.json', () => fs.existsSync(marker), 60_000);
    try {
      const bad = await wine.run(`${win}\\zticache.exe`, ['--source', 'C:\\ccmcache\\GONE0001']);
      expect(bad.code, bad.out).toBe(900000002);
      const rec = JSON.parse(fs.readFileSync(lastRun, 'utf8'));
      expect({ exitCode: rec.exitCode, name: rec.name }, bad.out).toEqual({ exitCode: 900000002, name: 'SOURCE_MISSING' });
    } finally {
      fs.writeFileSync(wine.host(release), '');
      await holder.exited;
    }
  }, 600_000);
});
