// The Windows guard's bookkeeping, on Linux through a fake kernel32 (the real one is exercised on
// the built exe in test/wine/): share modes per kind, release of every handle, and failures that
// name the path and the Win32 error.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { ZtiError } from '../../src/errors.js';
import { windowsGuard } from '../../src/win32/guard.js';
import { FILE_SHARE_READ, FILE_SHARE_WRITE, longPath, type Kernel32 } from '../../src/win32/kernel32.js';

function fakeKernel(fail: Record<string, number> = {}, factsFail: Record<string, number> = {}) {
  const open = new Map<number, { path: string; share: number }>();
  let next = 100;
  const k: Kernel32 & { open: typeof open } = {
    open,
    facts(h) {
      const o = open.get(h);
      if (!o) return { error: 6 }; // ERROR_INVALID_HANDLE: asked of a handle it does not hold
      if (factsFail[o.path] !== undefined) return { error: factsFail[o.path]! };
      return { id: `id of ${o.path}`, size: o.path.length, mtimeMs: h };
    },
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
    const held = windowsGuard(k).holdAll({ files: ['C:\\MININT\\PackageSource\\a.cab'], dirs: ['C:\\MININT\\PackageSource'] });
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

  it('reads each held file\'s ID, size and time from the handle it holds, in the order asked, for VERIFY', () => {
    const k = fakeKernel();
    const asked: number[] = [];
    const facts = k.facts;
    k.facts = (h) => (asked.push(h), facts(h));
    const held = windowsGuard(k).holdAll({ files: ['C:\\P\\b', 'C:\\P\\a'], dirs: ['C:\\P'] });
    expect(held.facts).toEqual([
      { id: 'id of \\\\?\\C:\\P\\b', size: 10, mtimeMs: 102 },
      { id: 'id of \\\\?\\C:\\P\\a', size: 10, mtimeMs: 103 },
    ]);
    expect(asked).toEqual([102, 103]); // the files' handles, not the folder's: one call each
    expect(held.files).toBe(2);
  });

  it('a held file whose facts cannot be read stops the run with its path and Win32 error, and lets go of every handle', () => {
    const k = fakeKernel({}, { '\\\\?\\C:\\P\\a': 1 });
    let err: unknown;
    try {
      windowsGuard(k).holdAll({ files: ['C:\\P\\a'], dirs: ['C:\\P'] });
    } catch (e) {
      err = e;
    }
    expect((err as ZtiError).exitCode).toBe(ExitCode.GUARD_FAILED);
    expect((err as ZtiError).describe()).toBe('cannot hold C:\\P\\a open; the launcher was not started (Windows error 1)');
    expect(k.open.size).toBe(0);
  });

  it('says what it is: it protects, and the system closes its handles when the process ends', () => {
    const g = windowsGuard(fakeKernel());
    expect(g).toMatchObject({ protects: true, closedByExit: true, description: 'CreateFileW share-read handles (files cannot be deleted, renamed or changed while held)' });
  });

  it('a file that cannot be held stops the run with its path and Win32 error, and lets go of the others', () => {
    const k = fakeKernel({ '\\\\?\\C:\\P\\b.wim': 32 });
    let err: unknown;
    try {
      windowsGuard(k).holdAll({ files: ['C:\\P\\a.cab', 'C:\\P\\b.wim'], dirs: ['C:\\P'] });
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
    expect(() => windowsGuard(k).holdAll({ files: ['C:\\P\\gone.txt'], dirs: [] })).toThrow(/staged file or folder is missing: C:\\P\\gone\.txt/);
  });

  it('long paths: drive paths and UNC paths get the \\\\?\\ prefix once', () => {
    expect(longPath('C:\\a')).toBe('\\\\?\\C:\\a');
    expect(longPath('\\\\srv\\share\\a')).toBe('\\\\?\\UNC\\srv\\share\\a');
    expect(longPath('\\\\?\\C:\\a')).toBe('\\\\?\\C:\\a');
  });
});
