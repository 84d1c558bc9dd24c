// Removing a tree: never through a link, a held file retried with zticache's backoff and logged, a
// read-only file (Windows) cleared and removed, and the error naming the very file that stayed.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { removeTree } from '../../../src/stage/remove.js';
import { retryPolicy } from '../../../src/stage/retry.js';
import { makeTree, snapshot, tempDir } from '../../helpers/fixtures.js';
import { fault, rejection } from '../../helpers/seams.js';

const saved = { ...retryPolicy };
afterEach(() => {
  vi.restoreAllMocks();
  Object.assign(retryPolicy, saved);
});
const fastRetry = () => Object.assign(retryPolicy, { attempts: 3, baseMs: 1, maxMs: 1 });
const failure = (p: Promise<unknown>) => rejection<NodeJS.ErrnoException>(p);

function tree() {
  const dir = tempDir('zti-rm-');
  const old = path.join(dir, 'PackageSource');
  makeTree(old, { 'a.txt': 'a', 'OSD/b.txt': 'b', 'OSD/deep/c.txt': 'c', 'Empty': null });
  return { dir, old };
}

describe('removing a tree', () => {
  it('removes every file and folder, the tree itself last; a missing tree is no error', async () => {
    const { dir, old } = tree();
    await removeTree(old);
    expect(fs.readdirSync(dir)).toEqual([]);
    await removeTree(old);
    await removeTree(path.join(dir, 'never', 'was'));
  });

  it('a file is removed as a file', async () => {
    const { old } = tree();
    await removeTree(path.join(old, 'a.txt'));
    expect(fs.existsSync(path.join(old, 'a.txt'))).toBe(false);
    expect(fs.existsSync(path.join(old, 'OSD', 'b.txt'))).toBe(true);
  });

  it('links are removed as links: what they point to stays, at the top and inside', async () => {
    const { dir, old } = tree();
    const outside = path.join(dir, 'outside');
    makeTree(outside, { 'keep.txt': 'keep', 'sub/keep2.txt': 'k2' });
    const before = snapshot(outside);
    fs.symlinkSync(outside, path.join(old, 'OSD', 'to-folder'));
    fs.symlinkSync(path.join(outside, 'keep.txt'), path.join(old, 'to-file'));
    fs.symlinkSync(path.join(dir, 'nothing'), path.join(old, 'dangling'));
    const top = path.join(dir, 'top-link');
    fs.symlinkSync(outside, top);
    await removeTree(top);
    expect(fs.existsSync(top)).toBe(false);
    await removeTree(old);
    expect(fs.existsSync(old)).toBe(false);
    expect(snapshot(outside)).toStrictEqual(before);
  });

  it('a held file is retried with the backoff, and each retry is told', async () => {
    const { dir, old } = tree();
    fastRetry();
    const real = fs.unlinkSync;
    let held = 2;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('b.txt') && held-- > 0) throw Object.assign(fault('EBUSY'), { path: String(p) });
      return real(p);
    });
    const told: Array<[string | undefined, number, number]> = [];
    await removeTree(old, { onRetry: (err, attempt, delay) => told.push([(err as { path?: string }).path, attempt, delay]) });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(told).toEqual([[path.join(old, 'OSD', 'b.txt'), 1, 1], [path.join(old, 'OSD', 'b.txt'), 2, 1]]);
  });

  it('a file an antivirus holds (Windows: EPERM, and not for a read-only attribute) is retried with the backoff, then goes', async () => {
    const { dir, old } = tree();
    fastRetry();
    const real = fs.unlinkSync;
    let held = 4; // both tries of the first attempt, one of the second (chmod changes nothing: not read-only)
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('b.txt') && held-- > 0) throw Object.assign(fault('EPERM'), { path: String(p) });
      return real(p);
    });
    const told: string[] = [];
    await removeTree(old, { onRetry: (err) => told.push((err as NodeJS.ErrnoException).code!) });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(told).toEqual(['EPERM', 'EPERM']);
  });

  it('one held for good fails after the last try, naming the file; nothing else is tried after it', async () => {
    const { old } = tree();
    fastRetry();
    const real = fs.unlinkSync;
    let tries = 0;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('a.txt')) {
        tries++;
        throw Object.assign(fault('EBUSY'), { path: String(p) });
      }
      return real(p);
    });
    const e = await failure(removeTree(old));
    expect(e.code).toBe('EBUSY');
    expect(e.path).toBe(path.join(old, 'a.txt'));
    expect(tries).toBe(3);
  });

  it('a read-only file (Windows refuses its delete with EPERM) is made writable and removed', async () => {
    const { dir, old } = tree();
    const real = fs.unlinkSync;
    const chmods: Array<[string, number]> = [];
    const realChmod = fs.chmodSync;
    vi.spyOn(fs, 'chmodSync').mockImplementation((p, m) => (chmods.push([String(p), Number(m)]), realChmod(p, m)));
    let first = true;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('c.txt') && first) {
        first = false;
        throw fault('EPERM');
      }
      return real(p);
    });
    await removeTree(old);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(chmods).toEqual([[path.join(old, 'OSD', 'deep', 'c.txt'), 0o666]]);
  });

  it('EACCES is handled like EPERM: the attribute is cleared and the file goes', async () => {
    const { dir, old } = tree();
    const real = fs.unlinkSync;
    let first = true;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('a.txt') && first) {
        first = false;
        throw fault('EACCES');
      }
      return real(p);
    });
    Object.assign(retryPolicy, { attempts: 1, baseMs: 1, maxMs: 1 });
    await removeTree(old);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a folder that will not go: still-not-empty errors name what is left, other errors are the system\'s own', async () => {
    Object.assign(retryPolicy, { attempts: 1, baseMs: 1, maxMs: 1 });
    const real = fs.unlinkSync;
    const realRmdir = fs.rmdirSync;
    for (const [code, named] of [['EEXIST', true], ['ENOTEMPTY', true], ['EACCES', false]] as const) {
      const { old } = tree();
      vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (String(p).endsWith('c.txt') ? undefined : real(p)));
      vi.spyOn(fs, 'rmdirSync').mockImplementation((p) => {
        if (String(p).endsWith('deep')) throw Object.assign(fault(code), { path: String(p) });
        return realRmdir(p);
      });
      const e = await failure(removeTree(old));
      expect(e.code, code).toBe(code);
      if (named) expect(e.message, code).toMatch(/deep is not empty: .*c\.txt is still there/);
      else expect(e.message, code).toBe('injected EACCES');
      vi.restoreAllMocks();
    }
    // a folder that cannot be listed any more when it is named: the system's error as it was
    const { old } = tree();
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (String(p).endsWith('c.txt') ? undefined : real(p)));
    const realReaddir = fs.readdirSync;
    let listed = 0;
    vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      if (String(p).endsWith('deep') && listed++ > 0) throw fault('EIO');
      return (realReaddir as (p: fs.PathLike, o?: unknown) => unknown)(p, o);
    }) as typeof fs.readdirSync);
    const e = await failure(removeTree(old));
    expect(e.code).toBe('ENOTEMPTY');
    expect(e.message).not.toContain('is still there');
  });

  it('when clearing the attribute does not help either, the first error is the one reported', async () => {
    const { old } = tree();
    Object.assign(retryPolicy, { attempts: 1, baseMs: 1, maxMs: 1 });
    const real = fs.unlinkSync;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      if (String(p).endsWith('c.txt')) throw Object.assign(fault('EACCES'), { path: String(p) });
      return real(p);
    });
    const e = await failure(removeTree(old));
    expect(e.code).toBe('EACCES');
    expect(e.message).toBe('injected EACCES');
  });

  it('a file or folder gone meanwhile is not an error; a folder that cannot be listed is', async () => {
    const { dir, old } = tree();
    const realUnlink = fs.unlinkSync;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => {
      realUnlink(p);
      if (String(p).endsWith('b.txt')) realUnlink(p); // removed twice: ENOENT the second time
    });
    const realRmdir = fs.rmdirSync;
    vi.spyOn(fs, 'rmdirSync').mockImplementation((p) => {
      realRmdir(p);
      if (String(p).endsWith('deep')) throw fault('ENOENT');
    });
    await removeTree(old).catch((e) => { throw e; });
    expect(fs.readdirSync(dir)).toEqual([]);
    vi.restoreAllMocks();

    const t = tree();
    const realReaddir = fs.readdirSync;
    vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      if (String(p).endsWith('deep')) throw fault('ENOENT');
      return (realReaddir as (p: fs.PathLike, o?: unknown) => unknown)(p, o);
    }) as typeof fs.readdirSync);
    // a listing that finds the folder gone skips it; its removal then finds it still there (it is)
    const gone = await failure(removeTree(t.old));
    expect(gone.code).toBe('ENOTEMPTY');
    vi.restoreAllMocks();

    const u = tree();
    vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      if (String(p).endsWith('OSD')) throw Object.assign(fault('EACCES'), { path: String(p) });
      return (realReaddir as (p: fs.PathLike, o?: unknown) => unknown)(p, o);
    }) as typeof fs.readdirSync);
    const e = await failure(removeTree(u.old));
    expect(e.code).toBe('EACCES');
    expect(e.path).toBe(path.join(u.old, 'OSD'));
  });

  it('a folder still not empty names what is left: the first, and how many more', async () => {
    const { old } = tree();
    makeTree(old, { 'OSD/deep/d.txt': 'd', 'OSD/deep/e.txt': 'e' });
    const real = fs.unlinkSync;
    vi.spyOn(fs, 'unlinkSync').mockImplementation((p) => (String(p).includes(`${path.sep}deep${path.sep}`) ? undefined : real(p)));
    const e = await failure(removeTree(old));
    const deep = path.join(old, 'OSD', 'deep');
    const left = fs.readdirSync(deep);
    expect(left).toHaveLength(3);
    expect(e.code).toBe('ENOTEMPTY');
    expect(e.path).toBe(path.join(deep, left[0]!));
    expect(e.message).toBe(`${deep} is not empty: ${path.join(deep, left[0]!)} and 2 more is still there (held open by another program? it goes when that program closes it)`);
  });

  it('a folder that is not empty but lists nothing keeps the system\'s own error; other rmdir errors pass through', async () => {
    const { old } = tree();
    const realRmdir = fs.rmdirSync;
    vi.spyOn(fs, 'rmdirSync').mockImplementation((p) => {
      if (String(p).endsWith('Empty')) throw Object.assign(fault('EEXIST'), { path: String(p) });
      return realRmdir(p);
    });
    const e = await failure(removeTree(old));
    expect(e.message).toBe('injected EEXIST');
    vi.restoreAllMocks();
    const t = tree();
    Object.assign(retryPolicy, { attempts: 1, baseMs: 1, maxMs: 1 });
    vi.spyOn(fs, 'rmdirSync').mockImplementation(() => { throw fault('EBUSY'); });
    expect((await failure(removeTree(t.old))).message).toBe('injected EBUSY');
  });
});
