// The inventory and the walk under it, called directly: name order whatever order a folder is
// listed in, parents before children, links and devices refused with their path, what is skipped
// never entered, and the split by top-level name that a move renames.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { byTopLevel, takeInventory, walkNames } from '../../../src/plan/inventory.js';
import { listingWalk, nodeWalk, type EntryKind, type FoundEntry } from '../../../src/core/walk.js';
import { makeTree, tempDir } from '../../helpers/fixtures.js';
import { thrown } from '../../helpers/seams.js';

const p = path.posix;

/** A lister over a fixed tree that answers in the order given there (no file system promises one). */
function lister(tree: Record<string, Array<[string, EntryKind, number?]>>) {
  const asked: string[] = [];
  const list = (_: path.PlatformPath, abs: string): FoundEntry[] => {
    asked.push(abs);
    return (tree[abs] ?? []).map(([name, kind, size]) => ({ name, kind, size: size ?? 0, mtimeMs: 7 }));
  };
  return { list, asked };
}

describe('the walk', () => {
  it('is depth first, in name order (by code unit: "B" before "a"), parents before children, whatever order the lister gives', () => {
    const { list, asked } = lister({
      '/r': [['a', 'dir'], ['c.txt', 'file', 3], ['B', 'dir'], ['D', 'file', 0]],
      '/r/B': [['x', 'file', 1]],
      '/r/a': [['deep', 'dir'], ['b', 'file', 2]],
      '/r/a/deep': [],
    });
    const seen: string[] = [];
    listingWalk(list)(p, '/r', (rel, kind, size, mtimeMs) => void seen.push(`${rel} ${kind} ${size} ${mtimeMs}`));
    expect(seen).toEqual(['B dir 0 7', 'D file 0 7', 'a dir 0 7', 'c.txt file 3 7', 'B/x file 1 7', 'a/b file 2 7', 'a/deep dir 0 7']);
    expect(asked).toEqual(['/r', '/r/B', '/r/a', '/r/a/deep']);
  });

  it("never enters a folder its visitor skips, nor a link (reported, not followed)", () => {
    const { list, asked } = lister({ '/r': [['keep', 'dir'], ['skip', 'dir'], ['link', 'link']], '/r/keep': [], '/r/skip': [['x', 'file']] });
    listingWalk(list)(p, '/r', (rel) => (rel === 'skip' ? 'skip' : undefined));
    expect(asked).toEqual(['/r', '/r/keep']);
  });

  it('through node:fs: a folder it cannot list is SOURCE_MISSING, naming the folder', () => {
    const missing = p.join(tempDir('zti-inv-'), 'gone');
    const e = thrown(() => nodeWalk(p, missing, () => undefined));
    expect(e.exitCode).toBe(ExitCode.SOURCE_MISSING);
    expect(e.message).toBe(`cannot read folder ${missing}`);
    expect(e.path).toBe(missing);
  });

  it('through node:fs: files with their size and time, folders, links and FIFOs each as what they are', () => {
    const root = tempDir('zti-inv-');
    makeTree(root, { 'f.txt': 'four', 'd/g': 'x' });
    fs.symlinkSync('f.txt', p.join(root, 'l'));
    expect(spawnSync('mkfifo', [p.join(root, 'pipe')]).status).toBe(0);
    const seen: string[] = [];
    nodeWalk(p, root, (rel, kind, size, mtimeMs) => void seen.push(`${rel} ${kind} ${size} ${mtimeMs === fs.lstatSync(p.join(root, rel)).mtimeMs || kind !== 'file'}`));
    expect(seen).toEqual(['d dir 0 true', 'f.txt file 4 true', 'l link 0 true', 'pipe other 0 true', 'd/g file 1 true']);
  });
});

describe('the inventory', () => {
  it('lists files (name order, size, time) and folders (parents first), and counts the bytes', () => {
    const root = tempDir('zti-inv-');
    makeTree(root, { 'b/z.cab': 'zz', 'b/a/x': 'xxx', 'A.txt': '1', 'empty': null });
    const t = new Date('2007-06-01T12:00:00Z');
    fs.utimesSync(p.join(root, 'b/z.cab'), t, t);
    const inv = takeInventory(p, root);
    const id = (rel: string) => {
      const st = fs.lstatSync(p.join(root, rel));
      return `${st.ino}@${Math.floor(st.birthtimeMs)}`;
    };
    expect(inv).toStrictEqual({
      files: [
        { rel: 'A.txt', size: 1, mtimeMs: fs.statSync(p.join(root, 'A.txt')).mtimeMs, id: id('A.txt') },
        { rel: 'b/a/x', size: 3, mtimeMs: fs.statSync(p.join(root, 'b/a/x')).mtimeMs, id: id('b/a/x') },
        { rel: 'b/z.cab', size: 2, mtimeMs: t.getTime(), id: id('b/z.cab') },
      ],
      dirs: ['b', 'b/a', 'empty'],
      dirIds: { b: id('b'), 'b/a': id('b/a'), empty: id('empty') },
      bytes: 6,
    });
  });

  it('records each entry\'s identity as the file system says it: a rename keeps it, a replaced file has another', () => {
    const root = tempDir('zti-inv-');
    makeTree(root, { 'a.txt': 'aa', 'd/b.txt': 'b' });
    const before = takeInventory(p, root);
    fs.renameSync(p.join(root, 'a.txt'), p.join(root, 'moved.txt'));
    fs.renameSync(p.join(root, 'd'), p.join(root, 'e'));
    const renamed = takeInventory(p, root);
    expect(renamed.files.find((f) => f.rel === 'moved.txt')!.id).toBe(before.files.find((f) => f.rel === 'a.txt')!.id);
    expect(renamed.dirIds!.e).toBe(before.dirIds!.d);
    fs.writeFileSync(p.join(root, 'new.tmp'), 'aa'); // the same size, another file, put in its place
    fs.renameSync(p.join(root, 'new.tmp'), p.join(root, 'moved.txt'));
    expect(takeInventory(p, root).files.find((f) => f.rel === 'moved.txt')!.id).not.toBe(before.files.find((f) => f.rel === 'a.txt')!.id);
  });

  it('leaves out what it is told to skip, and everything under a skipped folder', () => {
    const root = tempDir('zti-inv-');
    makeTree(root, { 'zticache.sha256': 'old', 'out/link-inside-is-never-seen': 'x', 'a.txt': 'a' });
    fs.symlinkSync('/etc', p.join(root, 'out', 'etc'));
    const inv = takeInventory(p, root, { skip: new Set(['zticache.sha256', 'out']) });
    expect(inv).toStrictEqual({ files: [{ rel: 'a.txt', size: 1, mtimeMs: inv.files[0]!.mtimeMs, id: inv.files[0]!.id }], dirs: [], bytes: 1 });
    expect(inv.files[0]!.id).toMatch(/^\d+(@\d+)?$/);
  });

  it('refuses a link or junction, and anything neither file nor folder, naming it (SOURCE_HAS_LINK)', () => {
    const root = tempDir('zti-inv-');
    makeTree(root, { 'OSD/a': 'a' });
    fs.symlinkSync('/etc', p.join(root, 'OSD', 'etc'));
    let e = thrown(() => takeInventory(p, root));
    expect(e.exitCode).toBe(ExitCode.SOURCE_HAS_LINK);
    expect(e.message).toBe(`the package contains a symbolic link or junction: ${p.join(root, 'OSD', 'etc')}; zticache does not stage links`);
    expect(e.path).toBe(p.join(root, 'OSD', 'etc'));
    fs.rmSync(p.join(root, 'OSD', 'etc'));
    expect(spawnSync('mkfifo', [p.join(root, 'OSD', 'pipe')]).status).toBe(0);
    e = thrown(() => takeInventory(p, root));
    expect(e.exitCode).toBe(ExitCode.SOURCE_HAS_LINK);
    expect(e.message).toBe(`the package contains something that is neither a file nor a folder: ${p.join(root, 'OSD', 'pipe')}`);
    expect(e.path).toBe(p.join(root, 'OSD', 'pipe'));
  });

  it('uses the platform walker when given one', () => {
    const { list } = lister({ '/pkg': [['b', 'file', 2], ['a', 'dir']], '/pkg/a': [] });
    expect(takeInventory(p, '/pkg', { walk: listingWalk(list) })).toStrictEqual({ files: [{ rel: 'b', size: 2, mtimeMs: 7 }], dirs: ['a'], bytes: 2 });
  });

  it('walkNames lists files and plain folders, never a link or device', () => {
    const { list } = lister({ '/pkg': [['d', 'dir'], ['f', 'file'], ['l', 'link'], ['o', 'other']], '/pkg/d': [['g', 'file']] });
    expect(walkNames(p, '/pkg', listingWalk(list))).toStrictEqual({ files: ['f', 'd/g'], dirs: ['d'] });
  });
});

describe('byTopLevel', () => {
  it('splits the inventory by top-level name, in name order, each with its own byte count; a top-level file is its own group', () => {
    const inv = {
      files: [{ rel: 'z.txt', size: 1, mtimeMs: 0 }, { rel: 'B/x', size: 2, mtimeMs: 0 }, { rel: 'B/y/z', size: 3, mtimeMs: 0 }, { rel: 'a/b', size: 4, mtimeMs: 0 }],
      dirs: ['empty', 'a', 'B', 'B/y'],
      bytes: 10,
    };
    const groups = byTopLevel(inv);
    expect([...groups.keys()]).toEqual(['B', 'a', 'empty', 'z.txt']);
    expect(groups.get('B')).toStrictEqual({ files: [inv.files[1], inv.files[2]], dirs: ['B', 'B/y'], bytes: 5 });
    expect(groups.get('a')).toStrictEqual({ files: [inv.files[3]], dirs: ['a'], bytes: 4 });
    expect(groups.get('empty')).toStrictEqual({ files: [], dirs: ['empty'], bytes: 0 });
    expect(groups.get('z.txt')).toStrictEqual({ files: [inv.files[0]], dirs: [], bytes: 1 });
  });
});
