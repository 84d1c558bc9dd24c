// No stuck clients: every failed run either finishes on the next run or names the one way out, and
// everything that can be planned is planned before the first change.
import { execaSync } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import type { StageFs } from '../../src/stage/fs.js';
import { mainWith, realFs, rt, copyKeepingTime } from '../helpers/seams.js';
import { LAUNCHER, LAUNCHER_SOURCE, escapeRegExp, expectExit, makePackage, needs, readReport, scene, snapshot, tempDir, zticache } from '../helpers/fixtures.js';

const fast = { attempts: 2, baseMs: 1, maxMs: 2 };
const log = (s: ReturnType<typeof scene>) => fs.readFileSync(s.log, 'utf8');

describe('a copy whose source changed (a distribution point refreshed meanwhile)', () => {
  const ways = ['POSIX: each source stat\'ed before its copy', 'Windows: the copy keeps the time, the copies are checked by listing their folders'] as const;
  for (const [way, refresh] of ways.flatMap((w) => (['grows', 'same size, new time'] as const).map((r) => [w, r] as const))) {
    it(`fails once, then the next run restages from a fresh inventory: changed files copied again, removed ones pruned, new ones added (${way}; setup.cab ${refresh})`, async () => {
      const s = scene();
      makePackage(s.source);
      const windows = way.startsWith('Windows');
      const cab = path.join(s.source, 'setup.cab');
      // the refresh lands while the copy runs, after the first file
      const refreshed = () => {
        if (refresh === 'grows') return fs.writeFileSync(cab, Buffer.alloc(80_000, 9));
        const was = fs.statSync(cab);
        fs.writeFileSync(cab, Buffer.alloc(was.size, 9));
        fs.utimesSync(cab, was.atime, new Date(was.mtimeMs + 10_000));
      };
      let n = 0;
      const sourceStats: string[] = [];
      const refreshing: StageFs = {
        ...realFs,
        copyFileSync: (a, b) => {
          (windows ? copyKeepingTime : realFs.copyFileSync)(a, b);
          if (++n === 1) refreshed();
        },
        statSync: (p) => {
          if (p.startsWith(s.source)) sourceStats.push(p);
          return realFs.statSync(p);
        },
      };
      const first = await mainWith({ fs: refreshing, retry: fast, host: { copyKeepsTime: windows } }, s.args('--mode', 'copy', '--parallel', '1', '--', s.report, '0'), rt(s.dir));
      expect(first).toBe(ExitCode.STAGE_FAILED);
      expect(log(s)).toMatch(/setup\.cab changed after it was inventoried .*run zticache again, a copy restarts from a fresh inventory/);
      expect(readReport(s.report)).toBeUndefined();
      // the Windows way opens no source file but to copy it, and to ask again about a copy that
      // differs (the folder times are set at the end: a stat each)
      if (windows) expect(sourceStats.filter((p) => fs.statSync(p).isFile())).toEqual([cab]);
      else {
        // POSIX: every source is asked before its copy (its time goes on the copy), the changed one too
        const copiedBefore = Object.keys(snapshot(s.target)).map((r) => path.join(s.source, r));
        expect(copiedBefore.length).toBeGreaterThan(0);
        expect([...new Set(sourceStats.filter((p) => fs.statSync(p).isFile()))].sort()).toEqual([...copiedBefore, cab].sort());
      }

      // the refresh also removed a file and added one
      fs.rmSync(path.join(s.source, 'readme.txt'));
      fs.writeFileSync(path.join(s.source, 'added.txt'), 'new in the refresh');
      fs.mkdirSync(path.join(s.target, 'Stale'), { recursive: true }); // as if an older package's folder were left
      const r = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/finishing an interrupted copy .* from a fresh inventory of the source/);
      expect(snapshot(s.target)).toEqual(snapshot(s.source));
      expect(fs.existsSync(path.join(s.target, 'Stale'))).toBe(false);
      expect(readReport(s.report)!.files).toEqual(snapshot(s.source));
      expect(readReport(s.report)!.runs).toBe(1);
    });
  }

  it('Windows way, where a copy does not keep the time after all: the unchanged sources are asked again, the times set, the run goes on', async () => {
    const s = scene();
    makePackage(s.source);
    const old = new Date('2001-02-03T04:05:06.789Z');
    for (const f of ['setup.cab', 'readme.txt']) fs.utimesSync(path.join(s.source, f), old, old);
    const timeless: StageFs = { ...realFs }; // the real copy, which sets no time
    expect(await mainWith({ fs: timeless, retry: fast, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(0);
    expect(log(s)).toMatch(/\d+ copies did not keep their source's last-write time; it was set afterwards/);
    for (const f of ['setup.cab', 'readme.txt']) expect(fs.statSync(path.join(s.target, f)).mtime.toISOString()).toBe(old.toISOString());
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
  });

  it('Windows way: a copy that comes out short of an unchanged source stops the staging, naming the file; the next run copies it again', async () => {
    const s = scene();
    makePackage(s.source);
    const short: StageFs = {
      ...realFs,
      copyFileSync: (a, b) => {
        copyKeepingTime(a, b);
        if (a.endsWith('setup.cab')) fs.truncateSync(b, 1000);
      },
    };
    expect(await mainWith({ fs: short, retry: fast, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    expect(log(s)).toMatch(/the copy \S+PackageSource\/setup\.cab came out 1000 bytes, its unchanged source \S+setup\.cab has 70000: run zticache again, the file is copied again/);
    expect(readReport(s.report)).toBeUndefined();
    // and so it is
    expect(await mainWith({ fs: { ...realFs, copyFileSync: copyKeepingTime }, retry: fast, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(0);
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
  });

  for (const windows of [false, true]) {
    it(`a large file refreshed while its copy runs (same size, new time) stops the staging (${windows ? 'Windows: checked with the copies after' : 'POSIX: its source asked again after its copy'})`, async () => {
      const s = scene();
      makePackage(s.source, { 'big.wim': Buffer.alloc(2 << 20, 5) }); // over 1 MiB: the thread pool's path
      const big = path.join(s.source, 'big.wim');
      const refreshing: StageFs = {
        ...realFs, ...(windows ? { copyFileSync: copyKeepingTime } : {}),
        copyFile: async (a, b) => {
          if (a === big) {
            fs.writeFileSync(big, Buffer.alloc(2 << 20, 6));
            fs.utimesSync(big, new Date(), new Date(Date.now() + 60_000));
          }
          if (windows) copyKeepingTime(a, b);
          else await realFs.copyFile(a, b);
        },
      };
      expect(await mainWith({ fs: refreshing, retry: fast, host: { copyKeepsTime: windows } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
      expect(log(s)).toMatch(/big\.wim changed after it was inventoried/);
      expect(readReport(s.report)).toBeUndefined();
    });
  }

  it('Windows way: a copy cut short is resumed keeping the files already complete; every copy has its source\'s time', async () => {
    const s = scene();
    makePackage(s.source);
    const windowsFs: StageFs = { ...realFs, copyFileSync: copyKeepingTime, setModified: () => { throw new Error('no time is set on Windows'); } };
    let n = 0;
    const cut: StageFs = { ...windowsFs, copyFileSync: (a, b) => { if (++n === 3) throw Object.assign(new Error('injected'), { code: 'EFAULT' }); copyKeepingTime(a, b); } };
    expect(await mainWith({ fs: cut, retry: fast, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    expect(await mainWith({ fs: windowsFs, retry: fast, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(0);
    expect(log(s)).toMatch(/Copy: \d+ files copied, 2 already complete/);
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
    for (const f of ['setup.cab', 'OSD/Custom/Deep/Deeper/driver.inf']) expect(Math.abs(fs.statSync(path.join(s.target, f)).mtimeMs - fs.statSync(path.join(s.source, f)).mtimeMs)).toBeLessThan(1);
  });
});

describe('the Windows way of copying, at its floor', () => {
  it('a fresh copy sets no time and asks no source file under 1 MiB anything: CopyFileW keeps the time, the copies are checked by listing', async () => {
    const s = scene();
    makePackage(s.source);
    const asked: string[] = [];
    const noTime = () => { throw new Error('no time is set on Windows'); };
    const windowsFs: StageFs = {
      ...realFs, copyFileSync: copyKeepingTime, setModified: noTime,
      statSync: (p) => { asked.push(p); return realFs.statSync(p); },
      stat: async (p) => { asked.push(p); return realFs.stat(p); },
    };
    expect(await mainWith({ fs: windowsFs, host: { copyKeepsTime: true } }, s.args('--mode', 'copy', '--', s.report, '0'), rt(s.dir))).toBe(0);
    // folders are asked once each (their times are kept); no file is
    expect(asked.filter((p) => p.startsWith(s.source) && !fs.statSync(p).isDirectory())).toEqual([]);
    expect(asked.filter((p) => p.startsWith(s.source)).length).toBeLessThanOrEqual(6);
    expect(snapshot(s.target)).toEqual(snapshot(s.source));
  });
});

describe('a move across volumes whose cache folder changed meanwhile (a content refresh)', () => {
  it('stops before deleting anything, stops again on the next run naming the way out, and the way out works', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg'); // another file system: copy, check, delete
    makePackage(source);
    const args = [...s.stateArgs, '--source', source, '--target', s.target, '--launch', LAUNCHER, '--', s.report, '0'];
    let n = 0;
    const refreshing: StageFs = {
      ...realFs,
      copyFileSync: (a, b) => {
        realFs.copyFileSync(a, b);
        if (++n === 1) fs.writeFileSync(path.join(source, 'setup.cab'), Buffer.alloc(80_000, 9));
      },
    };
    const before = snapshot(source);
    expect(await mainWith({ fs: refreshing, retry: fast }, args, rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    // nothing deleted from the source: every file is there, setup.cab as refreshed (a member left
    // undefined would let toEqual pass with the file gone)
    expect(snapshot(source)).toStrictEqual({ ...before, 'setup.cab': createHash('sha256').update(Buffer.alloc(80_000, 9)).digest('hex') });
    const wayOut = /setup\.cab changed after it was inventoried .*a move cannot finish from a changed source: have the package downloaded again into the cache folder, then delete (\S+) and the journal (\S+\.json), and run zticache again/;
    expect(log(s)).toMatch(wayOut);

    const again = await zticache(args);
    expectExit(again, ExitCode.STAGE_FAILED);
    const [, target, journal] = wayOut.exec(again.out)!;
    expect(target).toBe(s.target);
    expect(fs.existsSync(journal!)).toBe(true);
    expect(readReport(s.report)).toBeUndefined();

    // the way out, as named
    fs.rmSync(source, { recursive: true });
    makePackage(source);
    fs.rmSync(target!, { recursive: true });
    fs.rmSync(journal!);
    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(readReport(s.report)!.files).toEqual(snapshot(s.target));
  });
});

describe('a move on one volume whose cache folder is refreshed meanwhile (a new content version, the same sizes and times)', () => {
  it('is never launched: VERIFY finds the files that are not the ones inventoried, the next run stops the same way, a new download is staged', async () => {
    const s = scene();
    makePackage(s.source);
    const args = s.args('--', s.report, '0');
    /** what the client does: another file put in the old one's place, the same size and time */
    const replace = (rel: string) => {
      const file = path.join(s.source, rel);
      const was = fs.statSync(file);
      fs.writeFileSync(`${file}.new`, Buffer.alloc(was.size, 9));
      fs.utimesSync(`${file}.new`, was.atime, was.mtime);
      fs.renameSync(`${file}.new`, file);
    };
    let n = 0;
    const refreshing: StageFs = {
      ...realFs,
      rename: async (a, b) => {
        await realFs.rename(a, b);
        if (++n === 1) for (const rel of ['setup.cab', 'OSD/Custom/osd.xml']) replace(rel); // entries not yet moved
      },
    };
    expect(await mainWith({ fs: refreshing }, args, rt(s.dir))).toBe(ExitCode.VERIFY_FAILED);
    expect(readReport(s.report)).toBeUndefined();
    expect(log(s)).toMatch(/OSD\/Custom\/osd\.xml is not the file that was inventoried \(file \S+ then, \S+ now\); setup\.cab is not the file that was inventoried/);
    expect(log(s)).toContain('The package in the cache folder was refreshed while zticache staged it (files replaced or rewritten after the inventory), so the target holds files of two versions');
    expect(s.journal()).toMatchObject({ kind: 'ok', journal: { state: 'staged', same: ['Empty', 'Images', 'OSD', 'launch.js', 'readme.txt', 'setup.cab'] } });

    // the cache folder now holds nothing: the next run has nothing to stage, and stops the same way
    const again = await zticache(args);
    expectExit(again, ExitCode.VERIFY_FAILED);
    expect(again.out).toMatch(/setup\.cab is not the file that was inventoried/);
    expect(again.out).toContain('The cache folder no longer holds the whole package (an earlier run moved it into the target; what it left there is not all of it), so the package cannot be made whole from what is left: have the client download it again');
    expect(readReport(s.report)).toBeUndefined();

    // the way out, as named: the package downloaded again, then a run
    makePackage(s.source);
    const r = await zticache(args);
    expect(r.code, r.out).toBe(0);
    expect(readReport(s.report)!.files).toEqual(snapshot(s.target));
  });

  it('a PackageSource that the launcher partly deleted, its cache folder spent, names the way out and takes it', async () => {
    const s = scene();
    makePackage(s.source);
    const args = s.args('--', s.report, '0');
    expectExit(await zticache(args), 0);
    fs.rmSync(path.join(s.target, 'OSD'), { recursive: true });
    const again = await zticache(args);
    expectExit(again, ExitCode.VERIFY_FAILED);
    expect(again.out).toContain('missing: OSD/Custom/Deep/Deeper/driver.inf');
    expect(again.out).toContain('The cache folder no longer holds the whole package (an earlier run moved it into the target; what it left there is not all of it), so the package cannot be made whole from what is left: have the client download it again (re-run the advertisement; if the client keeps the cache entry, delete it first: Configuration Manager in Control Panel, Cache, Delete Files), then run zticache again, which replaces the target.');
    makePackage(s.source);
    expectExit(await zticache(args), 0);
    expect(readReport(s.report)!.runs).toBe(2);
  });
});

describe('sources whose files cannot be deleted', () => {
  it('a read-only volume is copied, never moved', async (ctx) => {
    const s = scene();
    const real = path.join(s.dir, 'real');
    makePackage(real);
    fs.mkdirSync(s.source, { recursive: true });
    if (!needs(ctx, execaSync('mount', ['--bind', '-o', 'ro', real, s.source], { reject: false }).exitCode === 0, 'root to bind-mount')) return;
    try {
      if (!needs(ctx, execaSync('mount', ['-o', 'remount,bind,ro', s.source], { reject: false }).exitCode === 0, 'root to remount read-only')) return;
      const r = await zticache(s.args('--', s.report, '0'));
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/Source: .*ABC00001 \(read-only volume\)/);
      expect(r.out).toMatch(/Action: copy \(the source is on a read-only volume: its files are left where they are\)/);
      expect(snapshot(s.target)).toEqual(snapshot(real));
      expectExit(await zticache(s.args('--mode', 'move', '--what-if')), ExitCode.USAGE);
    } finally {
      execaSync('umount', [s.source], { reject: false });
    }
  });

  it('a move across volumes whose source refuses the delete (EROFS) warns and launches: the copy is complete, nothing is lost', async () => {
    const s = scene();
    const source = path.join(tempDir('zti-src-', '/dev/shm'), 'pkg');
    makePackage(source);
    const original = snapshot(source);
    const refusing: StageFs = { ...realFs, rm: async (p, o) => (p.startsWith(source) ? Promise.reject(Object.assign(new Error('read-only'), { code: 'EROFS', path: p })) : realFs.rm(p, o)) };
    const code = await mainWith({ fs: refusing, retry: fast }, [...s.stateArgs, '--source', source, '--target', s.target, '--launch', LAUNCHER, '--', s.report, '0'], rt(s.dir));
    expect(code).toBe(0);
    expect(log(s)).toMatch(/copied .*setup\.cab into the target, but the source refuses its delete \(EROFS at .*\): an extra copy stays there, nothing is lost/);
    expect(log(s)).toMatch(/6 entries moved across volumes \(6 files copied by this run; 6 of them left in the source too, which refused the delete\)/);
    // the counts add up: nothing was moved, every file was copied and stays in the cache folder
    expect(log(s)).toMatch(/Staged 6 files \(.*\) from .* in [\d.]+ s: 6 copied and kept in the cache folder\]LOG/);
    expect(snapshot(s.target)).toEqual(original);
    expect(snapshot(source)).toEqual(original);
  });

  it('the way out of a move stuck on its source: --mode copy finishes it as a copy', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    let renames = 0;
    const stuck: StageFs = { ...realFs, rename: async (a, b) => (++renames > 2 ? Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })) : realFs.rename(a, b)) };
    expect(await mainWith({ fs: stuck, retry: fast }, s.args('--', s.report, '0'), rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    expect(readReport(s.report)).toBeUndefined();
    const r = await zticache(s.args('--mode', 'copy', '--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/finishing an interrupted move .*--mode copy: what is still in the source is copied, not moved, and stays there/);
    expect(snapshot(s.target)).toEqual(original);
    // the two entries renamed before the failure moved; the rest was copied and stays in the source
    expect(fs.readdirSync(s.source).sort()).toEqual(['OSD', 'launch.js', 'readme.txt', 'setup.cab']);
    expect(readReport(s.report)!.files).toEqual(original);
  });
});

describe('reruns', () => {
  it('files the launcher wrote into PackageSource are logged, not refused, when zticache runs again', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.writeFileSync(path.join(s.target, 'OSDLaunch.log'), 'written by the launcher');
    fs.mkdirSync(path.join(s.target, 'State'));
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/WARNING: .*PackageSource: not in the package: OSDLaunch\.log \(left by an earlier launch/);
    expect(r.out).toMatch(/folder not in the package: State/);
    expect(readReport(s.report)!.runs).toBe(2);
  });

  it('...but a stray program file (a version.dll beside OSDLaunch.exe) is still refused', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.writeFileSync(path.join(s.target, 'version.dll'), 'MZ planted');
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.VERIFY_FAILED);
    expect(r.out).toMatch(/not in the package: version\.dll/);
    expect(readReport(s.report)!.runs).toBe(1);
    // Windows names are case-insensitive, and so is the refusal: VERSION.DLL, Setup.Cmd
    fs.rmSync(path.join(s.target, 'version.dll'));
    for (const name of ['VERSION.DLL', 'Setup.Cmd']) {
      fs.writeFileSync(path.join(s.target, name), 'planted');
      expect(await mainWith({}, s.args('--', s.report, '0'), rt(s.dir)), name).toBe(ExitCode.VERIFY_FAILED);
      fs.rmSync(path.join(s.target, name));
    }
    expect(readReport(s.report)!.runs).toBe(1);
  });

  it('a package on removable media is copied, never moved, and the run says why', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    const code = await mainWith({ platform: { locate: () => ({ medium: 'removable' }) } }, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(0);
    expect(snapshot(s.source)).toEqual(before);
    expect(snapshot(s.target)).toEqual(before);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/Action: copy \(the source is on a removable drive: its files are left where they are\)/);
    expect(await mainWith({ platform: { locate: () => ({ medium: 'removable' }) } }, s.args('--mode', 'move', '--what-if'), rt(s.dir))).toBe(ExitCode.USAGE);
  });

  it('on POSIX the run says that nothing protects the staged files, instead of a Holding line', async () => {
    const s = scene();
    makePackage(s.source);
    expect(await mainWith({}, s.args('--', s.report, '0'), rt(s.dir))).toBe(0);
    const log = fs.readFileSync(s.log, 'utf8');
    expect(log).toMatch(/PackageSource is not protected from deletion: .*type="2"/);
    expect(log).not.toMatch(/Holding \d+ files/);
  });

  it('...and a package file that changed is still refused', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    fs.writeFileSync(path.join(s.target, 'OSDLaunch.log'), 'written by the launcher');
    fs.appendFileSync(path.join(s.target, 'readme.txt'), 'changed');
    expectExit(await zticache(s.args('--', s.report, '0')), ExitCode.VERIFY_FAILED);
    expect(readReport(s.report)!.runs).toBe(1);
  });
});

describe('planned before the first change', () => {
  it('a launcher named by its path in the source is launched from the target', async () => {
    const s = scene();
    makePackage(s.source);
    const original = snapshot(s.source);
    const r = await zticache([...s.args('--', s.report, '0').map((a) => (a === LAUNCHER ? path.join(s.source, LAUNCHER) : a))]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(new RegExp(`Launcher: ${escapeRegExp(path.join(s.target, LAUNCHER))}`));
    expect(readReport(s.report)!.cwd).toBe(s.target);
    expect(readReport(s.report)!.files).toEqual(original);
  });

  it('--log inside the package is refused before anything is written', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    const r = await zticache(s.args('--log', path.join(s.source, 'OSD', 'zticache.log')));
    expectExit(r, ExitCode.USAGE);
    expect(r.out).toMatch(/--log .*zticache\.log is inside the package/);
    expect(snapshot(s.source)).toEqual(before);
    expect(fs.existsSync(s.target)).toBe(false);
    // the refusal itself is logged, in the default log beside the target instead
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/--log .*zticache\.log is inside the package .*type="3"/);
  });

  it('--log inside the target is refused too: an old target is removed with what it holds', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--log', path.join(s.target, 'zticache.log')));
    expectExit(r, ExitCode.USAGE);
    expect(r.out).toMatch(/--log .*zticache\.log is inside the target/);
    expect(fs.existsSync(s.target)).toBe(false);
  });

  it('the files copied beside the running zticache.exe (its folder, kept) count in the free-space check; the exe itself, a hard link on one volume, does not', async () => {
    const s = scene();
    makePackage(s.source, { 'Tools/zticache.exe': Buffer.alloc(500_000, 1), 'Tools/helper.dll': Buffer.alloc(300_000, 2) });
    const exe = { packaged: true, execPath: path.join(s.source, 'Tools', 'zticache.exe') };
    const tight = { platform: { ...posixPlatform, freeBytes: () => 200_000 } };
    const args = ['--source', s.source, '--target', s.target, '--launch', LAUNCHER, ...s.stateArgs, '--', s.report, '0'];
    const before = snapshot(s.source);
    expect(await mainWith(tight, ['--what-if', ...args], rt(s.dir, exe))).toBe(ExitCode.NO_SPACE);
    expect(await mainWith(tight, args, rt(s.dir, exe))).toBe(ExitCode.NO_SPACE);
    expect(snapshot(s.source)).toEqual(before); // refused before the move, not after it
    // room for helper.dll's clusters, not for the exe's too
    expect(await mainWith({ platform: { ...posixPlatform, freeBytes: () => 400_000 } }, args, rt(s.dir, exe))).toBe(0);
    expect(fs.readdirSync(path.join(s.target, 'Tools')).sort()).toEqual(['helper.dll', 'zticache.exe']);
    expect(fs.statSync(path.join(s.target, 'Tools', 'zticache.exe')).ino).toBe(fs.statSync(path.join(s.source, 'Tools', 'zticache.exe')).ino);
  });

  it('a launcher missing at launch time is LAUNCH_FAILED, never a code borrowed from a shell', async () => {
    const s = scene();
    makePackage(s.source);
    const outside = path.join(s.dir, 'tools', 'OSDLaunch.sh');
    fs.mkdirSync(path.dirname(outside));
    fs.writeFileSync(outside, LAUNCHER_SOURCE, { mode: 0o755 });
    const realGuard = posixPlatform.guard;
    const vanishing = {
      ...posixPlatform,
      guard: { ...posixPlatform.guard, holdAll: (req: Parameters<typeof posixPlatform.guard.holdAll>[0]) => (fs.rmSync(outside), realGuard.holdAll(req)) },
    };
    const code = await mainWith({ platform: vanishing }, s.args('--launch', outside, '--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.LAUNCH_FAILED);
    expect(log(s)).toMatch(/the launcher .*OSDLaunch\.sh is missing at launch time; it was not started/);
  });
});
