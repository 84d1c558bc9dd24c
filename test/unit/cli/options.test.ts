import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args.js';
import { nativeDirOf, resolveOptions, type Runtime } from '../../../src/cli/options.js';

const win: Runtime = { platform: 'win32', env: { SystemDrive: 'C:' }, execPath: 'C:\\Windows\\system32\\CCM\\Cache\\ABC00001.1.System\\zticache.exe', packaged: true, cwd: 'C:\\Windows\\system32' };

describe('defaults', () => {
  it('with no arguments on Windows: the exe folder to %SystemDrive%\\MININT\\PackageSource, OSDLaunch.exe, OSDLOGS', () => {
    const o = resolveOptions(parseArgs([]), win);
    expect(o.source).toBe('C:\\Windows\\system32\\CCM\\Cache\\ABC00001.1.System');
    expect(o.target).toBe('C:\\MININT\\PackageSource');
    expect(o.launcher).toBe('C:\\MININT\\PackageSource\\OSDLaunch.exe');
    expect(o.log).toBe('C:\\MININT\\SMSOSD\\OSDLOGS\\ZTICache.log');
    expect(o.runningExe).toBe(win.execPath);
    expect(o.targetIsDefault).toBe(true);
    expect(o.stateDir).toBe('C:\\ProgramData\\zticache');
    expect(o.eventSource).toBe('WSH');
  });

  it('follows %SystemDrive% when Windows is not on C:', () => {
    const o = resolveOptions(parseArgs([]), { ...win, env: { SystemDrive: 'D:' } });
    expect(o.target).toBe('D:\\MININT\\PackageSource');
    expect(o.log).toBe('D:\\MININT\\SMSOSD\\OSDLOGS\\ZTICache.log');
  });

  it('--source overrides the exe folder', () => {
    const o = resolveOptions(parseArgs(['/source:\\\\srv\\pkgs\\XP']), win);
    expect(o.source).toBe('\\\\srv\\pkgs\\XP');
  });

  it('%ProgramData% holds the state; --state-dir overrides it; a given --target is not the default', () => {
    const o = resolveOptions(parseArgs(['--target', 'E:\\PackageSource', '--state-dir', 'D:\\zs']), { ...win, env: { SystemDrive: 'C:', ProgramData: 'D:\\PD' } });
    expect(o.stateDir).toBe('D:\\zs');
    expect(o.targetIsDefault).toBe(false);
    expect(resolveOptions(parseArgs([]), { ...win, env: { SystemDrive: 'C:', ProgramData: 'D:\\PD' } }).stateDir).toBe('D:\\PD\\zticache');
  });

  it('an absolute launcher stays absolute, a relative one is in the target', () => {
    expect(resolveOptions(parseArgs(['--launch', 'D:\\tools\\x.exe']), win).launcher).toBe('D:\\tools\\x.exe');
    expect(resolveOptions(parseArgs(['--launch', 'sub\\x.exe']), win).launcher).toBe('C:\\MININT\\PackageSource\\sub\\x.exe');
  });

  it('run through node, --source is required; on POSIX --target is too', () => {
    const posix: Runtime = { platform: 'linux', env: {}, execPath: '/usr/bin/node', packaged: false, cwd: '/home/a' };
    expect(() => resolveOptions(parseArgs([]), posix)).toThrow(/--source is required/);
    expect(() => resolveOptions(parseArgs(['--source', 'p']), posix)).toThrow(/--target is required/);
    const o = resolveOptions(parseArgs(['--source', 'p', '--target', '/x/MININT/PackageSource']), posix);
    expect(o.source).toBe('/home/a/p');
    expect(o.log).toBe('/x/MININT/SMSOSD/OSDLOGS/ZTICache.log');
  });

  it('the status MIF: %windir% (else %SystemRoot%, else the system drive\'s Windows), named by --status-mif, zticache\'s names unless given', () => {
    const env = { SystemDrive: 'D:', windir: 'E:\\WINNT', SystemRoot: 'F:\\Windows' };
    expect(resolveOptions(parseArgs(['/status-mif:ZTICache.mif']), { ...win, env, version: '1.2.3' }).statusMif).toStrictEqual({ file: 'E:\\WINNT\\ZTICache.mif', publisher: 'zticache', product: 'zticache', version: '1.0' });
    expect(resolveOptions(parseArgs(['/status-mif:z.mif']), { ...win, env: { SystemDrive: 'D:', SystemRoot: 'F:\\Windows' } }).statusMif!.file).toBe('F:\\Windows\\z.mif');
    expect(resolveOptions(parseArgs(['/status-mif:z.mif']), { ...win, env: { SystemDrive: 'D:' } }).statusMif!.file).toBe('D:\\Windows\\z.mif');
    const named = resolveOptions(parseArgs(['/status-mif:z.mif', '/mif-publisher:Contoso', '/mif-product:XP', '/mif-version:7']), win).statusMif!;
    expect([named.publisher, named.product, named.version]).toEqual(['Contoso', 'XP', '7']);
    expect(resolveOptions(parseArgs([]), win).statusMif).toBeUndefined();
  });

  it('on POSIX the status MIF goes to the default log folder, wherever --log points', () => {
    const posix: Runtime = { platform: 'linux', env: {}, execPath: '/usr/bin/node', packaged: false, cwd: '/home/a' };
    const o = resolveOptions(parseArgs(['--source', 'p', '--target', '/x/MININT/PackageSource', '--log', '/home/a/p/OSD/z.log', '--status-mif', 'z.mif']), posix);
    expect(o.log).toBe('/home/a/p/OSD/z.log');
    expect(o.statusMif!.file).toBe('/x/MININT/SMSOSD/OSDLOGS/z.mif');
  });
});

describe('where zticache.exe keeps its native module (nativeDirOf)', () => {
  it("is %LOCALAPPDATA%\\zticache\\native: SYSTEM's profile for SYSTEM, a user's own for a user", () => {
    const system = 'C:\\WINDOWS\\system32\\config\\systemprofile';
    expect(nativeDirOf({ ...win, env: { LOCALAPPDATA: `${system}\\AppData\\Local`, USERPROFILE: 'C:\\elsewhere', ProgramData: 'C:\\ProgramData' } }))
      .toBe(`${system}\\AppData\\Local\\zticache\\native`);
    expect(nativeDirOf({ ...win, env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' } })).toBe('C:\\Users\\ann\\AppData\\Local\\zticache\\native');
  });

  it('is never under the state folder, whatever --state-dir says', () => {
    const rt = { ...win, env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local', ProgramData: 'C:\\ProgramData' } };
    expect(nativeDirOf(rt)).not.toContain(resolveOptions(parseArgs([]), rt).stateDir);
  });

  it('without %LOCALAPPDATA%: %USERPROFILE%\\AppData\\Local; without either, or with a relative one, left to the loader (the profile Windows names)', () => {
    expect(nativeDirOf({ ...win, env: { USERPROFILE: 'C:\\Users\\ann' } })).toBe('C:\\Users\\ann\\AppData\\Local\\zticache\\native');
    expect(nativeDirOf({ ...win, env: { LOCALAPPDATA: '', USERPROFILE: 'C:\\Users\\ann' } })).toBe('C:\\Users\\ann\\AppData\\Local\\zticache\\native');
    expect(nativeDirOf({ ...win, env: {} })).toBeUndefined();
    expect(nativeDirOf({ ...win, env: { LOCALAPPDATA: 'AppData\\Local' } })).toBeUndefined();
    expect(nativeDirOf({ ...win, env: { USERPROFILE: 'ann' } })).toBeUndefined();
  });

  it('POSIX has none', () => {
    expect(nativeDirOf({ platform: 'linux', env: { LOCALAPPDATA: '/x' }, execPath: '/usr/bin/node', packaged: false, cwd: '/' })).toBeUndefined();
  });
});
