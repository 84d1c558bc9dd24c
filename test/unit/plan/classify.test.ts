import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseMode, classifySource, openedElsewhere, isUncPath } from '../../../src/plan/classify.js';
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

  it('a mapped network drive, or a folder that is a link to a share, is remote because the platform says so, not by its letter', () => {
    const at = (medium: Medium) => ({ medium });
    expect(classifySource('N:\\packages\\xp', at('remote'))).toBe('remote');
    expect(classifySource('C:\\Packages\\PKG1', at('remote'))).toBe('remote');
    expect(classifySource('D:\\SMS\\PKG', at('cdrom'))).toBe('cdrom');
    expect(classifySource('C:\\Mounts\\USB\\PKG', at('removable'))).toBe('removable');
    expect(classifySource('C:\\Windows\\system32\\ccm\\cache\\ABC', at('fixed'))).toBe('local');
    expect(classifySource('\\\\srv\\share', at('fixed'))).toBe('unc');
  });

  it('the final path is said beside the source only when it is somewhere else than the spelling', () => {
    const w = path.win32;
    expect(openedElsewhere(w, 'C:\\Packages\\PKG1', '\\\\server\\share\\PKG1')).toBe('\\\\server\\share\\PKG1');
    expect(openedElsewhere(w, 'C:\\Mounts\\USB\\PKG', '\\\\?\\Volume{1234}\\PKG')).toBe('\\\\?\\Volume{1234}\\PKG');
    for (const same of ['C:\\ccmcache\\ABC', 'c:\\CCMCACHE\\abc', '\\\\?\\C:\\ccmcache\\ABC', 'C:\\ccmcache\\ABC\\']) expect(openedElsewhere(w, 'C:\\ccmcache\\ABC', same), same).toBeUndefined();
    expect(openedElsewhere(w, 'C:\\ccmcache\\ABC', undefined)).toBeUndefined();
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
