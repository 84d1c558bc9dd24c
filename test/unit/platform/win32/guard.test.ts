// The Windows guard's bookkeeping, on Linux through a fake kernel32 (the real one is exercised on
// the built exe in test/wine/): share modes per kind, release of every handle, and failures that
// name the path and the Win32 error.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../../src/core/exit-codes.js';
import { ZtiError } from '../../../../src/core/errors.js';
import { windowsGuard } from '../../../../src/platform/win32/guard.js';
import { FILE_SHARE_READ, FILE_SHARE_WRITE, longPath, type Kernel32 } from '../../../../src/platform/win32/kernel32.js';
import type { FoundEntry } from '../../../../src/core/walk.js';

/** Folder listings by handle and by path, as the enumeration gives them; each call recorded. */
function fakeDirs(k: ReturnType<typeof fakeKernel>, byPath: Record<string, FoundEntry[]>) {
  const asked: string[] = [];
  return {
    asked,
    listHandle: (h: number) => {
      const o = k.open.get(h);
      if (!o) return { error: 6 }; // ERROR_INVALID_HANDLE: a handle it does not hold
      asked.push(`handle ${o.path}`);
      return byPath[o.path] ?? [];
    },
    list: (dir: string) => (asked.push(`path ${dir}`), byPath[longPath(dir)] ?? []),
  };
}
const noDirs = { list: () => [], listHandle: () => [] };

function fakeKernel(fail: Record<string, number> = {}) {
  const open = new Map<number, { path: string; share: number }>();
  let next = 100;
  const k: Kernel32 & { open: typeof open } = {
    open,
    openExclusive: () => ({ error: 5 }),
    clusterBytes: () => 4096,
    openShared(path, share) {
      if (fail[path] !== undefined) return { error: fail[path]! };
      open.set(++next, { path, share });
      return next;
    },
    close: (h) => open.delete(h),
    driveType: () => 3,
    freeBytes: () => 0,
    lastError: () => 0,
  };
  return k;
}

describe('Windows guard', () => {
  it('opens files share-read, folders share-read|write (never share-delete), all by their \\\\?\\ long path; release closes them all', () => {
    const k = fakeKernel();
    const held = windowsGuard(k, noDirs).holdAll({ files: ['C:\\MININT\\PackageSource\\a.cab'], dirs: ['C:\\MININT\\PackageSource'] });
    const byPath = new Map([...k.open.values()].map((o) => [o.path, o.share]));
    expect(byPath.get('\\\\?\\C:\\MININT\\PackageSource\\a.cab')).toBe(FILE_SHARE_READ);
    expect(byPath.get('\\\\?\\C:\\MININT\\PackageSource')).toBe(FILE_SHARE_READ | FILE_SHARE_WRITE);
    expect(byPath.size).toBe(2);
    expect(held).toMatchObject({ files: 1, dirs: 1 });
    const closed: unknown[] = [];
    const realClose = k.close;
    k.close = (h) => (closed.push(h), realClose(h));
    held.release();
    expect(k.open.size).toBe(0);
    expect(closed.every((h) => typeof h === 'number')).toBe(true);
    expect(closed).toHaveLength(2);
  });

  it('lends VERIFY a walk that lists every held folder through the handle it holds, a folder it does not hold by its path', () => {
    const k = fakeKernel();
    const file = (name: string): FoundEntry => ({ name, kind: 'file', size: 1, mtimeMs: 2, id: `id-${name}` });
    const dirs = fakeDirs(k, {
      '\\\\?\\C:\\P': [file('a'), { name: 'sub', kind: 'dir', size: 0, mtimeMs: 0, id: 'd' }, { name: 'stray', kind: 'dir', size: 0, mtimeMs: 0 }],
      '\\\\?\\C:\\P\\sub': [file('b')],
      '\\\\?\\C:\\P\\stray': [file('c')],
    });
    const held = windowsGuard(k, dirs).holdAll({ files: ['C:\\P\\a', 'C:\\P\\sub\\b'], dirs: ['C:\\P', 'C:\\P\\sub'] });
    const seen: string[] = [];
    held.walk!(path.win32, 'C:\\P', (rel, kind, _size, _mtime, id) => void seen.push(`${rel} ${kind} ${id}`));
    expect(seen).toEqual(['a file id-a', 'stray dir undefined', 'sub dir d', 'stray/c file id-c', 'sub/b file id-b']);
    expect(dirs.asked).toEqual(['handle \\\\?\\C:\\P', 'path C:\\P\\stray', 'handle \\\\?\\C:\\P\\sub']);
    expect(held).toMatchObject({ files: 2, dirs: 2 });
  });

  it('a held folder that cannot be listed stops VERIFY\'s walk, naming it with its Win32 error', () => {
    const k = fakeKernel();
    const held = windowsGuard(k, { list: () => [], listHandle: () => ({ error: 5 }) }).holdAll({ files: [], dirs: ['C:\\P'] });
    expect(() => held.walk!(path.win32, 'C:\\P', () => undefined)).toThrow(/cannot read folder C:\\P/);
  });

  it('says what it is: it protects, and the system closes its handles when the process ends', () => {
    const g = windowsGuard(fakeKernel(), noDirs);
    expect(g).toMatchObject({ protects: true, closedByExit: true, description: 'CreateFileW share-read handles (files cannot be deleted, renamed or changed while held)' });
  });

  it('a file that cannot be held stops the run with its path and Win32 error, and lets go of the others', () => {
    const k = fakeKernel({ '\\\\?\\C:\\P\\b.wim': 32 });
    let err: unknown;
    try {
      windowsGuard(k, noDirs).holdAll({ files: ['C:\\P\\a.cab', 'C:\\P\\b.wim'], dirs: ['C:\\P'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZtiError);
    expect((err as ZtiError).exitCode).toBe(ExitCode.GUARD_FAILED);
    expect((err as ZtiError).describe()).toBe('cannot hold C:\\P\\b.wim open; the launcher was not started (Windows error 32)');
    expect(k.open.size).toBe(0);
  });

  it('a staged file gone at guard time is a verification failure', () => {
    const k = fakeKernel({ '\\\\?\\C:\\P\\gone.txt': 2 });
    expect(() => windowsGuard(k, noDirs).holdAll({ files: ['C:\\P\\gone.txt'], dirs: [] })).toThrow(/staged file or folder is missing: C:\\P\\gone\.txt/);
  });

  it('long paths: drive paths and UNC paths get the \\\\?\\ prefix once', () => {
    expect(longPath('C:\\a')).toBe('\\\\?\\C:\\a');
    expect(longPath('\\\\srv\\share\\a')).toBe('\\\\?\\UNC\\srv\\share\\a');
    expect(longPath('\\\\?\\C:\\a')).toBe('\\\\?\\C:\\a');
  });
});
