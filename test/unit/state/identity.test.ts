// Locations are compared by identity (volume + file ID), never by spelling: every other spelling of
// a folder — "..", "./", a trailing slash, a symbolic link above it, a bind mount — is the folder.
import { execaSync } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { entryId, formatId, idOf, isVolumeRoot, locateUnder, sameId } from '../../../src/state/identity.js';
import { POSIX_HOST, WINDOWS_HOST, useHost } from '../../../src/core/host.js';
import { checkOverlap, checkTargetSafe } from '../../../src/plan/checks.js';
import { mountTmpfs, needs, tempDir } from '../../helpers/fixtures.js';

const p = path.posix;

function layout() {
  const dir = tempDir('zti-id-');
  const source = path.join(dir, 'cache', 'PKG');
  const target = path.join(dir, 'MININT', 'PackageSource');
  fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(target, 'sub'), { recursive: true });
  return { dir, source, target };
}

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { exitCode?: number }).exitCode;
  }
  return undefined;
}

describe('identity of a location', () => {
  it('every spelling of one folder is the same folder: the restart case, not an error', () => {
    const { dir, target } = layout();
    for (const other of [`${target}/`, `${dir}/MININT/./PackageSource`, `${dir}/cache/../MININT/PackageSource`, `${target}/sub/..`]) {
      expect(checkOverlap(p, other, target), other).toBe('same');
    }
  });

  it('a source inside the target through a symbolic link above it is an overlap', () => {
    const { dir, source, target } = layout();
    fs.symlinkSync(target, path.join(dir, 'innocent'));
    expect(code(() => checkOverlap(p, path.join(dir, 'innocent', 'sub'), target))).toBe(ExitCode.OVERLAP);
    expect(code(() => checkOverlap(p, `${dir}/MININT/PackageSource/sub/../sub`, target))).toBe(ExitCode.OVERLAP);
    expect(checkOverlap(p, source, target)).toBe('apart');
  });

  it('a target (that does not exist yet) inside the source, by any spelling, is an overlap', () => {
    const { dir, source } = layout();
    fs.symlinkSync(source, path.join(dir, 'alias'));
    expect(code(() => checkOverlap(p, source, path.join(dir, 'alias', 'MININT', 'PackageSource')))).toBe(ExitCode.OVERLAP);
    expect(code(() => checkOverlap(p, source, `${dir}/cache/x/../PKG/new`))).toBe(ExitCode.OVERLAP);
    expect(code(() => checkOverlap(p, '/', path.join(dir, 'MININT', 'PackageSource')))).toBe(ExitCode.OVERLAP);
  });

  it('locateUnder gives the path below a folder found by identity, as spelled', () => {
    const { dir, source } = layout();
    fs.symlinkSync(source, path.join(dir, 'alias'));
    expect(locateUnder(p, path.join(dir, 'alias', 'sub', 'OSDLaunch.exe'), idOf(source))).toBe('sub/OSDLaunch.exe');
    expect(locateUnder(p, source, idOf(source))).toBe('');
    expect(locateUnder(p, path.join(dir, 'MININT'), idOf(source))).toBeUndefined();
    expect(locateUnder(p, source, undefined)).toBeUndefined();
  });

  it('a folder removed and made again is another folder, even when the file system reuses its inode number', () => {
    const { dir } = layout();
    const d = path.join(dir, 'again');
    fs.mkdirSync(d);
    const first = idOf(d)!;
    fs.rmdirSync(d);
    fs.mkdirSync(d);
    const second = idOf(d)!;
    expect(sameId(first, second)).toBe(false);
    // and when only the inode number is reused (what ext4 does), the birth time tells them apart
    expect(sameId({ dev: '1', ino: '2', born: '10' }, { dev: '1', ino: '2', born: '11' })).toBe(false);
    expect(sameId({ dev: '1', ino: '2', born: '10' }, { dev: '1', ino: '2', born: '10' })).toBe(true);
    expect(sameId({ dev: '1', ino: '2' }, { dev: '1', ino: '2' })).toBe(true);
  });

  it('volume roots are recognised, by spelling and as mount points', (ctx) => {
    expect(isVolumeRoot(p, '/')).toBe(true);
    // a mount point made here, so the check bites on any machine (not only where /dev/shm is one)
    const mnt = path.join(layout().dir, 'volume');
    const unmount = mountTmpfs(mnt);
    if (!needs(ctx, unmount !== undefined, 'root to mount a tmpfs')) return;
    try {
      expect(isVolumeRoot(p, mnt)).toBe(true);
      expect(isVolumeRoot(p, `${mnt}/`)).toBe(true);
      fs.mkdirSync(path.join(mnt, 'sub'));
      expect(isVolumeRoot(p, path.join(mnt, 'sub'))).toBe(false);
    } finally {
      unmount!();
    }
    expect(isVolumeRoot(p, layout().target)).toBe(false);
    expect(code(() => checkTargetSafe(p, '/'))).toBe(ExitCode.TARGET_UNSAFE);
  });

  it('through a bind mount (where this machine allows one)', (ctx) => {
    const { dir, source, target } = layout();
    const mnt = path.join(dir, 'bind');
    fs.mkdirSync(mnt);
    if (!needs(ctx, execaSync('mount', ['--bind', target, mnt], { reject: false }).exitCode === 0, 'root to bind-mount')) return;
    try {
      expect(code(() => checkOverlap(p, path.join(mnt, 'sub'), target))).toBe(ExitCode.OVERLAP);
      expect(checkOverlap(p, mnt, target)).toBe('same');
      expect(checkOverlap(p, source, mnt)).toBe('apart');
    } finally {
      execaSync('umount', [mnt], { reject: false });
    }
  });

  it('an identity is volume, file and (POSIX) birth time; nothing there, or a path through a file, has none', () => {
    const { dir, target } = layout();
    const id = idOf(target)!;
    const st = fs.statSync(target, { bigint: true });
    expect(id.dev).toBe(st.dev.toString());
    expect(id.ino).toBe(st.ino.toString());
    if (st.birthtimeNs > 0n) expect(id.born).toBe(st.birthtimeNs.toString());
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(idOf(path.join(dir, 'file', 'below'))).toBeUndefined(); // ENOTDIR, not a throw
    expect(idOf(path.join(dir, 'absent'))).toBeUndefined();
    expect(sameId(undefined, id)).toBe(false);
    expect(sameId(id, undefined)).toBe(false);
    expect(sameId({ dev: '1', ino: '2' }, { dev: '2', ino: '2' })).toBe(false);
    expect(sameId({ dev: '1', ino: '2' }, { dev: '1', ino: '3' })).toBe(false);
    expect(sameId({ dev: '1', ino: '2', born: '5' }, { dev: '1', ino: '2' })).toBe(true);
    expect(sameId({ dev: '1', ino: '2' }, { dev: '1', ino: '2', born: '5' })).toBe(true);
  });

  it('an identity in words, for the log', () => {
    expect(formatId(undefined)).toBe('none');
    expect(formatId({ dev: '2049', ino: '131' })).toBe('volume 2049, file 131');
    expect(formatId({ dev: '2049', ino: '131', born: '1700000000000000000' })).toBe('volume 2049, file 131, born 1700000000000000000');
  });

  it('a path whose parent cannot be examined is not taken for a volume root; nor is one that does not exist', () => {
    const { dir } = layout();
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(isVolumeRoot(p, path.join(dir, 'file', 'below'))).toBe(false);
    expect(isVolumeRoot(p, path.join(dir, 'absent'))).toBe(false);
    expect(isVolumeRoot(path.win32, 'C:\\')).toBe(true);
    expect(isVolumeRoot(p, '/tmp/..')).toBe(true);
  });

  it('a birth time is part of an identity only on POSIX, and only where the file system keeps one', () => {
    const { target } = layout();
    const real = fs.statSync(target, { bigint: true });
    try {
      useHost(WINDOWS_HOST); // NTFS IDs carry their own sequence number; a creation time there is the owner's to set
      expect(idOf(target)).toEqual({ dev: real.dev.toString(), ino: real.ino.toString() });
      expect(entryId(77n, 1700000000123.9)).toBe('77');
    } finally {
      useHost(POSIX_HOST);
    }
    expect(entryId(77, 1700000000123.9)).toBe('77@1700000000123');
    expect(entryId(77, 0)).toBe('77');
    expect(entryId(77, -5)).toBe('77');
    expect(entryId(77)).toBe('77');
    // a file system without birth times (an older tmpfs, NFS) gives 0: no "born" then
    const stat = vi.spyOn(fs, 'statSync').mockReturnValueOnce({ ...real, dev: real.dev, ino: real.ino, birthtimeNs: 0n } as unknown as fs.BigIntStats);
    try {
      expect(idOf(target)).toEqual({ dev: real.dev.toString(), ino: real.ino.toString() });
    } finally {
      stat.mockRestore();
    }
  });
});
