// A rerun decides from zticache's own record (the journal), with what the cache folder holds now as
// evidence checked against it: what zticache left there (the running exe and its folder, what
// --mode copy copied and kept) and what the shell adds (desktop.ini) never make a new version, so
// the staged package is never removed to make room for a remnant and the launcher never starts on
// part of the package; only content the record does not have does, and part of the staged package
// beside such content is refused (SOURCE_MIXED), nothing changed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { StageFs } from '../../src/stage/fs.js';
import { fast, mainWith, realFs, rt } from '../helpers/seams.js';
import { expectExit, makePackage, readReport, scene, snapshot, zticache } from '../helpers/fixtures.js';

const log = (s: ReturnType<typeof scene>) => fs.readFileSync(s.log, 'utf8');
/** files that exist only in the first entries a move renames (AutoRun.inf, Boot/ sort first) */
const EARLY = { 'AutoRun.inf': '[autorun]\n', 'Boot/boot.wim': Buffer.alloc(50_000, 4) };
/** renames fail from the third on, with `code`: a scanner holding an entry, or an entry the source will not give up */
const stuckAfterTwo = (code = 'EACCES'): StageFs => {
  let renames = 0;
  return { ...realFs, rename: async (a, b) => (++renames > 2 ? Promise.reject(Object.assign(new Error('stuck'), { code, path: a })) : realFs.rename(a, b)) };
};

describe('the README\'s way out of a stuck move, then the advertisement\'s plain rerun', () => {
  for (const held of [true, false]) {
    it(`loses nothing and never launches on part of the package (the stuck entry ${held ? 'still held' : 'released'} at the rerun)`, async () => {
      const s = scene();
      makePackage(s.source, EARLY);
      const original = snapshot(s.source);
      const args = s.args('--', s.report, '0');
      expect(await mainWith({ fs: stuckAfterTwo(), retry: fast }, args, rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
      // the way out the table names: --mode copy finishes the move as a copy, the rest stays in the source
      expectExit(await zticache(s.args('--mode', 'copy', '--', s.report, '0')), 0);
      expect(snapshot(s.target)).toEqual(original);
      expect(s.journal()).toMatchObject({ kind: 'ok', journal: { state: 'staged', mode: 'move', same: ['AutoRun.inf', 'Boot'], kept: ['Empty', 'Images', 'OSD', 'launch.js', 'readme.txt', 'setup.cab'] } });
      // the advertisement runs the plain command again
      const fsAtRerun = held ? stuckAfterTwo('EBUSY') : realFs;
      expect(await mainWith({ fs: fsAtRerun, retry: fast }, args, rt(s.dir))).toBe(0);
      const rerun = log(s).split('zticache 0.1.0 started').pop()!;
      expect(rerun).not.toMatch(/Removing the old/);
      expect(rerun).toMatch(/Action: none: already staged by an earlier run \(journal .*\); the cache folder holds 6 of its 8 files that zticache left there \(copied and kept: Empty, Images, OSD, launch\.js, readme\.txt, setup\.cab\)/);
      expect(snapshot(s.target)).toEqual(original); // AutoRun.inf and Boot/boot.wim, which existed only there, too
      expect(readReport(s.report)).toMatchObject({ runs: 2, files: original });
    });
  }
});

describe('what zticache itself leaves in the cache folder is not a new version', () => {
  it('zticache.exe in a subfolder (Tools\\zticache.exe, kept by design): the second run launches the staged package, never Tools\\ alone', async () => {
    const s = scene();
    makePackage(s.source, { 'Tools/zticache.exe': 'exe', 'Tools/helper.dll': 'dll' });
    // the running exe itself is not moved (linked beside the package); the rest of its folder is copied and kept
    const original = snapshot(s.source);
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'Tools', 'zticache.exe') });
    const args = s.args('--', s.report, '0');
    expect(await main(args, exe)).toBe(0);
    expect(fs.readdirSync(s.source)).toEqual(['Tools']);
    expect(s.journal()).toMatchObject({ kind: 'ok', journal: { kept: ['Tools'] } });
    expect(await main(args, exe)).toBe(0);
    expect(log(s)).not.toMatch(/Removing the old/);
    expect(snapshot(s.target)).toEqual(original);
    expect(readReport(s.report)).toMatchObject({ runs: 2, files: original });
    // a newer zticache.exe put in its place by the admin is the running program, not the package
    fs.rmSync(path.join(s.source, 'Tools', 'zticache.exe'));
    fs.writeFileSync(path.join(s.source, 'Tools', 'zticache.exe'), 'a newer build of zticache');
    expect(await main(args, exe)).toBe(0);
    expect(readReport(s.report)!.runs).toBe(3);
    // and the target's zticache.exe is that build now: a custom action finds the one that runs
    expect(fs.readFileSync(path.join(s.target, 'Tools', 'zticache.exe'), 'utf8')).toBe('a newer build of zticache');
  });

  it('files the shell adds to a spent cache folder (desktop.ini, Thumbs.db) do not make a new version: the rerun launches', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    const args = s.args('--', s.report, '0');
    expectExit(await zticache(args), 0);
    fs.writeFileSync(path.join(s.source, 'desktop.ini'), '[.ShellClassInfo]\r\n');
    fs.writeFileSync(path.join(s.source, 'Thumbs.db'), 'thumbs');
    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/the cache folder holds nothing of it but zticache itself, and 2 file\(s\) of the Windows shell \(Thumbs\.db\), which are not the package's/);
    expect(snapshot(s.target)).toEqual(original);
    expect(readReport(s.report)!.runs).toBe(2);
  });

  it('a copy run again with its source and target whole copies nothing again; a target left incomplete is staged again from the whole source', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    const args = s.args('--mode', 'copy', '--', s.report, '0');
    expectExit(await zticache(args), 0);
    const again = await zticache(args);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/Action: none: already staged by an earlier run .* the cache folder holds 6 of its 6 files that zticache left there/);
    expect(again.out).not.toMatch(/Copying|Removing the old/);
    fs.rmSync(path.join(s.target, 'OSD'), { recursive: true }); // the launcher's cleanup, after the guard let go
    const third = await zticache(args);
    expect(third.code, third.out).toBe(0);
    expect(third.out).toMatch(/no longer holds the whole package an earlier run staged, and the cache folder does .*: staged again/);
    expect(snapshot(s.target)).toEqual(original);
    expect(readReport(s.report)).toMatchObject({ runs: 3, files: original });
  });

  it('a target removed since, with the whole package still in the cache folder, is staged again; with part of it, refused with the way out', async () => {
    const s = scene();
    makePackage(s.source, EARLY);
    const original = snapshot(s.source);
    const args = s.args('--', s.report, '0');
    expect(await mainWith({ fs: stuckAfterTwo(), retry: fast }, args, rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    expectExit(await zticache(s.args('--mode', 'copy', '--', s.report, '0')), 0);
    fs.rmSync(s.target, { recursive: true }); // OSD's cleanup of C:\MININT, after the launch
    const r = await zticache(args);
    expectExit(r, ExitCode.SOURCE_EMPTY);
    expect(r.out).toMatch(/has been removed since, and the cache folder now holds 6 of its 8 files that zticache left there .*: download the package again/);
    expect(snapshot(s.source)).toEqual(Object.fromEntries(Object.entries(original).filter(([k]) => !/^(AutoRun|Boot)/.test(k))));
  });
});

describe('a new version is proven by content, and never mixed with a remnant', () => {
  it('the whole package downloaded again into the same cache folder (every file rewritten): the old target is replaced by it', async () => {
    const s = scene();
    makePackage(s.source);
    const args = s.args('--', s.report, '0');
    expectExit(await zticache(args), 0);
    makePackage(s.source, { 'readme.txt': 'version 2\n' });
    const v2 = snapshot(s.source);
    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/a new version in the cache folder: 6 of its files differ from the package zticache staged from it into .* \(first: Images\/image\.wim, changed\); the source is on a local fixed drive; same volume/);
    expect(r.out).toMatch(/Removing the old/);
    expect(snapshot(s.target)).toEqual(v2);
  });

  it('part of the staged package (what --mode copy left) beside a changed file: SOURCE_MIXED, nothing changed, the way out named', async () => {
    const s = scene();
    makePackage(s.source, EARLY);
    const args = s.args('--', s.report, '0');
    expect(await mainWith({ fs: stuckAfterTwo(), retry: fast }, args, rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    expectExit(await zticache(s.args('--mode', 'copy', '--', s.report, '0')), 0);
    fs.writeFileSync(path.join(s.source, 'readme.txt'), 'changed in the cache folder\n');
    const before = { source: snapshot(s.source), target: snapshot(s.target) };
    const r = await zticache(args);
    expectExit(r, ExitCode.SOURCE_MIXED);
    expect(r.out).toMatch(/holds 5 file\(s\) of the package zticache staged from it into .* 1 file\(s\) that differ from it \(first: readme\.txt, changed\), and not the 2 file\(s\) zticache moved out of it: neither that package nor a whole new version, so nothing was changed or launched \(.*PackageSource is kept\)\. Have the client download the package again into an empty cache folder/);
    expect({ source: snapshot(s.source), target: snapshot(s.target) }).toEqual(before);
    expect(readReport(s.report)!.runs).toBe(1);
  });
});
