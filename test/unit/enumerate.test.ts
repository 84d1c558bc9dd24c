// The Windows walk (FindFirstFileExW per folder) keeps the Walker contract the rest relies on:
// depth first, name order, parents before children, links reported and never entered, a folder
// that cannot be listed named with its Windows error. Run here over a fake listing; under Wine the
// real enumeration stages, verifies and hashes every package of the Wine suite.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeInventory } from '../../src/inventory.js';
import type { FoundEntry } from '../../src/inventory.js';
import { enumerationWalk, kindOf } from '../../src/win32/enumerate.js';
import { ExitCode } from '../../src/exit-codes.js';

const w = path.win32;
const file = (name: string, size = 1): FoundEntry => ({ name, kind: 'file', size, mtimeMs: 1_180_000_000_000 });
const dir = (name: string): FoundEntry => ({ name, kind: 'dir', size: 0, mtimeMs: 0 });

function fake(tree: Record<string, FoundEntry[] | { error: number }>) {
  const asked: string[] = [];
  return { asked, list: (d: string) => (asked.push(d), tree[d] ?? { error: 3 }) };
}

describe('the Windows walk', () => {
  it('lists depth first, in name order, with sizes, and sorts like the node walk', () => {
    const f = fake({
      'C:\\pkg': [file('b.txt', 5), dir('Sub'), file('A.txt', 3)],
      'C:\\pkg\\Sub': [file('x.bin', 2 ** 33), dir('Deep')],
      'C:\\pkg\\Sub\\Deep': [],
    });
    const inv = takeInventory(w, 'C:\\pkg', { walk: enumerationWalk(f.list) });
    expect(inv.files.map((x) => [x.rel, x.size])).toEqual([['A.txt', 3], ['Sub/x.bin', 2 ** 33], ['b.txt', 5]]);
    expect(inv.dirs).toEqual(['Sub', 'Sub/Deep']);
    expect(inv.bytes).toBe(8 + 2 ** 33);
    expect(f.asked).toEqual(['C:\\pkg', 'C:\\pkg\\Sub', 'C:\\pkg\\Sub\\Deep']);
  });

  it('a link or junction is refused by the inventory and never entered', () => {
    const f = fake({ 'C:\\pkg': [file('a.txt'), { name: 'j', kind: 'link', size: 0, mtimeMs: 0 }] });
    expect(() => takeInventory(w, 'C:\\pkg', { walk: enumerationWalk(f.list) })).toThrow(/symbolic link or junction: C:\\pkg\\j/);
    expect(f.asked).toEqual(['C:\\pkg']);
  });

  it('a folder that cannot be listed is named, with its Windows error', () => {
    let code: number | undefined;
    let win: number | undefined;
    let said: { message: string; path?: string } | undefined;
    try {
      takeInventory(w, 'C:\\pkg', { walk: enumerationWalk(fake({ 'C:\\pkg': { error: 5 } }).list) });
    } catch (err) {
      code = (err as { exitCode: number }).exitCode;
      win = (err as { winError: number }).winError;
      said = err as { message: string; path?: string };
    }
    expect(code).toBe(ExitCode.SOURCE_MISSING);
    expect(win).toBe(5);
    expect(said).toMatchObject({ message: 'cannot read folder C:\\pkg', path: 'C:\\pkg' });
  });
});

describe('what a Windows entry is, from the attributes FindFirstFileExW gives', () => {
  // winnt.h
  const DIRECTORY = 0x10, ARCHIVE = 0x20, DEVICE = 0x40, REPARSE = 0x400, READONLY = 0x1;
  const MOUNT_POINT = 0xa0000003, SYMLINK = 0xa000000c, DEDUP = 0x80000013, CLOUD = 0x9000001a;
  it('a junction (mount-point tag) and a folder symbolic link are links, never entered', () => {
    expect(kindOf(DIRECTORY | REPARSE, MOUNT_POINT)).toBe('link');
    expect(kindOf(DIRECTORY | REPARSE, SYMLINK)).toBe('link');
    expect(kindOf(DIRECTORY | REPARSE, CLOUD)).toBe('link');
  });
  it('a file symbolic link is a link; a deduplicated or cloud file is a file', () => {
    expect(kindOf(ARCHIVE | REPARSE, SYMLINK)).toBe('link');
    expect(kindOf(ARCHIVE | REPARSE, DEDUP)).toBe('file');
    expect(kindOf(ARCHIVE | REPARSE, CLOUD)).toBe('file');
  });
  it('plain folders and files, read-only ones too; a device is neither', () => {
    expect(kindOf(DIRECTORY, 0)).toBe('dir');
    expect(kindOf(DIRECTORY | READONLY, 0)).toBe('dir');
    expect(kindOf(ARCHIVE | READONLY, 0)).toBe('file');
    expect(kindOf(0, 0)).toBe('file');
    expect(kindOf(DEVICE, 0)).toBe('other');
  });
});
