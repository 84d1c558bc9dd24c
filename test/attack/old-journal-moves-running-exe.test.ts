// ATTACK (issue 38): "journals of older versions that list the exe still work" and "the running
// zticache.exe ... stays in the cache folder" (move.ts: "copies instead of moving the running
// zticache.exe, which the SMS client still expects in its cache").
//
// How it breaks: an older zticache (before issue 38) inventoried the running zticache.exe and
// listed it in the journal, keeping it back by copying it. If that older run stopped part way
// through a move (state "staging"), this version resumes it from the journal's inventory, which
// still lists zticache.exe at the top, but keptEntries() now keeps nothing back for an exe at the
// top. The resumed move therefore RENAMES the running zticache.exe out of the cache folder into
// PackageSource (or, when the old run had already copied it, copies and then DELETES it from the
// cache). Either way the SMS client's cache no longer holds the program it runs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene, waitFor } from '../helpers/fixtures.js';
import { EXE, Wine, haveWine } from '../wine/harness.js';

describe('an unfinished move by an older zticache, resumed by this one', () => {
  it('leaves the running zticache.exe in the cache folder (old run stopped before reaching it)', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ running exe' });
    // the older zticache: the exe was inventoried and journalled like any file; its run stopped
    // after two renames (zticache.exe sorts last, so it was not reached yet)
    const code = await mainWith({ fs: failing('rename', 'EFAULT', 3), retry: fast }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    const j = s.journal();
    expect(j.kind === 'ok' && j.journal.state).toBe('staging');
    expect(j.kind === 'ok' && j.journal.inventory.files.map((f) => f.rel)).toContain('zticache.exe');
    expect(fs.existsSync(path.join(s.source, 'zticache.exe'))).toBe(true);

    // the SMS client runs this version from its cache folder
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const again = await main(s.args('--', s.report, '0'), exe);
    expect(again).toBe(0);
    // the running exe must still be where the SMS client runs it from
    expect(fs.existsSync(path.join(s.source, 'zticache.exe'))).toBe(true);
  });

  it('never deletes the running zticache.exe from the cache folder (old run had already copied it)', async () => {
    const s = scene();
    // zz.txt sorts after zticache.exe: the older run copied (kept) the exe, then stopped
    makePackage(s.source, { 'zticache.exe': 'MZ running exe', 'zz.txt': 'last' });
    const exeSrc = path.join(s.source, 'zticache.exe');
    const renames = failing('rename', 'EFAULT', 1);
    // let every rename through but the one of zz.txt
    const fsSeam = { ...renames, rename: async (a: string, b: string) => { if (a.endsWith('zz.txt')) throw Object.assign(new Error('injected'), { code: 'EFAULT' }); return fs.promises.rename(a, b); }, renameSync: (a: string, b: string) => { if (a.endsWith('zz.txt')) throw Object.assign(new Error('injected'), { code: 'EFAULT' }); fs.renameSync(a, b); } };
    const code = await mainWith({ fs: fsSeam, retry: fast }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    // what the older zticache left: the exe COPIED into the target (a new file), the original in the cache
    const exeDst = path.join(s.target, 'zticache.exe');
    fs.renameSync(exeDst, exeSrc);
    fs.copyFileSync(exeSrc, exeDst);
    const st = fs.statSync(exeSrc);
    fs.utimesSync(exeDst, st.atime, st.mtime);
    const j = s.journal();
    expect(j.kind === 'ok' && j.journal.state).toBe('staging');

    const exe = rt(s.dir, { packaged: true, execPath: exeSrc });
    const again = await main(s.args('--', s.report, '0'), exe);
    expect(again).toBe(0);
    expect(fs.existsSync(exeSrc)).toBe(true);
  });
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
    const dir = wine.host(win);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'data.bin'), 'package data');
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), path.join(dir, 'OSDLaunch.exe'));
    fs.copyFileSync(EXE, path.join(dir, 'zticache.exe'));
    fs.mkdirSync(wine.host('C:\\tools'), { recursive: true });
    fs.copyFileSync(EXE, wine.host('C:\\tools\\zticache.exe'));
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
