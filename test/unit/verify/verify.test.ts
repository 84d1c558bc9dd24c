// VERIFY called directly: every rule that stops the launch (a missing, resized or stray file, a
// missing or stray folder, a link, a stray program file even where strays are tolerated, a hash
// that differs from the manifest), each named in the one-line error, and what is only warned.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { takeInventory, type Inventory } from '../../../src/plan/inventory.js';
import { type Walker } from '../../../src/core/walk.js';
import { hashFile } from '../../../src/plan/manifest.js';
import { verify, type VerifyOptions } from '../../../src/verify/verify.js';
import { escapeRegExp, makeTree, memoryLog, tempDir } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';
import { posixNames } from '../../helpers/names.js';

const p = path.posix;

function setup(spec: Record<string, string | Buffer | null> = { 'OSDLaunch.exe': 'launcher', 'sub/a.cab': 'aaaa', 'sub/deep/b.txt': 'bb', 'empty': null }) {
  const target = p.join(tempDir('zti-verify-'), 'PackageSource');
  makeTree(target, spec);
  const inv = takeInventory(p, target);
  const log = memoryLog();
  const opts: VerifyOptions = { p, log, parallel: 2, names: posixNames };
  return { target, inv, log, opts };
}

/** The refusal's text after "<target> does not match ...: ", up to ". The launcher was not started." */
async function refusal(target: string, inv: Inventory, opts: VerifyOptions, what = 'does not match the package inventory') {
  const err = await rejection(verify(target, inv, opts));
  expect(err.exitCode).toBe(ExitCode.VERIFY_FAILED);
  expect(err.path).toBe(target);
  const m = new RegExp(`^(.*) ${escapeRegExp(what)}: (.*)\\. The launcher was not started\\.$`).exec(err.message);
  expect(m, err.message).not.toBeNull();
  expect(m![1]).toBe(target);
  return m![2]!;
}

describe('verify', () => {
  it('passes a target that holds exactly the inventory, and says how much it checked', async () => {
    const s = setup();
    expect(await verify(s.target, s.inv, s.opts)).toStrictEqual({ files: 3, bytes: 14, hashed: 0 });
    expect(s.log.lines).toEqual([`info: Verified 3 files, 14 bytes in ${s.target}`]);
  });

  it('names a missing file, and only that (no byte count on top)', async () => {
    const s = setup();
    fs.rmSync(p.join(s.target, 'sub/deep/b.txt'));
    expect(await refusal(s.target, s.inv, s.opts)).toBe('missing: sub/deep/b.txt');
  });

  it('names a file of another size, with both sizes', async () => {
    const s = setup();
    fs.writeFileSync(p.join(s.target, 'sub/a.cab'), 'aaaaaa');
    expect(await refusal(s.target, s.inv, s.opts)).toBe('size of sub/a.cab: 6 bytes, expected 4');
  });

  it('names a missing empty folder, and a stray folder', async () => {
    const s = setup();
    fs.rmdirSync(p.join(s.target, 'empty'));
    expect(await refusal(s.target, s.inv, s.opts)).toBe('missing folder: empty');
    fs.mkdirSync(p.join(s.target, 'other'));
    expect(await refusal(s.target, s.inv, s.opts)).toBe('missing folder: empty; folder not in the package: other');
  });

  it('names a stray file and a link, and refuses a link even where strays are tolerated', async () => {
    const s = setup();
    fs.writeFileSync(p.join(s.target, 'sub/notes.txt'), 'x');
    expect(await refusal(s.target, s.inv, s.opts)).toBe('not in the package: sub/notes.txt');
    fs.rmSync(p.join(s.target, 'sub/notes.txt'));
    fs.symlinkSync('/etc', p.join(s.target, 'sub/link'));
    fs.writeFileSync(p.join(s.target, 'launch.log'), 'x');
    expect(await refusal(s.target, s.inv, { ...s.opts, toleratesExtra: true })).toBe('not in the package (a link or device): sub/link; not in the package: launch.log');
  });

  it('tolerates what an earlier launch left (a warning each, at most 20 and a count), but never a program file, in any case', async () => {
    const s = setup();
    for (let i = 0; i < 25; i++) fs.writeFileSync(p.join(s.target, `log${String(i).padStart(2, '0')}.txt`), 'x');
    fs.mkdirSync(p.join(s.target, 'SMSOSD'));
    fs.writeFileSync(p.join(s.target, 'setup.exe.log'), 'x'); // a log named after a program is no program
    expect(await verify(s.target, s.inv, { ...s.opts, toleratesExtra: true })).toStrictEqual({ files: 3, bytes: 14, hashed: 0 });
    const warned = s.log.lines.filter((l) => l.startsWith('warn:'));
    expect(warned).toHaveLength(21);
    expect(warned[0]).toBe(`warn: ${s.target}: folder not in the package: SMSOSD (left by an earlier launch; the package itself is checked)`);
    expect(warned[20]).toBe(`warn: ${s.target}: and 7 more not in the package`);
    // without the tolerance the same strays stop the launch: five named, then the count
    expect(await refusal(s.target, s.inv, s.opts)).toBe('folder not in the package: SMSOSD; not in the package: log00.txt; not in the package: log01.txt; not in the package: log02.txt; not in the package: log03.txt; and 22 more');

    const t = setup();
    fs.writeFileSync(p.join(t.target, 'sub/VERSION.DLL'), 'planted');
    expect(await refusal(t.target, t.inv, { ...t.opts, toleratesExtra: true })).toBe('not in the package: sub/VERSION.DLL');
  });

  it('the running zticache.exe in the target (run from there) is passed over; any other stray, of that name elsewhere included, is not', async () => {
    const s = setup();
    fs.writeFileSync(p.join(s.target, 'zticache.exe'), 'the running exe');
    expect(await refusal(s.target, s.inv, s.opts)).toBe('not in the package: zticache.exe');
    expect(await verify(s.target, s.inv, { ...s.opts, runningExe: 'zticache.exe' })).toStrictEqual({ files: 3, bytes: 14, hashed: 0 });
    expect(s.log.lines).toEqual([`info: Verified 3 files, 14 bytes in ${s.target}`]);
    fs.writeFileSync(p.join(s.target, 'sub/zticache.exe'), 'another');
    expect(await refusal(s.target, s.inv, { ...s.opts, runningExe: 'zticache.exe' })).toBe('not in the package: sub/zticache.exe');
    // listed by the inventory (an older zticache staged a copy of itself), it is checked like any file
    const t = setup({ 'OSDLaunch.exe': 'launcher', 'zticache.exe': 'old copy' });
    fs.writeFileSync(p.join(t.target, 'zticache.exe'), 'new copy!');
    expect(await refusal(t.target, t.inv, { ...t.opts, runningExe: 'zticache.exe' })).toBe('size of zticache.exe: 9 bytes, expected 8');
  });

  it('an inventory without file IDs (an older journal) is held to sizes and times only, wherever IDs are kept', async () => {
    const s = setup();
    const inv = { ...s.inv, files: s.inv.files.map(({ id: _id, ...f }) => f) };
    expect(await verify(s.target, inv, { ...s.opts, keepsId: () => true })).toStrictEqual({ files: 3, bytes: 14, hashed: 0 });
  });

  it('exactly 20 tolerated strays are warned one by one, with no count after them', async () => {
    const s = setup();
    for (let i = 0; i < 20; i++) fs.writeFileSync(p.join(s.target, `log${String(i).padStart(2, '0')}.txt`), 'x');
    await verify(s.target, s.inv, { ...s.opts, toleratesExtra: true });
    const warned = s.log.lines.filter((l) => l.startsWith('warn:'));
    expect(warned).toHaveLength(20);
    expect(warned.some((l) => /more not in the package/.test(l))).toBe(false);
  });

  it('exactly five problems are listed with no count after them', async () => {
    const s = setup({ a: '1', b: '1', c: '1', d: '1', e: '1' });
    for (const n of ['a', 'b', 'c', 'd', 'e']) fs.rmSync(p.join(s.target, n));
    expect(await refusal(s.target, s.inv, s.opts)).toBe('missing: a; missing: b; missing: c; missing: d; missing: e');
  });

  it('checks the byte total too, when the inventory\'s own total disagrees with its files', async () => {
    const s = setup();
    expect(await refusal(s.target, { ...s.inv, bytes: 15 }, s.opts)).toBe('14 bytes, expected 15');
  });

  it('walks with the platform\'s walker when one is given (Windows: an enumeration, no file opened)', async () => {
    const s = setup();
    const seen: string[] = [];
    const walk: Walker = (pp, root, visit) => {
      seen.push(root);
      for (const d of s.inv.dirs) visit(d, 'dir', 0, 0);
      for (const f of s.inv.files) visit(f.rel, 'file', f.size, f.mtimeMs);
    };
    fs.rmSync(p.join(s.target, 'sub/a.cab')); // node:fs would see it gone; the walker is asked instead
    await verify(s.target, s.inv, { ...s.opts, walk });
    expect(seen).toEqual([s.target]);
  });

  describe('the version of each file, not only its size', () => {
    /** the tail after "The launcher was not started." */
    async function wayOut(target: string, inv: Inventory, opts: VerifyOptions) {
      const err = await rejection(verify(target, inv, opts));
      expect(err.exitCode).toBe(ExitCode.VERIFY_FAILED);
      return { problems: /: (.*)\. The launcher was not started\./.exec(err.message)![1], after: err.message.split('The launcher was not started.')[1]!.trim() };
    }
    const refreshedWords = 'The package in the cache folder was refreshed while zticache staged it (files replaced or rewritten after the inventory), so the target holds files of two versions: have the client download the package again (re-run the advertisement), then run zticache again; it stages the package anew from the cache folder, and stops here the same way until then.';

    it('a file replaced by another of the same size and time is refused where it must be the inventoried file (renamed in), with both IDs', async () => {
      const s = setup();
      const file = p.join(s.target, 'sub/a.cab');
      const st = fs.statSync(file);
      fs.writeFileSync(`${file}.new`, 'aaaa');
      fs.utimesSync(`${file}.new`, st.atime, st.mtime);
      fs.renameSync(`${file}.new`, file); // what a cache refresh does: another file, same size, same time
      const now = takeInventory(p, s.target).files.find((f) => f.rel === 'sub/a.cab')!.id;
      const then = s.inv.files.find((f) => f.rel === 'sub/a.cab')!.id;
      expect(now).not.toBe(then);
      const r = await wayOut(s.target, s.inv, { ...s.opts, keepsId: (rel) => rel.startsWith('sub/') });
      expect(r.problems).toBe(`sub/a.cab is not the file that was inventoried (file ${then} then, ${now} now)`);
      expect(r.after).toBe(refreshedWords);
      // a copy has IDs of its own: only the time and size are asked of it
      await verify(s.target, s.inv, { ...s.opts, keepsId: () => false });
      await verify(s.target, s.inv, s.opts);
    });

    it('a file rewritten with the same size and a new time is refused, with both times', async () => {
      const s = setup();
      const file = p.join(s.target, 'OSDLaunch.exe');
      const then = s.inv.files.find((f) => f.rel === 'OSDLaunch.exe')!.mtimeMs;
      fs.utimesSync(file, new Date(then + 2000), new Date(then + 2000));
      const r = await wayOut(s.target, s.inv, s.opts);
      expect(r.problems).toMatch(new RegExp(`^OSDLaunch\\.exe was rewritten after the inventory \\(modified ${new Date(then).toISOString().replace(/\./g, '\\.')} then, .* now\\)$`));
      expect(r.after).toBe(refreshedWords);
      // under a millisecond is the same time (file systems keep other precisions below it)
      fs.utimesSync(file, new Date(then), new Date(then));
      await verify(s.target, s.inv, s.opts);
    });

    it('takes each file\'s facts from the walk it is given (on Windows the guard\'s, through its held folders), not from a look of its own', async () => {
      const s = setup();
      const i = s.inv.files.findIndex((f) => f.rel === 'sub/deep/b.txt');
      let over: { size?: number; id?: string; mtimeMs?: number } = {};
      const walk: Walker = (_pp, _root, visit) => {
        for (const d of s.inv.dirs) visit(d, 'dir', 0, 0);
        s.inv.files.forEach((f, j) => {
          const o = j === i ? { ...f, ...over } : f;
          visit(f.rel, 'file', o.size, o.mtimeMs, o.id);
        });
      };
      fs.writeFileSync(p.join(s.target, 'sub/deep/b.txt'), 'changed on disk'); // a look by path would see this
      await verify(s.target, s.inv, { ...s.opts, walk, keepsId: () => true });
      over = { size: 3 };
      expect((await wayOut(s.target, s.inv, { ...s.opts, walk })).problems).toBe('size of sub/deep/b.txt: 3 bytes, expected 2');
      over = { id: 'another' };
      expect((await wayOut(s.target, s.inv, { ...s.opts, walk, keepsId: (rel) => rel === 'sub/deep/b.txt' })).problems).toBe(`sub/deep/b.txt is not the file that was inventoried (file ${s.inv.files[i]!.id} then, another now)`);
      await verify(s.target, s.inv, { ...s.opts, walk, keepsId: (rel) => rel !== 'sub/deep/b.txt' }); // a copy's ID is its own
      over = { id: undefined }; // a walk that reads no IDs cannot refuse by them
      await verify(s.target, s.inv, { ...s.opts, walk, keepsId: () => true });
      over = { mtimeMs: s.inv.files[i]!.mtimeMs + 1 };
      expect((await wayOut(s.target, s.inv, { ...s.opts, walk })).problems).toMatch(/^sub\/deep\/b\.txt was rewritten after the inventory/);
    });

    it('names the way out when the package cannot be made whole from what is left, for a missing file and a wrong hash', async () => {
      const s = setup();
      fs.rmSync(p.join(s.target, 'sub/deep/b.txt'));
      const r = await wayOut(s.target, s.inv, { ...s.opts, whenIncomplete: 'DOWNLOAD AGAIN' });
      expect(r).toEqual({ problems: 'missing: sub/deep/b.txt', after: 'DOWNLOAD AGAIN' });
      expect((await wayOut(s.target, s.inv, s.opts)).after).toBe('');
    });
  });

  describe('with a manifest', () => {
    async function withManifest() {
      const s = setup({ 'OSDLaunch.exe': 'launcher', 'sub/a.cab': 'aaaa', 'z.txt': 'z', 'zticache.sha256': 'listed elsewhere' });
      const hash = (rel: string) => hashFile(p.join(s.target, rel));
      const entries = [{ rel: 'OSDLaunch.exe', hash: await hash('OSDLaunch.exe') }, { rel: 'sub/a.cab', hash: await hash('sub/a.cab') }];
      const manifest = { path: p.join(s.target, 'zticache.sha256'), entries };
      return { ...s, manifest, entries };
    }

    it('checks every listed file\'s SHA-256, and warns of the files it does not list (the manifest itself not among them)', async () => {
      const s = await withManifest();
      expect(await verify(s.target, s.inv, { ...s.opts, manifest: s.manifest })).toStrictEqual({ files: 4, bytes: 29, hashed: 2 });
      expect(s.log.lines.slice(1)).toEqual([
        'warn: 1 file is not in the manifest (not checked by hash), first: z.txt',
        `info: Verified the SHA-256 of 2 files against ${s.manifest.path}`,
      ]);
      // two not listed: counted, the first named
      const few = memoryLog();
      await verify(s.target, s.inv, { ...s.opts, log: few, manifest: { ...s.manifest, entries: [s.entries[0]!] } });
      expect(few.lines).toContain('warn: 2 files are not in the manifest (not checked by hash), first: sub/a.cab');
      // every file listed: no warning
      const all = { ...s.manifest, entries: [...s.entries, { rel: 'z.txt', hash: await hashFile(p.join(s.target, 'z.txt')) }] };
      const log = memoryLog();
      await verify(s.target, s.inv, { ...s.opts, log, manifest: all });
      expect(log.lines.filter((l) => l.startsWith('warn:'))).toEqual([]);
    });

    it('names each file whose hash differs, in name order, and one it cannot read', async () => {
      const s = await withManifest();
      const wrong = 'f'.repeat(64);
      const entries = [{ rel: 'sub/a.cab', hash: wrong }, { rel: 'OSDLaunch.exe', hash: wrong }, { rel: 'gone.txt', hash: wrong }];
      const text = await refusal(s.target, s.inv, { ...s.opts, manifest: { ...s.manifest, entries } }, `does not match the manifest ${s.manifest.path}`);
      const a = await hashFile(p.join(s.target, 'sub/a.cab'));
      const l = await hashFile(p.join(s.target, 'OSDLaunch.exe'));
      expect(text).toMatch(new RegExp(`^SHA-256 of OSDLaunch\\.exe is ${l}, manifest says ${wrong}; SHA-256 of sub/a\\.cab is ${a}, manifest says ${wrong}; cannot read gone\\.txt: ENOENT`));
    });
  });
});
