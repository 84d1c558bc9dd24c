// Issue 38 (attack 38, finding 1): "journals of older versions that list the exe still work" and "the running
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
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene } from '../helpers/fixtures.js';

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
