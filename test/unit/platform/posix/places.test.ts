// Places others can write (src/places/): what was checked is what is used. Each swap below is made
// at the moment the check-then-use-by-name code loses: between opening a folder and using it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { idOf } from '../../../../src/state/identity.js';
import { posixPlaces, type PosixFolder } from '../../../../src/platform/posix/places.js';
import { splitWindowsPath } from '../../../../src/platform/win32/places.js';
import { mountTmpfs, needs, tempDir } from '../../../helpers/fixtures.js';
import { placeRefusal } from '../../../helpers/seams.js';

describe('places on POSIX: by handle, never by name', () => {
  it('a folder swapped for a link after it was opened: the file still lands in the folder that was opened', () => {
    const d = tempDir();
    const decoy = path.join(d, 'decoy');
    fs.mkdirSync(path.join(decoy, 'OSDLOGS'), { recursive: true });
    const held = posixPlaces.openFolder(path.join(d, 'MININT', 'SMSOSD', 'OSDLOGS'), { create: true });
    expect(held.created).toBe(true);
    // the user who owns MININT moves SMSOSD away and puts a link in its place
    fs.renameSync(path.join(d, 'MININT', 'SMSOSD'), path.join(d, 'MININT', 'moved'));
    fs.symlinkSync(decoy, path.join(d, 'MININT', 'SMSOSD'));
    const f = held.appendFile('ZTICache.log');
    f.write('line\n');
    f.close();
    held.release();
    expect(fs.readdirSync(path.join(decoy, 'OSDLOGS'))).toEqual([]);
    expect(fs.readFileSync(path.join(d, 'MININT', 'moved', 'OSDLOGS', 'ZTICache.log'), 'utf8')).toBe('line\n');
  });

  it('a link anywhere on the way is refused, naming it; nothing is created through it', () => {
    const d = tempDir();
    const decoy = path.join(d, 'decoy');
    fs.mkdirSync(decoy);
    fs.mkdirSync(path.join(d, 'MININT'));
    fs.symlinkSync(decoy, path.join(d, 'MININT', 'SMSOSD'));
    const err = placeRefusal(() => posixPlaces.openFolder(path.join(d, 'MININT', 'SMSOSD', 'OSDLOGS'), { create: true }));
    expect(err.code).toBe('ELOOP');
    expect(err.path).toBe(path.join(d, 'MININT', 'SMSOSD'));
    expect(err.message).toMatch(/SMSOSD is a symbolic link or junction/);
    expect(fs.readdirSync(decoy)).toEqual([]);
  });

  it('a link named like the file is refused (O_NOFOLLOW), and what it points to is untouched', () => {
    const d = tempDir();
    const precious = path.join(d, 'precious');
    fs.writeFileSync(precious, 'root only');
    fs.symlinkSync(precious, path.join(d, 'ZTICache.log'));
    const held = posixPlaces.openFolder(d);
    expect(placeRefusal(() => held.appendFile('ZTICache.log')).code).toBe('ELOOP');
    // a dangling link must not create its target either
    fs.symlinkSync(path.join(d, 'created-through-link'), path.join(d, 'dangling.log'));
    expect(placeRefusal(() => held.appendFile('dangling.log')).code).toBe('ELOOP');
    held.release();
    expect(fs.readFileSync(precious, 'utf8')).toBe('root only');
    expect(fs.existsSync(path.join(d, 'created-through-link'))).toBe(false);
  });

  it('a hard link to another file is refused before a byte is written to it', () => {
    const d = tempDir();
    const precious = path.join(d, 'precious');
    fs.writeFileSync(precious, 'root only');
    fs.linkSync(precious, path.join(d, 'ZTICache.log'));
    const held = posixPlaces.openFolder(d);
    const err = placeRefusal(() => held.appendFile('ZTICache.log'));
    held.release();
    expect(err.code).toBe('EMLINK');
    expect(err.message).toMatch(/has other names \(hard links\)/);
    expect(fs.readFileSync(precious, 'utf8')).toBe('root only');
  });

  it('a FIFO named like the file is refused at once, not waited on', () => {
    const d = tempDir();
    const fifo = path.join(d, 'ZTICache.log');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
    const held = posixPlaces.openFolder(d);
    expect(placeRefusal(() => held.appendFile('ZTICache.log')).code).toBe('EFTYPE');
    // with a reader on it the open succeeds; what was opened is still not a file
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const e = placeRefusal(() => held.rewriteFile('ZTICache.log', Buffer.from('x')));
      expect([e.code, e.message]).toEqual(['EFTYPE', `${fifo} is not a regular file`]);
    } finally {
      fs.closeSync(reader);
    }
    held.release();
  });

  it('replaceFile: whole or not at all, in the folder that was opened, never through a link; the mode as asked', () => {
    const d = tempDir();
    const held = posixPlaces.openFolder(path.join(d, 'state'), { create: true });
    const fds = fs.readdirSync('/proc/self/fd').length;
    held.replaceFile('last-run.json', Buffer.from('{"one":1}'), 'users-read');
    expect(fs.readdirSync('/proc/self/fd').length).toBe(fds); // the file written aside is closed
    // the folder moved away and a link put in its place: the file still goes where the handle is
    fs.renameSync(path.join(d, 'state'), path.join(d, 'moved'));
    fs.mkdirSync(path.join(d, 'decoy'));
    fs.symlinkSync(path.join(d, 'decoy'), path.join(d, 'state'));
    held.replaceFile('last-run.json', Buffer.from('{"two":2}'), 'users-read');
    held.replaceFile('private.json', Buffer.from('p'));
    expect(fs.readdirSync(path.join(d, 'decoy'))).toEqual([]);
    expect(fs.readdirSync(path.join(d, 'moved')).sort()).toEqual(['last-run.json', 'private.json']); // nothing left aside
    expect(fs.readFileSync(path.join(d, 'moved', 'last-run.json'), 'utf8')).toBe('{"two":2}');
    expect(fs.statSync(path.join(d, 'moved', 'last-run.json')).mode & 0o777).toBe(0o644);
    expect(fs.statSync(path.join(d, 'moved', 'private.json')).mode & 0o777).toBe(0o600);
    // a link by that name is replaced as itself, what it points to untouched; a folder by that name is refused
    fs.writeFileSync(path.join(d, 'elsewhere'), 'keep');
    fs.symlinkSync(path.join(d, 'elsewhere'), path.join(d, 'moved', 'linked.json'));
    held.replaceFile('linked.json', Buffer.from('mine'));
    expect(fs.readFileSync(path.join(d, 'elsewhere'), 'utf8')).toBe('keep');
    expect(fs.lstatSync(path.join(d, 'moved', 'linked.json')).isFile()).toBe(true);
    fs.mkdirSync(path.join(d, 'moved', 'folder.json'));
    const e = placeRefusal(() => held.replaceFile('folder.json', Buffer.from('x')));
    expect([e.code, e.path]).toEqual(['EISDIR', path.join(d, 'state', 'folder.json')]); // named as opened
    expect(fs.readdirSync(path.join(d, 'moved')).sort()).toEqual(['folder.json', 'last-run.json', 'linked.json', 'private.json']);
    held.release();
    expect(placeRefusal(() => held.replaceFile('x.json', Buffer.from('x'))).code).toBe('EBADF');
  });

  it("'new' refuses a folder someone else made first; 'existing' never creates; names with a slash or .. are not names", () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'PackageSource'));
    const held = posixPlaces.openFolder(d);
    expect(placeRefusal(() => held.folder('PackageSource', 'new')).code).toBe('EEXIST');
    expect(placeRefusal(() => held.folder('missing', 'existing')).code).toBe('ENOENT');
    expect(fs.existsSync(path.join(d, 'missing'))).toBe(false);
    for (const bad of ['..', 'a/b', '']) expect(placeRefusal(() => held.folder(bad, 'either')).code).toBe('EINVAL');
    const mine = held.folder('fresh', 'new');
    expect(mine.created).toBe(true);
    mine.release();
    held.release();
    expect(fs.statSync(path.join(d, 'fresh')).mode & 0o777).toBe(0o755);
  });

  it('a file where a folder should be is refused as not a folder', () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'MININT'), 'x');
    const err = placeRefusal(() => posixPlaces.openFolder(path.join(d, 'MININT', 'SMSOSD'), { create: true }));
    expect(err.code).toBe('ENOTDIR');
    expect(err.path).toBe(path.join(d, 'MININT'));
  });
});

describe('Windows paths split into a volume root and names', () => {
  it('drive, UNC and \\\\?\\ spellings', () => {
    expect(splitWindowsPath('C:\\MININT\\SMSOSD\\OSDLOGS')).toEqual({ root: 'C:\\', names: ['MININT', 'SMSOSD', 'OSDLOGS'] });
    expect(splitWindowsPath('\\\\?\\C:\\MININT\\..\\x')).toEqual({ root: 'C:\\', names: ['x'] });
    expect(splitWindowsPath('\\\\srv\\share\\pkg')).toEqual({ root: '\\\\srv\\share\\', names: ['pkg'] });
    expect(splitWindowsPath('\\\\?\\UNC\\srv\\share\\pkg')).toEqual({ root: '\\\\srv\\share\\', names: ['pkg'] });
    expect(splitWindowsPath('E:\\')).toEqual({ root: 'E:\\', names: [] });
  });
});

describe('removing a tree by handle', () => {
  it('a link inside is removed as a link: what it points to, outside the tree, is untouched', () => {
    const d = tempDir();
    const outside = path.join(d, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'precious.txt'), 'keep');
    fs.mkdirSync(path.join(d, 'old', 'sub', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(d, 'old', 'sub', 'a.txt'), 'a');
    fs.symlinkSync(outside, path.join(d, 'old', 'sub', 'deeper', 'link-to-outside'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(d, 'old', 'file-link'));
    const held = posixPlaces.openFolder(d);
    held.removeTree('old');
    held.release();
    expect(fs.existsSync(path.join(d, 'old'))).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it('a folder swapped for a link while it is being emptied: nothing is removed through the link', () => {
    const d = tempDir();
    const decoy = path.join(d, 'decoy');
    fs.mkdirSync(path.join(decoy, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(decoy, 'sub', 'x.txt'), 'not ours');
    fs.mkdirSync(path.join(d, 'old', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(d, 'old', 'sub', 'x.txt'), 'ours');
    const real = fs.readdirSync;
    let swapped = false;
    // the moment the attacker wins with an oplock: as 'old' is listed, it becomes a link to the decoy
    const spy = vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      const list = real(p, o as undefined);
      if (!swapped) {
        swapped = true;
        fs.renameSync(path.join(d, 'old'), path.join(d, 'moved'));
        fs.symlinkSync(decoy, path.join(d, 'old'));
      }
      return list;
    }) as typeof fs.readdirSync);
    const held = posixPlaces.openFolder(d);
    try {
      expect(() => held.removeTree('old')).toThrow();
    } finally {
      spy.mockRestore();
      held.release();
    }
    expect(swapped).toBe(true);
    expect(fs.readFileSync(path.join(decoy, 'sub', 'x.txt'), 'utf8')).toBe('not ours');
    // what was opened (now 'moved') was emptied by handle
    expect(fs.existsSync(path.join(d, 'moved', 'sub', 'x.txt'))).toBe(false);
  });

  it('a file that stays after its removal is named, and a missing entry is no error', () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'old', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(d, 'old', 'sub', 'held.log'), 'x');
    const real = fs.unlinkSync;
    const spy = vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (String(p).endsWith('held.log') ? undefined : real(p)));
    const held = posixPlaces.openFolder(d);
    try {
      const err = placeRefusal(() => held.removeTree('old'));
      expect(err.code).toBe('ENOTEMPTY');
      expect(err.path).toBe(path.join(d, 'old', 'sub', 'held.log'));
    } finally {
      spy.mockRestore();
    }
    held.removeTree('missing');
    held.release();
  });

  it("a held folder's identity from its handle is the one identity.ts gives its path", () => {
    const d = tempDir();
    const held = posixPlaces.openFolder(path.join(d, 'x'), { create: true });
    expect(held.id()).toEqual(idOf(path.join(d, 'x')));
    held.release();
  });
});

describe('places on POSIX: the small promises', () => {
  const openFds = () => fs.readdirSync('/proc/self/fd').length;

  it("'private' folders are made 700, others 755; an existing folder is not 'created'", () => {
    const d = tempDir();
    const held = posixPlaces.openFolder(d);
    const priv = held.folder('state', 'either', 'private') as PosixFolder;
    const open = held.folder('PackageSource', 'either') as PosixFolder;
    expect([priv.created, priv.mode(), open.mode()]).toEqual([true, 0o700, 0o755]);
    expect(priv.owner()).toBe(process.getuid!());
    priv.release();
    open.release();
    const again = held.folder('state', 'either', 'private');
    expect(again.created).toBe(false);
    again.release();
    held.release();
  });

  it('a released folder refuses every use (EBADF), and releasing or closing twice is harmless', () => {
    const d = tempDir();
    const held = posixPlaces.openFolder(d);
    const log = held.appendFile('x.log');
    log.write('a');
    log.close();
    log.close();
    held.release();
    held.release();
    for (const use of [() => held.folder('x', 'either'), () => held.appendFile('y.log'), () => held.removeTree('x.log'), () => held.id()]) {
      expect(placeRefusal(use).code).toBe('EBADF');
    }
    expect(fs.readFileSync(path.join(d, 'x.log'), 'utf8')).toBe('a');
  });

  it('an appended file holds one descriptor until it is closed', () => {
    const held = posixPlaces.openFolder(tempDir());
    const before = openFds();
    const log = held.appendFile('x.log');
    expect(openFds()).toBe(before + 1);
    log.close();
    expect(openFds()).toBe(before);
    held.release();
  });

  it('each refusal names the place: not a name, released, made by someone else', () => {
    const d = tempDir();
    const held = posixPlaces.openFolder(d);
    let e = placeRefusal(() => held.folder('..', 'either'));
    expect([e.message, e.path, e.code]).toEqual(['.. is not a name', path.join(d, '..'), 'EINVAL']);
    fs.mkdirSync(path.join(d, 'MININT'));
    e = placeRefusal(() => held.folder('MININT', 'new'));
    expect([e.message, e.path, e.code]).toEqual([`${path.join(d, 'MININT')} exists already (someone else created it)`, path.join(d, 'MININT'), 'EEXIST']);
    held.release();
    e = placeRefusal(() => held.appendFile('x.log'));
    expect([e.message, e.path, e.code]).toEqual([`${d} was released`, d, 'EBADF']);
    expect(posixPlaces.createdAs).toBe('(mode 755)');
  });

  it('the volume root is opened as it is, never "created"', () => {
    const root = posixPlaces.openFolder('/');
    expect([root.path, root.created]).toEqual(['/', false]);
    root.release();
  });

  it('"." is not a name either', () => {
    const held = posixPlaces.openFolder(tempDir());
    expect(placeRefusal(() => held.folder('.', 'either')).code).toBe('EINVAL');
    held.release();
  });

  it('removing a deep tree leaves no descriptor open', () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'old', 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(d, 'old', 'a', 'b', 'c', 'f.txt'), 'x');
    const held = posixPlaces.openFolder(d);
    const before = openFds();
    held.removeTree('old');
    expect(openFds()).toBe(before);
    held.release();
    expect(fs.existsSync(path.join(d, 'old'))).toBe(false);
  });

  it('a folder that cannot be created says why (a read-only volume: EROFS), not that it is missing', (ctx) => {
    const mnt = path.join(tempDir(), 'ro');
    const unmount = mountTmpfs(mnt);
    if (!needs(ctx, unmount !== undefined, 'root to mount a tmpfs')) return;
    try {
      spawnSync('mount', ['-o', 'remount,ro', mnt]);
      const err = placeRefusal(() => posixPlaces.openFolder(path.join(mnt, 'MININT'), { create: true }));
      expect(err.code).toBe('EROFS');
    } finally {
      unmount!();
    }
  });
});
