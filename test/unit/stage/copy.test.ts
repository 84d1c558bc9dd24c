// The copy and its checks, called directly: what is copied, kept, replaced and retried, each
// failure's message naming the file, and the Windows way (CopyFileW keeps the time, so no source is
// asked before; the copies are checked afterwards by listing their folders) run on Linux by
// telling stageFs that its copy keeps the time, and carrying it over the way CopyFileW would.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { takeInventory, type FileEntry } from '../../../src/plan/inventory.js';
import { nodeWalk } from '../../../src/core/walk.js';
import { checkCopies, sameTime, stillInventoried } from '../../../src/stage/copy-check.js';
import { copyInventory, sourceGone, stageError, type CopyOptions } from '../../../src/stage/copy.js';
import { stageFs, type StageFs } from '../../../src/stage/fs.js';
import { retryPolicy } from '../../../src/stage/retry.js';
import { Progress } from '../../../src/stage/progress.js';
import { makeTree, memoryLog, snapshot, tempDir } from '../../helpers/fixtures.js';
import { copyKeepingTime, fault, realFs } from '../../helpers/seams.js';
import { POSIX_HOST, useHost } from '../../../src/core/host.js';

const p = path.posix;
const savedRetry = { ...retryPolicy };
afterEach(() => {
  Object.assign(stageFs, realFs);
  Object.assign(retryPolicy, savedRetry);
  useHost(POSIX_HOST);
});
/** Replaces some of staging's file calls until the test ends; copyKeepsTime: the host's copy keeps the time, as Windows' CopyFileW does (core/host.ts). */
const use = ({ copyKeepsTime, ...over }: Partial<StageFs> & { copyKeepsTime?: boolean }) => {
  if (copyKeepsTime !== undefined) useHost({ ...POSIX_HOST, copyKeepsTime });
  Object.assign(stageFs, over);
};

function setup(spec: Record<string, string | Buffer | null> = { 'a.txt': 'aaa', 'sub/b.txt': 'bb', 'sub/deep/c.txt': 'c', 'empty': null }) {
  const dir = tempDir('zti-copy-');
  const src = p.join(dir, 'src');
  const dst = p.join(dir, 'dst');
  makeTree(src, spec);
  const old = new Date('2007-06-01T12:00:00Z');
  const made = takeInventory(p, src);
  for (const rel of [...made.files.map((f) => f.rel), ...made.dirs.reverse(), '']) fs.utimesSync(p.join(src, rel), old, old);
  const log = memoryLog();
  const opts: CopyOptions = { p, log, parallel: 2, walk: nodeWalk };
  return { dir, src, dst, log, opts, inv: () => takeInventory(p, src), old };
}

async function failure(run: Promise<unknown> | (() => unknown)): Promise<ZtiError> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (err) {
    return err as ZtiError;
  }
  throw new Error('it did not fail');
}

describe('copying an inventory', () => {
  it('copies every file and folder with its times, and counts them', async () => {
    const s = setup();
    const r = await copyInventory(s.src, s.dst, s.inv(), s.opts);
    expect(r).toMatchObject({ copied: 3, skipped: 0, bytes: 6 });
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
    for (const rel of ['a.txt', 'sub/deep/c.txt', 'sub', 'sub/deep', 'empty']) {
      expect(fs.statSync(p.join(s.dst, rel)).mtime.toISOString(), rel).toBe(s.old.toISOString());
    }
    expect(s.log.lines).toEqual([]);
  });

  it('a complete copy is kept, a different one replaced, never written over in place', async () => {
    const s = setup();
    const inv = s.inv();
    await copyInventory(s.src, s.dst, inv, s.opts);
    const keptIno = fs.statSync(p.join(s.dst, 'a.txt')).ino;
    fs.writeFileSync(p.join(s.dst, 'sub/b.txt'), 'half');
    fs.rmSync(p.join(s.dst, 'sub/deep/c.txt'));
    const r = await copyInventory(s.src, s.dst, inv, s.opts);
    expect(r).toMatchObject({ copied: 2, skipped: 1, bytes: 3 });
    expect([...r.complete]).toEqual(['a.txt']); // the earlier run's file, said apart from this run's copies
    expect(fs.statSync(p.join(s.dst, 'a.txt')).ino).toBe(keptIno);
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
    // same size, another time: not complete
    fs.utimesSync(p.join(s.dst, 'a.txt'), new Date(), new Date());
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 1, skipped: 2, bytes: 3 });
    // same time, another size: not complete either
    fs.writeFileSync(p.join(s.dst, 'a.txt'), 'aaaa');
    fs.utimesSync(p.join(s.dst, 'a.txt'), s.old, s.old);
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 1, skipped: 2, bytes: 3 });
    expect(fs.readFileSync(p.join(s.dst, 'a.txt'), 'utf8')).toBe('aaa');
  });

  it('an existing entry that a lookup finds under another name (an 8.3 alias, another case) is neither kept nor removed, small or large', async () => {
    for (const spec of [{ 'a.txt': 'aaa', 'LONGNAME.txt': 'long' }, { 'a.txt': Buffer.alloc(1 << 20, 1), 'LONGNAME.txt': 'long' }]) {
      const s = setup(spec);
      const inv = s.inv();
      await copyInventory(s.src, s.dst, inv, s.opts);
      const asked = p.join(s.dst, 'a.txt');
      fs.writeFileSync(asked, 'half'); // something is there, as a leftover would be
      // as NTFS would answer a lookup of a.txt if it were LONGNAME.txt's alias
      use({ realName: (x) => (x === asked ? 'LONGNAME.txt' : realFs.realName(x)) });
      const e = await failure(copyInventory(s.src, s.dst, inv, s.opts));
      expect(e).toMatchObject({ exitCode: ExitCode.STAGE_FAILED, path: asked });
      expect(e.message).toBe(`in ${s.dst} the name a.txt finds LONGNAME.txt (an 8.3 short name or another case of it); it was neither copied over nor deleted. Rename one of them in the package on the distribution point, then run zticache again`);
      expect(fs.readFileSync(asked, 'utf8')).toBe('half');
      // an entry that is not the package's: no rename of the package helps, the way to start over is named
      use({ realName: (x) => (x === asked ? 'STRAY~1.TXT' : realFs.realName(x)) });
      const stray = await failure(copyInventory(s.src, s.dst, inv, { ...s.opts, startOver: 'START OVER' }));
      expect(stray.message).toBe(`in ${s.dst} the name a.txt finds STRAY~1.TXT (an 8.3 short name or another case of it); it was neither copied over nor deleted. It is not the package's: START OVER`);
      expect((await failure(copyInventory(s.src, s.dst, inv, s.opts))).message).toMatch(/It is not the package's: delete it from the target, then run zticache again$/);
      Object.assign(stageFs, realFs);
    }
  });

  it('large files go through the pool: copied, kept when complete, replaced when not', async () => {
    const s = setup({ 'big.wim': Buffer.alloc(1 << 20, 3), 'small.txt': 'x' });
    const inv = s.inv();
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 2, skipped: 0, bytes: (1 << 20) + 1 });
    expect(fs.statSync(p.join(s.dst, 'big.wim')).mtime.toISOString()).toBe(s.old.toISOString());
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 0, skipped: 2, bytes: 0 });
    fs.truncateSync(p.join(s.dst, 'big.wim'), 10);
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 1, skipped: 1, bytes: 1 << 20 });
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
    // same time, another size
    fs.truncateSync(p.join(s.dst, 'big.wim'), 10);
    fs.utimesSync(p.join(s.dst, 'big.wim'), s.old, s.old);
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 1, skipped: 1, bytes: 1 << 20 });
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
  });

  it('a large copy counts in the progress while it runs, and only once when done; a failing source stat is retried and told', async () => {
    const s = setup({ 'big.wim': Buffer.alloc(1 << 20, 3) });
    Object.assign(retryPolicy, { attempts: 3, baseMs: 1, maxMs: 1 });
    let statFails = 1;
    use({ stat: async (x) => { if (x.endsWith('big.wim') && x.startsWith(s.src) && statFails-- > 0) throw fault('EIO'); return realFs.stat(x); } });
    const progress = new Progress('Copied', 1 << 20, 1, s.log, { intervalMs: 60_000 });
    const r = await copyInventory(s.src, s.dst, s.inv(), { ...s.opts, progress });
    expect(r.copied).toBe(1);
    expect(progress.line()).toMatch(/^Copied 1\.00 MB of 1\.00 MB, 1 of 1 files/);
    expect(s.log.lines).toEqual([`warn: reading ${p.join(s.src, 'big.wim')}: EIO (try 1 of 3), retrying in 1 ms`]);
  });

  it('a transient error on a small file sends it to the retrying path; the warning says so', async () => {
    const s = setup();
    Object.assign(retryPolicy, { attempts: 3, baseMs: 1, maxMs: 1 });
    let syncFails = 1;
    let asyncFails = 1;
    use({
      copyFileSync: (a, b) => (syncFails-- > 0 && a.endsWith('a.txt') ? (() => { throw fault('EBUSY'); })() : realFs.copyFileSync(a, b)),
      copyFile: async (a, b) => {
        if (asyncFails-- > 0) {
          fs.writeFileSync(b, 'partial'); // a failed attempt leaves part of the file
          throw fault('EIO');
        }
        return realFs.copyFile(a, b);
      },
    });
    const r = await copyInventory(s.src, s.dst, s.inv(), s.opts);
    expect(r).toMatchObject({ copied: 3, skipped: 0, bytes: 6 });
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
    expect(s.log.lines).toEqual([
      `warn: copying ${p.join(s.src, 'a.txt')}: EBUSY, retrying after the other files`,
      `warn: copying ${p.join(s.src, 'a.txt')}: EIO (try 1 of 3), retrying in 1 ms`,
    ]);
  });

  it('a failure that does not pass names the file, from which to which', async () => {
    const s = setup();
    use({ copyFileSync: () => { throw Object.assign(fault('ENOSPC'), { path: '/deep/file' }); } });
    const e = await failure(copyInventory(s.src, s.dst, s.inv(), s.opts));
    expect(e).toBeInstanceOf(ZtiError);
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.message).toBe(`cannot copy ${p.join(s.src, 'a.txt')} to ${p.join(s.dst, 'a.txt')} at /deep/file`);
    expect(e.path).toBe('/deep/file');
    expect(e.syscallCode).toBe('ENOSPC');
  });

  it('a source changed after the inventory is an error with the way out, before and after a large copy', async () => {
    const s = setup({ 'a.txt': 'aaa', 'big.wim': Buffer.alloc(1 << 20) });
    const inv = s.inv();
    fs.writeFileSync(p.join(s.src, 'a.txt'), 'aaaa');
    const e = await failure(copyInventory(s.src, s.dst, inv, { ...s.opts, whenChanged: 'do this' }));
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.message).toMatch(new RegExp(`^${p.join(s.src, 'a.txt')} changed after it was inventoried \\(3 bytes, modified 2007-06-01T12:00:00.000Z then; 4 bytes, modified \\S+ now\\): do this$`));
    const t = setup({ 'big.wim': Buffer.alloc(1 << 20) });
    const big = t.inv();
    // refreshed while its copy ran: asked again after the copy
    use({ copyFile: async (a, b) => { await realFs.copyFile(a, b); fs.utimesSync(a, new Date(), new Date()); } });
    const f = await failure(copyInventory(t.src, t.dst, big, t.opts));
    expect(f.message).toContain('changed after it was inventoried');
    expect(f.message).toMatch(/: run zticache again, a copy restarts from a fresh inventory of the source$/);
  });

  it('a source file removed, or the whole source gone, is said in those words', async () => {
    const s = setup();
    const inv = s.inv();
    fs.rmSync(p.join(s.src, 'sub/b.txt'));
    expect((await failure(copyInventory(s.src, s.dst, inv, s.opts))).message).toBe(`${p.join(s.src, 'sub/b.txt')} was removed from the source after it was inventoried: run zticache again, a copy restarts from a fresh inventory of the source`);
    fs.rmSync(s.src, { recursive: true });
    expect((await failure(copyInventory(s.src, p.join(s.dir, 'dst2'), inv, s.opts))).message).toBe(`the source folder ${s.src} vanished during staging: run zticache again, a copy restarts from a fresh inventory of the source`);
    const big = setup({ 'big.wim': Buffer.alloc(1 << 20) });
    const bigInv = big.inv();
    fs.rmSync(p.join(big.src, 'big.wim'));
    expect((await failure(copyInventory(big.src, big.dst, bigInv, big.opts))).message).toBe(`${p.join(big.src, 'big.wim')} was removed from the source after it was inventoried: run zticache again, a copy restarts from a fresh inventory of the source`);
  });
});

describe('the Windows way: no source asked before the copy, the copies checked by listing', () => {
  it('fresh copies cost no stat of the source, and come out checked', async () => {
    const s = setup({ 'a.txt': 'aaa', 'sub/b.txt': 'bb', 'big.wim': Buffer.alloc(1 << 20) });
    const inv = s.inv();
    const stats: string[] = [];
    use({ copyKeepsTime: true, copyFileSync: copyKeepingTime, copyFile: async (a, b) => copyKeepingTime(a, b), statSync: (x) => (stats.push(x), realFs.statSync(x)), stat: async (x) => (stats.push(x), realFs.stat(x)), setModified: () => { throw new Error('no time is set on Windows'); } });
    expect(await copyInventory(s.src, s.dst, inv, s.opts)).toMatchObject({ copied: 3, skipped: 0, bytes: 5 + (1 << 20) });
    // the large file's source is asked (its pool path checks it first); small ones are not; folders' times are set at the end
    expect(stats.filter((x) => x.endsWith('.txt'))).toEqual([]);
    expect(snapshot(s.dst)).toEqual(snapshot(s.src));
  });

  it('a copy that did not keep the time, of an unchanged source, gets the time set; the log counts them', async () => {
    const s = setup();
    use({ copyKeepsTime: true });
    expect(await copyInventory(s.src, s.dst, s.inv(), s.opts)).toMatchObject({ copied: 3, skipped: 0, bytes: 6 });
    expect(fs.statSync(p.join(s.dst, 'sub/deep/c.txt')).mtime.toISOString()).toBe(s.old.toISOString());
    expect(s.log.lines).toEqual(['warn: 3 copies did not keep their source\'s last-write time; it was set afterwards (a stat and a time change each)']);
  });

  it('a large source changed while it was copied shows in the check too', async () => {
    const s = setup({ 'big.wim': Buffer.alloc(1 << 20, 1) });
    const inv = s.inv();
    use({ copyKeepsTime: true, copyFile: async (a, b) => { fs.appendFileSync(a, '!'); copyKeepingTime(a, b); } });
    const e = await failure(copyInventory(s.src, s.dst, inv, s.opts));
    expect(e.message).toMatch(/big\.wim changed after it was inventoried/);
  });

  it('a source changed while it was copied shows in the check', async () => {
    const s = setup();
    const inv = s.inv();
    use({ copyKeepsTime: true, copyFileSync: (a, b) => { fs.appendFileSync(a, '!'); copyKeepingTime(a, b); } });
    const e = await failure(copyInventory(s.src, s.dst, inv, s.opts));
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.message).toMatch(/changed after it was inventoried \(\d bytes, .* then; \d bytes, .* now\)/);
  });
});

describe('checking copies against the inventory', () => {
  const entry = (rel: string, size: number, mtimeMs: number): FileEntry => ({ rel, size, mtimeMs });

  function copied() {
    const s = setup();
    fs.cpSync(s.src, s.dst, { recursive: true, preserveTimestamps: true });
    return { ...s, files: s.inv().files };
  }

  it('complete copies pass without a word', () => {
    const s = copied();
    checkCopies(s.src, s.dst, s.files, s.opts);
    expect(s.log.lines).toEqual([]);
  });

  it('a copy missing right after it was copied is reported by the check itself, naming it', async () => {
    const s = copied();
    fs.rmSync(p.join(s.dst, 'sub/deep/c.txt'));
    const e = await failure(() => checkCopies(s.src, s.dst, s.files, s.opts));
    expect(e).toBeInstanceOf(ZtiError);
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.message).toBe(`${p.join(s.dst, 'sub/deep/c.txt')} is missing right after it was copied`);
    expect(e.path).toBe(p.join(s.dst, 'sub/deep/c.txt'));
    // at the top too
    const t = copied();
    fs.rmSync(p.join(t.dst, 'a.txt'));
    expect((await failure(() => checkCopies(t.src, t.dst, t.files, t.opts))).message).toBe(`${p.join(t.dst, 'a.txt')} is missing right after it was copied`);
  });

  it('a folder where a copy should be is not a file', async () => {
    const s = copied();
    fs.rmSync(p.join(s.dst, 'a.txt'));
    fs.mkdirSync(p.join(s.dst, 'a.txt'));
    const e = await failure(() => checkCopies(s.src, s.dst, s.files, s.opts));
    expect(e.message).toBe(`${p.join(s.src, 'a.txt')} changed after it was inventoried (3 bytes, modified 2007-06-01T12:00:00.000Z then; not a file now): run zticache again, a copy restarts from a fresh inventory of the source`);
  });

  it('a copy of another size from an unchanged source is named, with both sizes', async () => {
    const s = copied();
    fs.writeFileSync(p.join(s.dst, 'sub/b.txt'), 'longer');
    const e = await failure(() => checkCopies(s.src, s.dst, s.files, s.opts));
    expect(e.message).toBe(`the copy ${p.join(s.dst, 'sub/b.txt')} came out 6 bytes, its unchanged source ${p.join(s.src, 'sub/b.txt')} has 2: run zticache again, the file is copied again`);
    expect(e.path).toBe(p.join(s.dst, 'sub/b.txt'));
  });

  it('other files in the folders are not its business', () => {
    const s = copied();
    fs.writeFileSync(p.join(s.dst, 'sub/extra.log'), 'x');
    checkCopies(s.src, s.dst, s.files.filter((f) => f.rel !== 'a.txt'), s.opts);
    expect(s.log.lines).toEqual([]);
  });

  it('same time means the same millisecond', () => {
    expect(sameTime(1000, 1000.9)).toBe(true);
    expect(sameTime(1000, 1001)).toBe(false);
    expect(sameTime(1001, 1000)).toBe(false);
    expect(() => stillInventoried('/x', entry('x', 1, 1000), undefined, undefined)).toThrow(expect.objectContaining({ code: 'ENOENT', path: '/x', message: "ENOENT: no such file, stat '/x'" }));
    let changed: ZtiError | undefined;
    try {
      stillInventoried('/x', entry('x', 1, 1000), { kind: 'file', size: 2, mtimeMs: 1000 }, 'the way out');
    } catch (err) {
      changed = err as ZtiError;
    }
    expect(changed).toMatchObject({ path: '/x', exitCode: ExitCode.STAGE_FAILED, message: expect.stringMatching(/: the way out$/) });
    expect(() => stillInventoried('/x', entry('x', 1, 1000), { kind: 'file', size: 1, mtimeMs: 1000.5 }, undefined)).not.toThrow();
    expect(() => stillInventoried('/x', entry('x', 1, 1000), { kind: 'file', size: 2, mtimeMs: 1000 }, undefined)).toThrow(/changed after it was inventoried/);
    // a link or a folder where the file was is not the file, whatever its size and time
    expect(() => stillInventoried('/x', entry('x', 1, 1000), { kind: 'link', size: 1, mtimeMs: 1000 }, undefined)).toThrow(/changed after it was inventoried \(1 bytes, modified 1970-01-01T00:00:01.000Z then; not a file now\)/);
  });
});

describe('naming a failure', () => {
  it('stageError keeps a ZtiError, and names the file the call failed on when it is another', () => {
    const z = new ZtiError(ExitCode.NO_SPACE, 'x');
    expect(stageError(z, 'm', '/a')).toBe(z);
    const e = stageError(Object.assign(fault('EACCES'), { path: '/a/b/c' }), 'cannot remove /a', '/a');
    expect(e.message).toBe('cannot remove /a at /a/b/c');
    expect(e.path).toBe('/a/b/c');
    const same = stageError(Object.assign(fault('EACCES'), { path: '/a' }), 'cannot remove /a', '/a');
    expect(same.message).toBe('cannot remove /a');
    const bare = stageError(new Error('odd'), 'cannot remove /a', '/a');
    expect(bare).toMatchObject({ message: 'cannot remove /a', path: '/a', exitCode: ExitCode.STAGE_FAILED, syscallCode: undefined });
    expect(stageError(undefined, 'm', '/a').path).toBe('/a');
  });

  it('sourceGone explains only ENOENT, and only when the file or the source is really gone', () => {
    const s = setup();
    const file = p.join(s.src, 'a.txt');
    expect(sourceGone(s.src, file, fault('EIO'))).toBeUndefined();
    expect(sourceGone(s.src, file, fault('ENOENT'))).toBeUndefined(); // it is there: some other ENOENT
    fs.rmSync(file);
    expect(sourceGone(s.src, file, fault('EIO'))).toBeUndefined(); // gone, but that is not what failed
    expect(sourceGone(s.src, file, fault('ENOENT'))).toMatchObject({ path: file, exitCode: ExitCode.STAGE_FAILED, message: `${file} was removed from the source after it was inventoried: run zticache again, a copy restarts from a fresh inventory of the source` });
    expect(sourceGone(s.src, file, fault('ENOENT'), 'START OVER')?.message).toBe(`${file} was removed from the source after it was inventoried: START OVER`);
    fs.rmSync(s.src, { recursive: true });
    expect(sourceGone(s.src, file, fault('ENOENT'))).toMatchObject({ path: s.src, message: `the source folder ${s.src} vanished during staging: run zticache again, a copy restarts from a fresh inventory of the source` });
  });
});
