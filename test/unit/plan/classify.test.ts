import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseMode, classifySource, isUncPath } from '../../../src/plan/classify.js';
import type { Medium } from '../../../src/core/types.js';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { isInside } from '../../../src/core/paths.js';

describe('source classification', () => {
  it('recognises UNC paths in every spelling', () => {
    for (const p of ['\\\\?\\unc\\server\\share\\pkg', '\\\\.\\unc\\server\\share', '\\\\server\\share', '\\\\server\\share\\pkg', '\\\\?\\UNC\\server\\share\\pkg', '\\\\.\\UNC\\srv\\s', '//server/share/pkg', '\\\\10.0.0.5\\smspkgd$\\ABC00001']) {
      expect(isUncPath(p), p).toBe(true);
    }
  });

  it('local paths, long-path prefixes of local drives and POSIX paths are not UNC', () => {
    for (const p of ['C:\\Windows\\ccmcache\\1', '\\\\?\\C:\\Windows\\ccmcache\\1', 'D:', '/tmp/pkg', '\\\\server', 'relative\\x']) {
      expect(isUncPath(p), p).toBe(false);
    }
  });

  it('a mapped network drive is remote because the platform says so, not by its letter', () => {
    const probe = (p: string): Medium => (p.toUpperCase().startsWith('N:') ? 'remote' : p.toUpperCase().startsWith('D:') ? 'cdrom' : 'fixed');
    expect(classifySource('N:\\packages\\xp', probe)).toBe('remote');
    expect(classifySource('D:\\SMS\\PKG', probe)).toBe('cdrom');
    expect(classifySource('C:\\Windows\\system32\\ccm\\cache\\ABC', probe)).toBe('local');
    expect(classifySource('\\\\srv\\share', () => 'fixed')).toBe('unc');
  });

  it('auto moves local sources and copies network ones; move off the network is refused', () => {
    expect(chooseMode('local', 'auto', 'C:\\c')).toBe('move');
    expect(chooseMode('unc', 'auto', '\\\\s\\x')).toBe('copy');
    expect(chooseMode('remote', 'auto', 'N:\\x')).toBe('copy');
    expect(chooseMode('local', 'copy', 'C:\\c')).toBe('copy');
    expect(() => chooseMode('remote', 'move', 'N:\\x')).toThrow(/never moves files off a server/);
    let thrown: unknown;
    try {
      chooseMode('unc', 'move', '\\\\s\\x');
    } catch (err) {
      thrown = err;
    }
    expect((thrown as { exitCode?: number } | undefined)?.exitCode).toBe(ExitCode.USAGE);
  });
});

describe('overlap of source and target', () => {
  const w = path.win32;
  it('Windows paths compare without case and with or without the long-path prefix', () => {
    expect(isInside(w, 'C:\\MININT\\PackageSource\\x', 'c:\\minint\\packagesource')).toBe(true);
    expect(isInside(w, 'C:\\MININT\\PackageSourceOld', 'C:\\MININT\\PackageSource')).toBe(false);
  });
});
