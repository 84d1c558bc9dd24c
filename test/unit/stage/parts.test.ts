import { describe, expect, it, vi } from 'vitest';
import { removeTree } from '../../../src/stage/remove.js';
import { retryPolicy, TRANSIENT_ERRORS, TRANSIENT_RENAME_ERRORS, withRetry } from '../../../src/stage/retry.js';
import { Progress } from '../../../src/stage/progress.js';
import { formatDuration } from '../../../src/core/format.js';
import fs from 'node:fs';
import path from 'node:path';
import { memoryLog, tempDir, waitFor } from '../../helpers/fixtures.js';
import { decodeManifest, parseManifest } from '../../../src/plan/manifest.js';
import { forEachLimit } from '../../../src/core/pool.js';
import { posixNames, winNames } from '../../helpers/names.js';

const fast = { attempts: 4, baseMs: 1, maxMs: 4 };
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('retry', () => {
  it('retries transient errors and returns the first success', async () => {
    let calls = 0;
    const seen: number[] = [];
    const v = await withRetry(async () => {
      if (++calls < 3) throw errno('EIO');
      return 'ok';
    }, fast, (_e, attempt) => seen.push(attempt));
    expect(v).toBe('ok');
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
  });

  it('gives up after the last attempt, and at once on a non-transient error', async () => {
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw errno('EBUSY'); }, fast)).rejects.toThrow('EBUSY');
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw errno('ENOENT'); }, fast)).rejects.toThrow('ENOENT');
    expect(calls).toBe(1);
  });
});

describe('progress', () => {
  it('logs bytes, files, MB/s and ETA on every interval', async () => {
    const log = memoryLog();
    const p = new Progress('Copied', 10 * 1048576, 10, log, { intervalMs: 20 }).start();
    p.add(5 * 1048576, 5);
    await waitFor('two progress lines', () => log.lines.length >= 2);
    p.stop();
    expect(log.lines.length).toBeGreaterThanOrEqual(2);
    expect(log.lines[0]).toMatch(/^info: Copied 5\.00 MB of 10\.0 MB, 5 of 10 files, [\d.]+ MB\/s, ETA \d+:\d\d$/);
  });

  it('counts the bytes of a large file while it is being copied, not only when it is done', () => {
    const log = memoryLog();
    const dst = path.join(tempDir(), 'image.wim.partial');
    fs.writeFileSync(dst, Buffer.alloc(3 * 1048576));
    const p = new Progress('Copied', 10 * 1048576, 2, log, { intervalMs: 60_000 });
    p.begin(dst);
    expect(p.line()).toMatch(/^Copied 3\.00 MB of 10\.0 MB, 0 of 2 files/);
    fs.appendFileSync(dst, Buffer.alloc(1048576));
    expect(p.line()).toMatch(/^Copied 4\.00 MB of 10\.0 MB/);
    p.end(dst);
    p.add(4 * 1048576, 1);
    expect(p.line()).toMatch(/^Copied 4\.00 MB of 10\.0 MB, 1 of 2 files/);
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('manifest parsing', () => {
  const h = 'a'.repeat(64);
  it('reads sha256sum text and binary lines, CRLF, ./ and backslashes', () => {
    expect(parseManifest(`${h}  a.txt\r\n${h} *sub\\b.bin\n\n${'B'.repeat(64)}  ./c d.txt\n`, 'm', path.posix, posixNames)).toEqual([
      { hash: h, rel: 'a.txt' },
      { hash: h, rel: 'sub/b.bin' },
      { hash: 'b'.repeat(64), rel: 'c d.txt' },
    ]);
  });
  it("reads what Windows' own sha256sum writes for sub\\b.txt: an escaped line whose backslash is a separator", () => {
    const line = `\\${h}  sub\\\\b.txt\n`; // \<hash>  sub\\b.txt
    expect(parseManifest(line, 'm', path.win32, winNames)).toEqual([{ hash: h, rel: 'sub/b.txt' }]);
    // on POSIX the same line names one file whose name holds a backslash (sha256sum's round trip)
    expect(parseManifest(line, 'm', path.posix, posixNames)).toEqual([{ hash: h, rel: 'sub\\b.txt' }]);
    // hostile names stay refused when spelled that way
    expect(() => parseManifest(`\\${h}  ..\\\\evil\n`, 'm', path.win32, winNames)).toThrow(/outside the package/);
    expect(() => parseManifest(`\\${h}  \\\\\\\\srv\\\\x\n`, 'm', path.win32, winNames)).toThrow(/outside the package/);
    expect(() => parseManifest(`\\${h}  C:\\\\evil\n`, 'm', path.win32, winNames)).toThrow(/outside the package/);
  });
  it('UTF-16 with a byte-order mark (PowerShell 5\'s >) is read; without one it is refused with a plain message, never its NULs', () => {
    const text = `${h}  a.txt\r\n`;
    expect(parseManifest(decodeManifest(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'm'), 'm', path.win32, winNames)).toEqual([{ hash: h, rel: 'a.txt' }]);
    expect(parseManifest(decodeManifest(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]), 'm'), 'm', path.win32, winNames)).toEqual([{ hash: h, rel: 'a.txt' }]);
    expect(parseManifest(decodeManifest(Buffer.from(`\uFEFF${text}`, 'utf8'), 'm'), 'm', path.win32, winNames)).toEqual([{ hash: h, rel: 'a.txt' }]);
    expect(() => decodeManifest(Buffer.from(text, 'utf16le'), 'm')).toThrow(/holds NUL bytes: UTF-16 without a byte-order mark\? Save it as UTF-8/);
    let message = '';
    try {
      parseManifest('not\u0000a\u0007line', 'm', path.posix, posixNames);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('not\\u0000a\\u0007line');
    expect(message).not.toMatch(/[\u0000\u0007]/);
  });
  it('one file with two different hashes is refused before anything moves; the same line twice is one entry', () => {
    expect(() => parseManifest(`${h}  a.txt\n${'b'.repeat(64)}  A.TXT\n`, 'm', path.win32, winNames)).toThrow(/gives A\.TXT two different hashes \(lines 1 and 2\)/);
    expect(parseManifest(`${h}  a.txt\n${'b'.repeat(64)}  A.TXT\n`, 'm', path.posix, posixNames)).toHaveLength(2);
    expect(parseManifest(`${h}  a.txt\n${h} *a.txt\n`, 'm', path.posix, posixNames)).toEqual([{ hash: h, rel: 'a.txt' }]);
  });
  it('refuses malformed lines and paths outside the package', () => {
    expect(() => parseManifest('xyz  a.txt', 'm', path.posix, posixNames)).toThrow(/line 1/);
    expect(() => parseManifest(`${h}  ../evil`, 'm', path.posix, posixNames)).toThrow(/outside the package/);
    expect(() => parseManifest(`${h}  C:/evil`, 'm', path.posix, posixNames)).toThrow(/outside the package/);
  });
});

describe('bounded pool', () => {
  it('never runs more than the limit at once and stops on the first failure', async () => {
    let running = 0;
    let peak = 0;
    await forEachLimit([...Array(20).keys()], 3, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    expect(peak).toBe(3);
    const done: number[] = [];
    await expect(forEachLimit([1, 2, 3, 4, 5, 6], 1, async (n) => {
      if (n === 3) throw new Error('three');
      done.push(n);
    })).rejects.toThrow('three');
    expect(done).toEqual([1, 2]);
  });
});

describe('removing a tree', () => {
  it('a file that stays after its delete (Windows: held open with FILE_SHARE_DELETE) is named, not only its folder', async () => {
    const dir = tempDir();
    const old = path.join(dir, 'PackageSource');
    fs.mkdirSync(path.join(old, 'OSD', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(old, 'OSD', 'sub', 'held.log'), 'x');
    fs.writeFileSync(path.join(old, 'OSD', 'sub', 'other.txt'), 'y');
    const real = fs.unlinkSync;
    // a delete-pending file: the delete "succeeds", the name stays until its holder closes it
    const spy = vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (String(p).endsWith('held.log') ? undefined : real(p)));
    try {
      const err = await removeTree(old).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      expect(err?.code).toBe('ENOTEMPTY');
      expect(err?.path).toBe(path.join(old, 'OSD', 'sub', 'held.log'));
      expect(err?.message).toMatch(/sub is not empty: .*held\.log is still there/);
    } finally {
      spy.mockRestore();
    }
    expect(fs.existsSync(path.join(old, 'OSD', 'sub', 'other.txt'))).toBe(false);
  });
});

describe('the backoff', () => {
  it('doubles from the base up to the ceiling, and tells each retry with its delay', async () => {
    const delays: Array<[number, number]> = [];
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw errno('ETIMEDOUT'); }, { attempts: 5, baseMs: 1, maxMs: 4 }, (_e, attempt, delay) => delays.push([attempt, delay]))).rejects.toThrow('ETIMEDOUT');
    expect(calls).toBe(5);
    expect(delays).toEqual([[1, 1], [2, 2], [3, 4], [4, 4]]);
  });

  it('which errors pass: busy, again, timed out, reset, I/O, unknown; renames also access denied', async () => {
    for (const code of ['EBUSY', 'EAGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EIO', 'UNKNOWN']) expect(TRANSIENT_ERRORS.has(code), code).toBe(true);
    for (const code of ['ENOENT', 'ENOSPC', 'EPERM', 'EACCES', 'EEXIST']) expect(TRANSIENT_ERRORS.has(code), code).toBe(false);
    expect([...TRANSIENT_RENAME_ERRORS].sort()).toEqual([...TRANSIENT_ERRORS, 'EPERM', 'EACCES'].sort());
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw errno('EPERM'); }, fast, undefined, TRANSIENT_RENAME_ERRORS)).rejects.toThrow('EPERM');
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('no code'); }, fast)).rejects.toThrow('no code');
    expect(calls).toBe(1);
    expect(retryPolicy).toEqual({ attempts: 6, baseMs: 250, maxMs: 8000 });
  });
});
