// zticache.exe beside the package (stage/own-copy.ts), each case of what the target and the cache
// folder hold: the same file or the same bytes stay; another build, another size or a link is
// replaced; a folder or a device is refused and never removed; a volume that refuses the link gets
// a copy with the cached file's time; nothing in the cache folder and nothing in the target warns.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { ZtiError } from '../../../src/core/errors.js';
import { stageFs, type StageFs } from '../../../src/stage/fs.js';
import { placeOwnCopy } from '../../../src/stage/own-copy.js';
import { memoryLog, tempDir } from '../../helpers/fixtures.js';
import { realFs } from '../../helpers/seams.js';

afterEach(() => {
  Object.assign(stageFs, realFs);
});
const use = (over: Partial<StageFs>) => Object.assign(stageFs, over);
const T = new Date('2003-04-05T06:07:08Z');

/** a cache folder holding zticache.exe (and Tools\zticache.exe) and an empty target */
function setup(exe = 'MZ build one') {
  const dir = tempDir();
  const source = path.join(dir, 'cache');
  const target = path.join(dir, 'PackageSource');
  fs.mkdirSync(path.join(source, 'Tools'), { recursive: true });
  fs.mkdirSync(path.join(target, 'Tools'), { recursive: true });
  for (const rel of ['zticache.exe', 'Tools/zticache.exe']) {
    fs.writeFileSync(path.join(source, rel), exe);
    fs.utimesSync(path.join(source, rel), T, T);
  }
  const log = memoryLog();
  const place = (rel = 'zticache.exe') => placeOwnCopy(source, target, rel, { p: path, log });
  return { source, target, log, place, src: path.join(source, 'zticache.exe'), dst: path.join(target, 'zticache.exe') };
}
const ino = (f: string) => fs.statSync(f).ino;
const thrown = async (p: Promise<unknown>): Promise<ZtiError> => {
  try {
    await p;
  } catch (err) {
    return err as ZtiError;
  }
  throw new Error('did not throw');
};

describe('placeOwnCopy', () => {
  it('links the cached exe at its own place, in a subfolder too, and says so', async () => {
    const s = setup();
    expect(await s.place()).toBe('linked');
    expect(ino(s.dst)).toBe(ino(s.src));
    expect(s.log.lines).toContain(`info: Put ${s.dst} beside the package: a hard link to ${s.src} (no bytes copied)`);
    expect(await s.place('Tools/zticache.exe')).toBe('linked');
    expect(ino(path.join(s.target, 'Tools', 'zticache.exe'))).toBe(ino(path.join(s.source, 'Tools', 'zticache.exe')));
  });

  it('leaves the same file, and a copy of the same bytes, as they are', async () => {
    const s = setup();
    await s.place();
    let removed = 0;
    use({ removeFile: (f) => { removed++; realFs.removeFile(f); } });
    expect(await s.place()).toBe('kept');
    // a copy (another volume, an earlier run): same size, time and bytes
    fs.rmSync(s.dst);
    fs.copyFileSync(s.src, s.dst);
    fs.utimesSync(s.dst, T, T);
    const copy = ino(s.dst);
    expect(await s.place()).toBe('kept');
    expect(ino(s.dst)).toBe(copy);
    expect(removed).toBe(0);
  });

  it('replaces another build: other bytes of the same size and time, another size, another time, a link', async () => {
    for (const [what, make] of [
      ['same size and time, other bytes', (d: string) => { fs.writeFileSync(d, 'MZ build two'); fs.utimesSync(d, T, T); }],
      ['another size', (d: string) => { fs.writeFileSync(d, 'MZ a longer build'); fs.utimesSync(d, T, T); }],
      ['another time', (d: string) => { fs.writeFileSync(d, 'MZ build one'); }],
      ['a symbolic link', (d: string) => fs.symlinkSync(path.join(path.dirname(d), 'elsewhere.bin'), d)],
    ] as const) {
      const s = setup();
      fs.writeFileSync(path.join(s.target, 'elsewhere.bin'), 'not touched');
      make(s.dst);
      expect(await s.place(), what).toBe('linked');
      expect(ino(s.dst), what).toBe(ino(s.src));
      expect(fs.readFileSync(path.join(s.target, 'elsewhere.bin'), 'utf8'), what).toBe('not touched');
    }
  });

  it('compares the bytes of a big build all through (a difference after the first megabyte), and leaves no file open', async () => {
    const big = Buffer.alloc(3 * 2 ** 20 + 5, 7);
    const s = setup();
    fs.writeFileSync(s.src, big);
    fs.utimesSync(s.src, T, T);
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    // a copy of the same bytes stays (every chunk compared, to the end)
    fs.writeFileSync(s.dst, big);
    fs.utimesSync(s.dst, T, T);
    const copy = ino(s.dst);
    expect(await s.place()).toBe('kept');
    expect(ino(s.dst)).toBe(copy);
    // one byte other in the third megabyte: another build
    const other = Buffer.from(big);
    other[2 * 2 ** 20 + 3] = 8;
    fs.rmSync(s.dst);
    fs.writeFileSync(s.dst, other);
    fs.utimesSync(s.dst, T, T);
    expect(await s.place()).toBe('linked');
    expect(ino(s.dst)).toBe(ino(s.src));
    expect(fds()).toBe(before);
  });

  it('refuses a folder or a device where zticache.exe goes, and removes nothing', async () => {
    const s = setup();
    fs.mkdirSync(s.dst);
    fs.writeFileSync(path.join(s.dst, 'action.log'), 'kept');
    const e = await thrown(s.place());
    expect(e).toBeInstanceOf(ZtiError);
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.path).toBe(s.dst);
    expect(e.message).toBe(`${s.dst} is a folder, where zticache puts its own zticache.exe beside the package; zticache removes only what it made: remove it yourself, then run zticache again`);
    expect(fs.readFileSync(path.join(s.dst, 'action.log'), 'utf8')).toBe('kept');
    fs.rmSync(s.dst, { recursive: true });
    execFileSync('mkfifo', [s.dst]);
    const f = await thrown(s.place());
    expect(f.message).toBe(`${s.dst} is neither a file nor a folder, where zticache puts its own zticache.exe beside the package; zticache removes only what it made: remove it yourself, then run zticache again`);
    expect(fs.lstatSync(s.dst).isFIFO()).toBe(true);
  });

  it('copies, with the cached time, where the volume refuses the link', async () => {
    const s = setup();
    use({ link: () => { throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' }); } });
    expect(await s.place()).toBe('copied');
    expect(ino(s.dst)).not.toBe(ino(s.src));
    expect(fs.readFileSync(s.dst, 'utf8')).toBe('MZ build one');
    expect(fs.statSync(s.dst).mtimeMs).toBe(T.getTime());
    expect(s.log.lines).toContain(`info: Put ${s.dst} beside the package: a copy of ${s.src} (12 B; another volume)`);
  });

  it('a failure to put it there is STAGE_FAILED naming the file, with its cause; EEXIST (someone put one there meanwhile) is not copied over', async () => {
    const s = setup();
    const eexist = Object.assign(new Error('exists'), { code: 'EEXIST' });
    let copied = 0;
    use({ link: () => { throw eexist; }, copyFileSync: (a, b) => { copied++; realFs.copyFileSync(a, b); } });
    const e = await thrown(s.place());
    expect(e.exitCode).toBe(ExitCode.STAGE_FAILED);
    expect(e.path).toBe(s.dst);
    expect(e.cause).toBe(eexist);
    expect(e.message).toBe(`putting zticache.exe into the target failed: ${s.dst}; the package itself is staged: run again`);
    expect(copied).toBe(0);
  });

  it('with nothing in the cache folder: the target\'s one is kept; with none anywhere, a warning and no failure', async () => {
    const s = setup();
    await s.place();
    fs.rmSync(s.src);
    expect(await s.place()).toBe('kept');
    expect(fs.readFileSync(s.dst, 'utf8')).toBe('MZ build one');
    fs.rmSync(s.dst);
    expect(await s.place()).toBeUndefined();
    expect(s.log.lines).toContain(`warn: ${s.src} is gone and ${s.dst} is not there: a custom action that lists zticache.exe as a required file will not find it in ${s.target}`);
  });
});
