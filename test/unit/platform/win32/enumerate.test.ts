// The Windows walk (one FileIdBothDirectoryInfo enumeration per folder) keeps the Walker contract the rest relies on:
// depth first, name order, parents before children, links reported and never entered, a folder
// that cannot be listed named with its Windows error. Run here over a fake listing; under Wine the
// real enumeration stages, verifies and hashes every package of the Wine suite.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeInventory } from '../../../../src/plan/inventory.js';
import type { FoundEntry } from '../../../../src/core/walk.js';
import { enumerationWalk, kindOf } from '../../../../src/platform/win32/enumerate.js';
import { ExitCode } from '../../../../src/core/exit-codes.js';
import { fileIdAt, filetimeMs, readDirInfo } from '../../../../src/platform/win32/file-info.js';

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

describe('what a Windows entry is, from the attributes and reparse tag the enumeration gives', () => {
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

describe('the records Windows describes files in (file-info.ts), over buffers laid out as Windows fills them', () => {
  const FT_1970 = 116444736000000000n; // a FILETIME of 1970-01-01
  /** one FILE_ID_BOTH_DIR_INFO record */
  function record(name: string, o: { attributes?: number; size?: bigint; mtimeMs?: number; id?: bigint; ea?: number; last?: boolean }): Buffer {
    const nameBytes = Buffer.from(name, 'utf16le');
    const b = Buffer.alloc(104 + nameBytes.length + 8);
    b.writeUInt32LE(o.last ? 0 : b.length, 0);
    b.writeBigUInt64LE(FT_1970 + BigInt(o.mtimeMs ?? 0) * 10000n, 24);
    b.writeBigUInt64LE(o.size ?? 0n, 40);
    b.writeUInt32LE(o.attributes ?? 0x20, 56);
    b.writeUInt32LE(nameBytes.length, 60);
    b.writeUInt32LE(o.ea ?? 0, 64);
    b.writeBigUInt64LE(o.id ?? 1n, 96);
    nameBytes.copy(b, 104);
    return b;
  }

  it('reads every entry but . and ..: name, attributes, sizes past 4 GiB, time, reparse tag only on a reparse point, 64-bit IDs exactly', () => {
    const big = 5n * 2n ** 32n + 7n;
    const seq = (3n << 48n) | 0x1234n; // an NTFS ID: sequence number 3 in the top 16 bits, beyond 2^53
    const buf = Buffer.concat([
      record('.', { attributes: 0x10 }),
      record('..', { attributes: 0x10 }),
      record('setup.wim', { size: big, mtimeMs: 1_180_000_000_123, id: seq, ea: 99 }),
      record('j', { attributes: 0x10 | 0x400, ea: 0xa0000003, id: 2n ** 40n + 1n }),
      record('\u00e9t\u00e9.txt', { size: 3n, id: 42n, last: true }),
    ]);
    const seen: unknown[] = [];
    readDirInfo(buf, (e) => seen.push(e));
    expect(seen).toEqual([
      { name: 'setup.wim', attributes: 0x20, reparseTag: 0, size: 5 * 2 ** 32 + 7, mtimeMs: 1_180_000_000_123, id: seq.toString() },
      { name: 'j', attributes: 0x410, reparseTag: 0xa0000003, size: 0, mtimeMs: 0, id: String(2 ** 40 + 1) },
      { name: '\u00e9t\u00e9.txt', attributes: 0x20, reparseTag: 0, size: 3, mtimeMs: 0, id: '42' },
    ]);
    expect(fileIdAt(Buffer.from(new BigUint64Array([2n ** 53n + 1n]).buffer), 0)).toBe('9007199254740993');
    expect(fileIdAt(Buffer.from(new BigUint64Array([2n ** 53n - 1n]).buffer), 0)).toBe('9007199254740991');
  });

  it('a FILETIME is milliseconds since 1970, fractions kept', () => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(FT_1970 + 1_700_000_000_000n * 10000n + 5000n); // half a millisecond on top
    expect(filetimeMs(b, 0)).toBe(1_700_000_000_000.5);
    b.writeBigUInt64LE(FT_1970 + 5n * 2n ** 32n * 10000n); // past what 32 bits hold
    expect(filetimeMs(b, 0)).toBe(5 * 2 ** 32);
  });
});
