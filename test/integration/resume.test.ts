// Staging that stops part way (a fault injected through the fs seam), then a normal second run:
// nothing is lost, nothing is deleted that exists nowhere else, and the launcher runs once, on
// complete content. Also the retry and fault paths of staging.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { StageFs } from '../../src/stage/fs.js';
import { failing, fast, fault, mainWith, realFs, rt } from '../helpers/seams.js';
import { makePackage, readReport, scene, snapshot, tempDir, zticache } from '../helpers/fixtures.js';

describe('a staging interrupted part way is finished by the next run', () => {
  it('move: stops after two renames, the next run moves the rest and keeps what was moved', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    const code = await mainWith({ fs: failing('rename', 'EFAULT', 3), retry: fast }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    const j = s.journal();
    expect(j.kind === 'ok' && j.journal.state).toBe('staging');
    const moved = Object.keys(snapshot(s.target));
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.length).toBeLessThan(Object.keys(original).length);
    expect(readReport(s.report)).toBeUndefined();

    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/finishing an interrupted move/);
    expect(r.out).not.toMatch(/will be removed first/);
    expect(snapshot(s.target)).toEqual(original);
    expect(fs.readdirSync(s.source)).toEqual([]);
    expect(readReport(s.report)!.runs).toBe(1);
  });

  it('copy: stops after three files, the next run copies only the rest', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    const code = await mainWith({ fs: failing('copyFile', 'EFAULT', 4), retry: fast }, s.args('--mode', 'copy', '--parallel', '1', '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    const r = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Copy: 3 files copied, 3 already complete/);
    expect(snapshot(s.target)).toEqual(original);
    expect(snapshot(s.source)).toEqual(original);
  });

  it('move across volumes: stops mid-copy, the next run finishes and the source is deleted only after the check', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
    makePackage(source);
    const original = snapshot(source);
    const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
    const code = await mainWith({ fs: failing('copyFile', 'EFAULT', 3), retry: fast }, args, rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    // every file is still somewhere whole
    const now = { ...snapshot(source), ...snapshot(s.target) };
    for (const [rel, hash] of Object.entries(original)) expect(now[rel], rel).toBe(hash);

    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/6 entries moved across volumes \(4 files copied by this run\)/); // the 2 copied before the fault are not copied again
    expect(snapshot(s.target)).toEqual(original);
    expect(fs.readdirSync(source)).toEqual([]);
  });

  it('move across volumes: cut short while deleting a source folder (one file gone, then a failure): the next run only finishes the delete', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
    makePackage(source);
    const original = snapshot(source);
    const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
    const f: StageFs = {
      ...realFs,
      rm: async (p, o) => {
        if (p === path.join(source, 'OSD')) {
          fs.unlinkSync(path.join(p, 'Custom', 'osd.xml')); // the recursive delete got this far
          throw fault('EFAULT');
        }
        return realFs.rm(p, o);
      },
    };
    const code = await mainWith({ fs: f, retry: fast }, args, rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    const j = s.journal();
    expect(j.kind === 'ok' && j.journal.state).toBe('staging');
    expect(j.kind === 'ok' && j.journal.crossed?.sort()).toEqual(['Empty', 'Images', 'OSD', 'launch.js', 'readme.txt', 'setup.cab']);
    expect(fs.existsSync(path.join(source, 'OSD', 'Custom', 'Deep'))).toBe(true); // the folder is in both places now

    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/6 entries already in place|moved across volumes \(0 files copied by this run/);
    expect(snapshot(s.target)).toEqual(original);
    expect(fs.readdirSync(source)).toEqual([]);
    expect(readReport(s.report)!.runs).toBe(1);
  });

  it('interrupted while removing the old target: the next run finishes clearing, then stages', async () => {
    const s = scene();
    makePackage(s.source, { 'stale.txt': 'old package' });
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.rmSync(s.source, { recursive: true }); // the next package, in a cache folder of its own
    makePackage(s.source, { 'new.txt': 'new package' });
    const original = snapshot(s.source);
    const code = await mainWith({ fs: failing('removeIn', 'EFAULT', 1, 1), retry: fast }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    const j = s.journal();
    expect(j.kind === 'ok' && j.journal.state).toBe('clearing');
    expect(snapshot(s.source)).toEqual(original);
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(snapshot(s.target)).toEqual(original);
  });
});

describe('faults during staging', () => {
  it('a read that fails once (EIO) is retried and logged, and the run succeeds', async () => {
    const s = scene();
    makePackage(s.source);
    const code = await mainWith({ fs: failing('copyFile', 'EIO', 2, 2), retry: fast }, s.args('--mode', 'copy', '--', s.report, '7'), rt(s.dir));
    expect(code).toBe(7);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/copying .*: EIO, retrying after the other files/);
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
  });

  it('a large file (copied on the thread pool) whose read fails once is retried with backoff', async () => {
    const s = scene();
    makePackage(s.source, { 'Images/big.wim': Buffer.alloc(3 << 20, 5) });
    // the six small files are copied first (calls 1-6); call 7 is the large one
    const code = await mainWith({ fs: failing('copyFile', 'EIO', 7, 7), retry: fast }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(0);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/copying .*big\.wim: EIO \(try 1 of 3\), retrying in 1 ms/);
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
  });

  it('a read that keeps failing stops the run; the launcher is not started', async () => {
    const s = scene();
    makePackage(s.source);
    const code = await mainWith({ fs: failing('copyFile', 'EIO', 1), retry: fast }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(new RegExp(`cannot copy .* \\(EIO\\) \\[exit ${ExitCode.STAGE_FAILED}\\]`));
    expect(readReport(s.report)).toBeUndefined();
  });

  it('a full target volume (ENOSPC) names the bytes; the launcher is not started', async () => {
    const s = scene();
    makePackage(s.source);
    const code = await mainWith({ fs: failing('copyFile', 'ENOSPC', 2), retry: fast }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.NO_SPACE);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/target volume is full: 362\.\d KB needed for the package, .* free now/);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('the source folder vanishes mid-copy: stops with a clear message; the launcher is not started', async () => {
    const s = scene();
    makePackage(s.source);
    const vanish = () => fs.rmSync(s.source, { recursive: true, force: true });
    const f: StageFs = {
      ...realFs,
      copyFile: async (a, b) => { await realFs.copyFile(a, b); vanish(); },
      copyFileSync: (a, b) => { realFs.copyFileSync(a, b); vanish(); },
    };
    const code = await mainWith({ fs: f, retry: fast }, s.args('--mode', 'copy', '--parallel', '1', '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(new RegExp(`the source folder .*ABC00001 vanished during staging: run zticache again, a copy restarts from a fresh inventory of the source \\(ENOENT\\) \\[exit ${ExitCode.STAGE_FAILED}\\]`));
    expect(readReport(s.report)).toBeUndefined();
  });
});

describe('the running zticache.exe', () => {
  it('is not moved: it stays in the cache folder, no journal inventory lists it, and the launcher finds it beside the package (a hard link to it)', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ pretend exe' });
    const code = await main(['--target', s.target, '--launch', 'launch.js', '--', s.report, '0'], rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') }));
    expect(code).toBe(0);
    expect(fs.readdirSync(s.source)).toEqual(['zticache.exe']);
    expect(fs.readFileSync(path.join(s.source, 'zticache.exe'), 'utf8')).toBe('MZ pretend exe');
    expect(fs.statSync(path.join(s.target, 'zticache.exe')).ino).toBe(fs.statSync(path.join(s.source, 'zticache.exe')).ino);
    expect(readReport(s.report)!.files['zticache.exe']).toBeDefined();
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/Not moved: zticache\.exe \(the running zticache; it stays in the source, and after the staging a hard link to it/);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/Put .*PackageSource.zticache\.exe beside the package: a hard link to /);

    // and the SMS client running it again from its cache finds the package already staged
    const again = await main(['--target', s.target, '--launch', 'launch.js', '--', s.report, '0'], rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') }));
    expect(again).toBe(0);
    expect(readReport(s.report)!.runs).toBe(2);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/already staged by an earlier run/);
  });

  it('run from the target itself: VERIFY passes over that one file, and any other stray program there still stops the launch', async () => {
    const s = scene();
    makePackage(s.source);
    expect(await main(['--source', s.source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'], rt(s.dir))).toBe(0);
    // an admin starts a zticache.exe put into PackageSource by hand
    fs.writeFileSync(path.join(s.target, 'zticache.exe'), 'MZ pretend exe');
    const fromTarget = rt(s.dir, { packaged: true, execPath: path.join(s.target, 'zticache.exe') });
    const args = ['--source', s.target, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
    expect(await main(args, fromTarget)).toBe(0);
    expect(readReport(s.report)!.runs).toBe(2);
    fs.writeFileSync(path.join(s.target, 'version.dll'), 'planted');
    expect(await main(args, fromTarget)).toBe(ExitCode.VERIFY_FAILED);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/not in the package: version\.dll/);
    expect(fs.readFileSync(s.log, 'utf8')).not.toMatch(/not in the package: zticache\.exe/);
    expect(readReport(s.report)!.runs).toBe(2);
  });
});


// Guarantees a mutation audit found unprotected: each test fails when its behaviour is removed.
describe('guarantees each held by a test', () => {
  for (const code of ['EPERM', 'EACCES']) {
    it(`a rename that fails once with ${code} (a scanner holding the file) is retried, logged, and the run succeeds`, async () => {
      const s = scene();
      makePackage(s.source);
      const original = snapshot(s.source);
      const r = await mainWith({ fs: failing('rename', code, 1, 1), retry: fast }, s.args('--', s.report, '0'), rt(s.dir));
      expect(r).toBe(0);
      expect(fs.readFileSync(s.log, 'utf8')).toMatch(new RegExp(`moving .*: ${code} \\(try 1 of 3\\), retrying in 1 ms`));
      expect(snapshot(s.target)).toEqual(original);
    });
  }

  it('a copied file of 1 MiB or more keeps its modification time (2007)', async () => {
    const s = scene();
    makePackage(s.source, { 'Images/big.wim': Buffer.alloc(2 << 20, 3), 'small.txt': 'small' });
    const then = new Date('2007-06-15T10:20:30.000Z');
    for (const f of ['Images/big.wim', 'small.txt']) fs.utimesSync(path.join(s.source, f), then, then);
    const r = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    for (const f of ['Images/big.wim', 'small.txt']) expect(fs.statSync(path.join(s.target, f)).mtime.toISOString(), f).toBe(then.toISOString());
  });

  it('an old PackageSource that will be removed counts as free space', async () => {
    const s = scene();
    makePackage(s.source, { 'old.bin': Buffer.alloc(600_000, 1) });
    expect((await zticache(s.args('--mode', 'copy', '--', s.report, '0'))).code).toBe(0);
    fs.rmSync(path.join(s.source, 'old.bin'));
    const needed = 370_758; // the package without old.bin
    const { posixPlatform } = await import('../../src/platform/posix/platform.js');
    // free space short of the package, but the old target (970 KB) will be removed first
    const code = await mainWith({ platform: { ...posixPlatform, freeBytes: () => needed - 1000 } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir));
    expect(code, fs.readFileSync(s.log, 'utf8')).toBe(0);
    // and without it, the same shortfall is refused
    const t = scene();
    makePackage(t.source);
    expect(await mainWith({ platform: { ...posixPlatform, freeBytes: () => needed - 1000 } }, t.args('--mode', 'copy', '--', t.report, '0'), rt(t.dir))).toBe(ExitCode.NO_SPACE);
  });

  it('a cross-volume copy that comes out short: STAGE_FAILED, and the source file is kept', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
    makePackage(source);
    const original = snapshot(source);
    const short: StageFs = {
      ...realFs,
      copyFileSync: (a, b) => {
        realFs.copyFileSync(a, b);
        if (a.endsWith('setup.cab')) fs.truncateSync(b, 100);
      },
    };
    const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', 'launch.js', '--', s.report, '0'];
    const code = await mainWith({ fs: short, retry: fast }, args, rt(s.dir));
    expect(code).toBe(ExitCode.STAGE_FAILED);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/copy of .*setup\.cab has 100 bytes, expected 70000; the source was kept/);
    expect(snapshot(source)).toEqual(original);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('verification compares every file\'s size: two files whose sizes are swapped (same total) stop the launch', async () => {
    const s = scene();
    makePackage(s.source, { 'a.bin': Buffer.alloc(1000, 1), 'b.bin': Buffer.alloc(2000, 2) });
    const { posixPlatform } = await import('../../src/platform/posix/platform.js');
    const realGuard = posixPlatform.guard;
    const swapping = {
      ...posixPlatform,
      guard: {
        ...posixPlatform.guard,
        holdAll(req: Parameters<typeof posixPlatform.guard.holdAll>[0]) {
          // between staging and verification, someone swaps the two files' content
          fs.writeFileSync(path.join(s.target, 'a.bin'), Buffer.alloc(2000, 2));
          fs.writeFileSync(path.join(s.target, 'b.bin'), Buffer.alloc(1000, 1));
          return realGuard.holdAll(req);
        },
      },
    };
    const code = await mainWith({ platform: swapping }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.VERIFY_FAILED);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/size of a\.bin: 2000 bytes, expected 1000; size of b\.bin: 1000 bytes, expected 2000/);
    expect(readReport(s.report)).toBeUndefined();
  });
});
