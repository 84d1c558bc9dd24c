// Staging's file calls (src/stage/fs.ts) as they behave on their own: a copy never lands on an
// existing file, a flush works on read-only files and folders and holds nothing open afterwards,
// stat answers undefined for nothing there, exists sees a link without following it.
import fs from 'node:fs';
import { host } from '../../../src/core/host.js';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stageFs } from '../../../src/stage/fs.js';
import { makeTree, tempDir } from '../../helpers/fixtures.js';

afterEach(() => vi.restoreAllMocks());
const openFds = () => fs.readdirSync('/proc/self/fd').length;

describe('staging\'s file calls', () => {
  it('a copy never replaces a file that is there (COPYFILE_EXCL), sync or not', async () => {
    const d = tempDir('zti-sfs-');
    makeTree(d, { 'a.txt': 'new', 'b.txt': 'theirs' });
    await expect(stageFs.copyFile(path.join(d, 'a.txt'), path.join(d, 'b.txt'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(() => stageFs.copyFileSync(path.join(d, 'a.txt'), path.join(d, 'b.txt'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(path.join(d, 'b.txt'), 'utf8')).toBe('theirs');
    await stageFs.copyFile(path.join(d, 'a.txt'), path.join(d, 'c.txt'));
    stageFs.copyFileSync(path.join(d, 'a.txt'), path.join(d, 'e.txt'));
    expect(fs.readFileSync(path.join(d, 'c.txt'), 'utf8') + fs.readFileSync(path.join(d, 'e.txt'), 'utf8')).toBe('newnew');
    expect(host.copyKeepsTime).toBe(false); // libuv's POSIX copy does not carry the time over
    expect(fs.statSync(path.join(d, 'c.txt')).mtimeMs).not.toBe(0);
  });

  it('a flush opens for writing first, falls back to reading (a read-only file, a folder), and closes what it opened', async () => {
    const d = tempDir('zti-sfs-');
    makeTree(d, { 'rw.bin': 'x', 'ro.bin': 'y', 'sub/f': 'z' });
    fs.chmodSync(path.join(d, 'ro.bin'), 0o444);
    const opened: string[] = [];
    const real = fs.promises.open;
    vi.spyOn(fs.promises, 'open').mockImplementation(async (p, flags) => {
      opened.push(`${path.basename(String(p))} ${String(flags)}`);
      // as a non-root user sees a read-only file
      if (String(p).endsWith('ro.bin') && flags === 'r+') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return real(p, flags);
    });
    const before = openFds();
    await stageFs.fsync(path.join(d, 'rw.bin'));
    await stageFs.fsync(path.join(d, 'ro.bin'));
    await stageFs.fsync(path.join(d, 'sub'));
    await stageFs.fsync(path.join(d, 'absent'));
    expect(opened).toEqual(['rw.bin r+', 'ro.bin r+', 'ro.bin r', 'sub r+', 'sub r', 'absent r+', 'absent r']);
    expect(openFds()).toBe(before);
  });

  it('stat is undefined when nothing is there (a file where a folder was included) and throws anything else; exists sees a dangling link', async () => {
    const d = tempDir('zti-sfs-');
    makeTree(d, { 'f': 'x' });
    expect(await stageFs.stat(path.join(d, 'none'))).toBeUndefined();
    expect(stageFs.statSync(path.join(d, 'none'))).toBeUndefined();
    expect((await stageFs.stat(path.join(d, 'f')))!.size).toBe(1);
    // a package whose file f became a folder: f/below is not there, as on Windows (ERROR_DIRECTORY)
    expect(await stageFs.stat(path.join(d, 'f', 'below'))).toBeUndefined();
    expect(stageFs.statSync(path.join(d, 'f', 'below'))).toBeUndefined();
    await expect(stageFs.stat(path.join(d, 'x'.repeat(300)))).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    expect(() => stageFs.statSync(path.join(d, 'x'.repeat(300)))).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    fs.symlinkSync(path.join(d, 'nowhere'), path.join(d, 'dangling'));
    expect(stageFs.exists(path.join(d, 'dangling'))).toBe(true);
    expect(stageFs.exists(path.join(d, 'none'))).toBe(false);
  });

  it('mkdirp makes the missing parents; removeFile removes one file and minds no absence', () => {
    const d = tempDir('zti-sfs-');
    stageFs.mkdirp(path.join(d, 'a', 'b', 'c'));
    stageFs.mkdirp(path.join(d, 'a', 'b', 'c'));
    expect(fs.statSync(path.join(d, 'a', 'b', 'c')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(d, 'a', 'f'), 'x');
    stageFs.removeFile(path.join(d, 'a', 'f'));
    stageFs.removeFile(path.join(d, 'a', 'f'));
    expect(fs.readdirSync(path.join(d, 'a'))).toEqual(['b']);
  });

  it('times go onto the file, and are read back as the walk reads them, before 1970 and after 2106 too', async () => {
    const d = tempDir('zti-sfs-', '/dev/shm'); // tmpfs keeps any time; ext4 none before 1901
    makeTree(d, { 'f': 'x', 'g': 'y' });
    for (const iso of ['2007-06-01T12:00:00.000Z', '1969-12-31T23:59:59.000Z', '1601-01-01T00:00:00.000Z', '2200-01-01T00:00:00.000Z']) {
      const t = Date.parse(iso);
      stageFs.setModified(path.join(d, 'f'), t);
      expect(new Date(stageFs.statSync(path.join(d, 'f'))!.mtimeMs).toISOString()).toBe(iso);
      expect(new Date((await stageFs.stat(path.join(d, 'f')))!.mtimeMs).toISOString()).toBe(iso);
      expect(fs.statSync(path.join(d, 'f')).mtime.toISOString()).toBe(iso);
    }
    expect(stageFs.statSync(path.join(d, 'g'))).toMatchObject({ kind: 'file', size: 1 });
    expect(stageFs.statSync(d)).toMatchObject({ kind: 'dir' });
    fs.symlinkSync('g', path.join(d, 'l'));
    expect(stageFs.statSync(path.join(d, 'l'))).toMatchObject({ kind: 'link' });
    expect(stageFs.statSync(path.join(d, 'nothing'))).toBeUndefined();
    await stageFs.rename(path.join(d, 'f'), path.join(d, 'h'));
    expect(fs.readdirSync(d).sort()).toEqual(['g', 'h', 'l']);
  });
});
