// Path comparisons by identity of spelling on each platform (case, \\?\ and \\?\UNC\ prefixes,
// trailing separators, drive roots), package-relative paths in and out, and what a journal or
// manifest may name.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRel, isInside, isSafeRel, toRel } from '../../../src/core/paths.js';
import { posixNames, winNames } from '../../helpers/names.js';

const w = path.win32;
const p = path.posix;

describe('isInside', () => {
  it('Windows: strictly inside, whatever the case, the \\\\?\\ or \\\\?\\UNC\\ prefix or a trailing backslash', () => {
    expect(isInside(w, '\\\\?\\C:\\MININT\\PackageSource\\x', 'c:\\minint\\packagesource\\')).toBe(true);
    expect(isInside(w, '\\\\?\\UNC\\srv\\share\\pkg\\a', '\\\\SRV\\Share\\pkg')).toBe(true);
    expect(isInside(w, '\\\\?\\UNC\\srv\\share\\pkg', '\\\\srv\\share\\pkg')).toBe(false);
    expect(isInside(w, 'C:\\MININT\\PackageSource', 'C:\\MININT\\PackageSource\\')).toBe(false);
    expect(isInside(w, 'C:\\MININT\\PackageSourceOld\\x', 'C:\\MININT\\PackageSource')).toBe(false);
    expect(isInside(w, 'C:\\MININT', 'C:\\')).toBe(true);
    expect(isInside(w, 'C:\\', 'C:\\')).toBe(false);
    expect(isInside(w, 'D:\\MININT', 'C:\\')).toBe(false);
  });

  it('Windows: a root is one folder however it is spelled: a drive as C:\\ or \\\\?\\C:\\, a share with or without \\\\?\\UNC\\ and its backslash', () => {
    // path.win32.resolve gives \\?\C: for \\?\C:\ (no backslash), C:\ for C:\, and keeps a share root's backslash
    expect(isInside(w, 'C:\\', '\\\\?\\C:\\')).toBe(false);
    expect(isInside(w, '\\\\?\\C:\\', 'C:\\')).toBe(false);
    expect(isInside(w, 'C:\\MININT', '\\\\?\\C:\\')).toBe(true);
    expect(isInside(w, '\\\\?\\C:\\MININT', 'c:\\')).toBe(true);
    expect(isInside(w, '\\\\srv\\share', '\\\\?\\UNC\\srv\\share')).toBe(false);
    expect(isInside(w, '\\\\srv\\share\\', '\\\\?\\UNC\\srv\\share\\')).toBe(false);
    expect(isInside(w, '\\\\?\\UNC\\srv\\share', '\\\\srv\\share\\')).toBe(false);
    expect(isInside(w, '\\\\srv\\share\\pkg', '\\\\?\\UNC\\srv\\share')).toBe(true);
    // text before the prefix is no prefix
    expect(isInside(w, 'C:\\x\\\\?\\UNC\\srv', 'C:\\x')).toBe(true);
  });

  it('POSIX: case counts; the root holds everything but itself', () => {
    expect(isInside(p, '/pkg/a', '/pkg/')).toBe(true);
    expect(isInside(p, '/PKG/a', '/pkg')).toBe(false);
    expect(isInside(p, '/pkg', '/pkg')).toBe(false);
    expect(isInside(p, '/x', '/')).toBe(true);
    expect(isInside(p, '/', '/')).toBe(false);
  });
});

describe('package-relative paths', () => {
  it('toRel writes forward slashes; fromRel joins with the platform separator, the root itself for ""', () => {
    expect(toRel(w, 'C:\\pkg', 'C:\\pkg\\OSD\\a.cab')).toBe('OSD/a.cab');
    expect(toRel(p, '/pkg', '/pkg/OSD/a.cab')).toBe('OSD/a.cab');
    expect(fromRel(w, 'C:\\pkg', 'OSD/x/a.cab')).toBe('C:\\pkg\\OSD\\x\\a.cab');
    expect(fromRel(w, 'C:\\', 'OSD/a.cab')).toBe('C:\\OSD\\a.cab');
    expect(fromRel(p, '/pkg', 'OSD/a.cab')).toBe('/pkg/OSD/a.cab');
    expect(fromRel(p, '/', 'a')).toBe('/a');
    expect(fromRel(w, 'C:\\pkg', '')).toBe('C:\\pkg');
  });

  it('isSafeRel: no empty, "." or ".." part, no NUL; on Windows no backslash or colon (drives, streams), as the names rules say', () => {
    for (const ok of ['a', 'OSD/a.cab', 'a..b/c.', '.hidden']) expect(isSafeRel(ok, winNames), ok).toBe(true);
    for (const bad of ['', '/a', 'a/', 'a//b', './a', 'a/./b', '../a', 'a/..', 'a\0b']) expect(isSafeRel(bad, posixNames), JSON.stringify(bad)).toBe(false);
    for (const bad of ['a\\b', 'C:x', 'a.txt:stream', 'a?b', 'sub/a|b']) {
      expect(isSafeRel(bad, winNames), bad).toBe(false);
      expect(isSafeRel(bad, posixNames), bad).toBe(true);
    }
  });
});
