// The one time reader on Windows, over a fake kernel32: what GetFileAttributesExW's record says is
// read as the walk reads a FILETIME (every date a volume keeps, 1601 to 30828), a missing path is
// "nothing there", anything else is thrown with its Windows error; a time is written as the FILETIME
// it came from, 0 (which Windows takes for "leave it") as 1, on a handle that is always closed.
// Under Wine the real calls copy and move files dated 1601 to 2200 (test/wine).
import { describe, expect, it } from 'vitest';
import { bindFileStat, filetimeOf } from '../../../../src/platform/win32/file-stat.js';
import { EPOCH_DIFF_MS } from '../../../../src/platform/win32/file-info.js';
import type { Koffi } from '../../../../src/platform/win32/load-native.js';
import { thrown } from '../../../helpers/seams.js';

const ft = (iso: string) => BigInt(Date.parse(iso) + EPOCH_DIFF_MS) * 10000n;

/** kernel32 as a table of paths: a record for each (attributes, FILETIME, size), or a Windows error. */
function fakeKernel(files: Record<string, { attributes: number; written: bigint; size: number } | number>) {
  let error = 0;
  const calls: string[] = [];
  const set: Array<{ h: number; ft: bigint }> = [];
  const impl: Record<string, (...a: any[]) => unknown> = {
    GetFileAttributesExW(name: string, level: number, out: Buffer) {
      calls.push(`attrs ${name} ${level}`);
      const f = files[name];
      if (typeof f !== 'object') {
        error = f ?? 2;
        return false;
      }
      out.writeUInt32LE(f.attributes, 0);
      out.writeBigUInt64LE(f.written, 20);
      out.writeUInt32LE(Math.floor(f.size / 2 ** 32), 28);
      out.writeUInt32LE(f.size >>> 0, 32);
      return true;
    },
    CreateFileW(name: string, access: number) {
      calls.push(`open ${name} ${access.toString(16)}`);
      const f = files[name];
      if (typeof f !== 'object') {
        error = f ?? 2;
        return -1;
      }
      return 77;
    },
    SetFileTime(h: number, c: unknown, a: unknown, w: Buffer) {
      set.push({ h, ft: w.readBigUInt64LE(0) });
      calls.push(`settime ${c} ${a}`);
      if (files.refuseTime !== undefined) {
        error = 5;
        return false;
      }
      return true;
    },
    CloseHandle(h: number) {
      calls.push(`close ${h}`);
      return true;
    },
  };
  const koffi = { load: () => ({ func: (sig: string) => impl[/\s(\w+)\(/.exec(sig)![1]!] }) } as unknown as Koffi;
  return { stat: bindFileStat(koffi, () => error), calls, set };
}

describe('the Windows time reader', () => {
  const DATES = ['1601-01-01T00:00:00.000Z', '1969-12-31T23:59:59.000Z', '1980-01-01T00:00:00.000Z', '2106-02-07T06:28:16.000Z', '2200-01-01T00:00:00.000Z', '+030828-09-14T02:48:05.477Z'];

  it('reads kind, size past 4 GiB and every FILETIME a volume holds, by the long path, opening nothing', () => {
    for (const iso of DATES) {
      const k = fakeKernel({ '\\\\?\\C:\\p\\f.inf': { attributes: 0x20, written: ft(iso), size: 2 ** 33 + 5 } });
      expect(k.stat.info('C:\\p\\f.inf')).toEqual({ kind: 'file', size: 2 ** 33 + 5, mtimeMs: Date.parse(iso) });
      expect(k.calls).toEqual(['attrs \\\\?\\C:\\p\\f.inf 0']);
    }
    const k = fakeKernel({ '\\\\?\\C:\\d': { attributes: 0x10, written: 0n, size: 0 }, '\\\\?\\C:\\j': { attributes: 0x410, written: 0n, size: 0 }, '\\\\?\\C:\\dedup': { attributes: 0x420, written: 0n, size: 9 } });
    expect(k.stat.info('C:\\d')!.kind).toBe('dir');
    expect(k.stat.info('C:\\j')!.kind).toBe('link');
    expect(k.stat.info('C:\\dedup')!.kind).toBe('file');
  });

  it('nothing there (not found, no such folder, a folder that is a file) is undefined; anything else is thrown with its Windows error', () => {
    const k = fakeKernel({ '\\\\?\\C:\\a': 2, '\\\\?\\C:\\b': 3, '\\\\?\\C:\\c': 267, '\\\\?\\C:\\d': 5, '\\\\?\\C:\\e': 32 });
    for (const p of ['C:\\a', 'C:\\b', 'C:\\c']) expect(k.stat.info(p)).toBeUndefined();
    expect(thrown(() => k.stat.info('C:\\d'))).toMatchObject({ code: 'EPERM', winError: 5, path: 'C:\\d', message: 'GetFileAttributesExW failed for C:\\d (Windows error 5)' });
    expect(thrown(() => k.stat.info('C:\\e'))).toMatchObject({ code: 'EIO', winError: 32 });
  });

  it('writes the FILETIME the time came from, 1601-01-01 as 100 ns later (0 means "leave it"), on a handle it closes', () => {
    // exact to the 100 ns where a double holds it; within a millisecond, as the inventory compares, up to 30828
    for (const iso of DATES.slice(1, -1)) expect(filetimeOf(Date.parse(iso))).toBe(ft(iso));
    const far = filetimeOf(Date.parse(DATES.at(-1)!)) - ft(DATES.at(-1)!);
    expect(far < 10000n && far > -10000n).toBe(true);
    expect(filetimeOf(Date.parse(DATES[0]!))).toBe(1n);
    expect(filetimeOf(-EPOCH_DIFF_MS - 5)).toBe(1n);
    const k = fakeKernel({ '\\\\?\\C:\\f': { attributes: 0x20, written: 0n, size: 1 } });
    k.stat.setModified('C:\\f', Date.parse(DATES[2]!));
    expect(k.set).toEqual([{ h: 77, ft: ft(DATES[2]!) }]);
    // FILE_WRITE_ATTRIBUTES only; creation and access times untouched
    expect(k.calls).toEqual(['open \\\\?\\C:\\f 100', 'settime null null', 'close 77']);
  });

  it('a handle that cannot be opened, or a time refused, is thrown with its Windows error; the handle is closed either way', () => {
    const k = fakeKernel({ '\\\\?\\C:\\f': { attributes: 0x20, written: 0n, size: 1 }, '\\\\?\\C:\\held': 32, refuseTime: 1 });
    expect(thrown(() => k.stat.setModified('C:\\held', 0))).toMatchObject({ winError: 32, message: 'CreateFileW failed for C:\\held (Windows error 32)' });
    expect(thrown(() => k.stat.setModified('C:\\f', 0))).toMatchObject({ winError: 5, code: 'EPERM', message: 'SetFileTime failed for C:\\f (Windows error 5)' });
    expect(k.calls.at(-1)).toBe('close 77');
  });
});
