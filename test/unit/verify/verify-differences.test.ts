// VERIFY compares each file in the walk and keeps only what differs (issue 38): what it must still
// refuse when differences come together (several files, several fields of one file), where one
// field alone differs by the least that counts, at sizes beyond 32 and 53 bits and times outside
// 1970-2106 (what Windows' FILETIME holds), IDs as whole strings, and a file the walk lists twice.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import type { Walker } from '../../../src/core/walk.js';
import { verify, type VerifyOptions } from '../../../src/verify/verify.js';
import { memoryLog } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';
import { winNames } from '../../helpers/names.js';

const p = path.win32;
const T = 'C:\\MININT\\PackageSource';
const base = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

interface Seen { rel: string; size: number; mtimeMs: number; id?: string }

function inventory(files: Seen[], dirs: string[] = []): Inventory {
  return { files: files.map((f) => ({ ...f })), dirs, bytes: files.reduce((a, f) => a + f.size, 0) };
}

/** a walk that gives exactly these entries (the guard's walk on Windows is one such list) */
function walkOf(files: Seen[], dirs: string[] = []): Walker {
  return (_p, _root, visit) => {
    for (const d of dirs) visit(d, 'dir', 0, 0);
    for (const f of files) visit(f.rel, 'file', f.size, f.mtimeMs, f.id);
  };
}

function opts(walk: Walker, more: Partial<VerifyOptions> = {}): VerifyOptions {
  return { p, log: memoryLog(), parallel: 1, names: winNames, walk, keepsId: () => true, ...more };
}

async function problems(inv: Inventory, o: VerifyOptions): Promise<string> {
  const err = await rejection(verify(T, inv, o));
  expect(err.exitCode).toBe(ExitCode.VERIFY_FAILED);
  expect(err.path).toBe(T);
  return /does not match the package inventory: (.*)\. The launcher was not started\./.exec(err.message)![1]!;
}

const files: Seen[] = [
  { rel: 'OSDLaunch.exe', size: 10, mtimeMs: base, id: '11@1' },
  { rel: 'sub/a.cab', size: 4, mtimeMs: base, id: '12@1' },
  { rel: 'sub/b.cab', size: 4, mtimeMs: base, id: '13@1' },
  { rel: 'sub/c.cab', size: 4, mtimeMs: base, id: '14@1' },
];

describe('verify: differences together and at the edges', () => {
  it('several files each differing in one field are each named, in the inventory\'s order', async () => {
    const now = [
      { ...files[0]!, size: 11 },
      { ...files[1]!, id: '99@2' },
      { ...files[2]!, mtimeMs: base + 1 },
      files[3]!,
    ];
    expect(await problems(inventory(files), opts(walkOf(now)))).toBe([
      'size of OSDLaunch.exe: 11 bytes, expected 10',
      'sub/a.cab is not the file that was inventoried (file 12@1 then, 99@2 now)',
      `sub/b.cab was rewritten after the inventory (modified ${new Date(base).toISOString()} then, ${new Date(base + 1).toISOString()} now)`,
    ].join('; '));
  });

  it('one file differing in every field is named once, by its size first, then its ID, then its time', async () => {
    const inv = inventory(files);
    const all = { ...files[1]!, size: 5, id: '99@2', mtimeMs: base + 5000 };
    expect(await problems(inv, opts(walkOf([files[0]!, all, files[2]!, files[3]!])))).toBe('size of sub/a.cab: 5 bytes, expected 4');
    const idAndTime = { ...all, size: 4 };
    expect(await problems(inv, opts(walkOf([files[0]!, idAndTime, files[2]!, files[3]!])))).toBe('sub/a.cab is not the file that was inventoried (file 12@1 then, 99@2 now)');
    // a copy (its ID its own): the time still tells
    expect(await problems(inv, opts(walkOf([files[0]!, idAndTime, files[2]!, files[3]!]), { keepsId: () => false }))).toMatch(/^sub\/a\.cab was rewritten after the inventory/);
  });

  it('a missing file, a stray, a missing folder and a changed file at once: all named, with the count past five', async () => {
    const inv = inventory(files, ['sub', 'empty']);
    const now = [{ ...files[0]!, size: 9 }, files[2]!, { ...files[3]!, mtimeMs: base - 2 }, { rel: 'sub/x.dll', size: 1, mtimeMs: base }];
    const text = await problems(inv, opts(walkOf(now, ['sub', 'extra'])));
    expect(text).toBe('size of OSDLaunch.exe: 9 bytes, expected 10; missing: sub/a.cab; '
      + `sub/c.cab was rewritten after the inventory (modified ${new Date(base).toISOString()} then, ${new Date(base - 2).toISOString()} now); `
      + 'missing folder: empty; folder not in the package: extra; and 1 more');
  });

  it('times under a millisecond apart (as near one as a double of a time today holds) are one time, on both sides; a millisecond is another', async () => {
    const inv = inventory(files);
    await verify(T, inv, opts(walkOf(files.map((f) => ({ ...f, mtimeMs: f.mtimeMs + 0.99 })))));
    await verify(T, inv, opts(walkOf(files.map((f) => ({ ...f, mtimeMs: f.mtimeMs - 0.99 })))));
    expect(await problems(inv, opts(walkOf([files[0]!, files[1]!, files[2]!, { ...files[3]!, mtimeMs: base + 1 }])))).toMatch(/^sub\/c\.cab was rewritten/);
  });

  it('times before 1970 and after 2106 (32-bit seconds wrapped) are compared as they are, and named', async () => {
    const before1970 = Date.UTC(1960, 5, 1);
    const after2106 = Date.UTC(2110, 5, 1);
    const wrapped = after2106 - 2 ** 32 * 1000; // what a 32-bit seconds reader would say
    const inv = inventory([{ rel: 'old.txt', size: 1, mtimeMs: before1970 }, { rel: 'new.txt', size: 1, mtimeMs: after2106 }]);
    expect(await verify(T, inv, opts(walkOf(inv.files)))).toStrictEqual({ files: 2, bytes: 2, hashed: 0 });
    expect(await problems(inv, opts(walkOf([inv.files[0]!, { ...inv.files[1]!, mtimeMs: wrapped }]))))
      .toBe(`new.txt was rewritten after the inventory (modified 2110-06-01T00:00:00.000Z then, ${new Date(wrapped).toISOString()} now)`);
    expect(await problems(inv, opts(walkOf([{ ...inv.files[0]!, mtimeMs: before1970 + 2 ** 32 * 1000 }, inv.files[1]!]))))
      .toMatch(/^old\.txt was rewritten after the inventory \(modified 1960-06-01T00:00:00\.000Z then, 2096-/);
  });

  it('sizes beyond 2^31 and 2^53 (sparse files): a difference of one unit that a double keeps is refused, and the total is right', async () => {
    const big = [{ rel: 'a.wim', size: 2 ** 31 + 1, mtimeMs: base }, { rel: 'b.wim', size: 2 ** 53 - 2 ** 32, mtimeMs: base }];
    const inv = inventory(big);
    expect(await verify(T, inv, opts(walkOf(big)))).toStrictEqual({ files: 2, bytes: 2 ** 53 - 2 ** 31 + 1, hashed: 0 });
    expect(await problems(inv, opts(walkOf([{ ...big[0]!, size: 2 ** 31 + 2 }, big[1]!])))).toBe(`size of a.wim: ${2 ** 31 + 2} bytes, expected ${2 ** 31 + 1}`);
    expect(await problems(inv, opts(walkOf([big[0]!, { ...big[1]!, size: 2 ** 53 - 2 ** 32 + 1 }])))).toBe(`size of b.wim: ${2 ** 53 - 2 ** 32 + 1} bytes, expected ${2 ** 53 - 2 ** 32}`);
    expect(await problems(inv, opts(walkOf([big[0]!, { ...big[1]!, size: 0 }])))).toBe(`size of b.wim: 0 bytes, expected ${2 ** 53 - 2 ** 32}`);
  });

  it('the bytes total of a passing run is the sum of the walked sizes, and a total the inventory miscounts is still refused', async () => {
    const inv = inventory(files);
    expect((await verify(T, inv, opts(walkOf(files)))).bytes).toBe(22);
    expect(await problems({ ...inv, bytes: 23 }, opts(walkOf(files)))).toBe('22 bytes, expected 23');
  });

  it('IDs are compared as whole strings: one of another volume, another birth time, or a prefix is another file', async () => {
    const inv = inventory([{ rel: 'a', size: 1, mtimeMs: base, id: '123@456' }]);
    for (const other of ['123@457', '123', '1234@456', '123@4560', ' 123@456']) {
      expect(await problems(inv, opts(walkOf([{ ...inv.files[0]!, id: other }])))).toBe(`a is not the file that was inventoried (file 123@456 then, ${other} now)`);
    }
    // the same ID built otherwise (a concatenation, a number turned to text) is the same file
    const built = ['123', '456'].join('@');
    await verify(T, inv, opts(walkOf([{ ...inv.files[0]!, id: built }])));
  });

  it('the same file given twice by the walk (a walk that lists it again) is refused when either listing differs', async () => {
    const inv = inventory(files);
    const changed = { ...files[1]!, size: 5 };
    expect(await problems(inv, opts(walkOf([files[0]!, changed, files[1]!, files[2]!, files[3]!])))).toMatch(/sub\/a\.cab/);
    expect(await problems(inv, opts(walkOf([files[0]!, files[1]!, changed, files[2]!, files[3]!])))).toMatch(/sub\/a\.cab/);
  });
});
