// Where a folder is on Windows, for the folder as opened (src/platform/win32/locate.ts): the final
// path read from its handle decides (a share behind a link, a volume mounted in a folder), over a
// fake kernel32; under Wine the real calls copy a package reached through a link to N:.
import { describe, expect, it } from 'vitest';
import { bindLocate, locationOf, readablePath } from '../../../../src/platform/win32/locate.js';
import type { Koffi } from '../../../../src/platform/win32/load-native.js';

const [REMOVABLE, FIXED, REMOTE, CDROM] = [2, 3, 4, 5];

describe('where a folder is, as opened', () => {
  it('a final path on a share is remote whatever the drive type; otherwise the type of the volume that holds it; a read-only volume is read-only', () => {
    expect(locationOf('\\\\?\\UNC\\srv\\share\\PKG1', FIXED, 0)).toEqual({ medium: 'remote', final: '\\\\?\\UNC\\srv\\share\\PKG1' });
    expect(locationOf('\\\\?\\unc\\srv\\share', 0, undefined).medium).toBe('remote');
    expect(locationOf('\\\\?\\N:\\pkg', REMOTE, 0).medium).toBe('remote');
    expect(locationOf('\\\\?\\C:\\Mounts\\USB\\pkg', REMOVABLE, 0).medium).toBe('removable');
    expect(locationOf('\\\\?\\D:\\pkg', CDROM, 0x80000).medium).toBe('cdrom');
    expect(locationOf('\\\\?\\C:\\pkg', FIXED, 0x80000).medium).toBe('readonly');
    expect(locationOf('\\\\?\\C:\\pkg', FIXED, 0x7ffff).medium).toBe('fixed');
    expect(locationOf('\\\\?\\C:\\pkg', FIXED, undefined).medium).toBe('fixed');
  });

  it('says the final path as an admin writes it', () => {
    expect(readablePath('\\\\?\\UNC\\srv\\share\\PKG1')).toBe('\\\\srv\\share\\PKG1');
    expect(readablePath('\\\\?\\C:\\Packages\\PKG1')).toBe('C:\\Packages\\PKG1');
    expect(readablePath('\\\\?\\Volume{1234}\\PKG1')).toBe('\\\\?\\Volume{1234}\\PKG1');
  });

  /** kernel32 that opens `folder`, whose final DOS path is `dos` (or none), GUID path `guid`, in the volume at `root` of type `type` */
  function fake(w: { dos?: string; guid?: string; root?: string; type: number; flags?: number; open?: boolean }) {
    const calls: string[] = [];
    const put = (buf: Buffer, s: string) => (buf.write(`${s}\0`, 'utf16le'), s.length);
    const impl: Record<string, (...a: any[]) => unknown> = {
      CreateFileW: (name: string) => (calls.push(`open ${name}`), w.open === false ? -1 : 9),
      CloseHandle: (h: number) => (calls.push(`close ${h}`), true),
      GetFinalPathNameByHandleW: (h: number, buf: Buffer, _size: number, flags: number) => {
        const s = flags === 0 ? w.dos : w.guid;
        return s === undefined ? 0 : put(buf, s);
      },
      GetVolumePathNameW: (name: string, buf: Buffer) => (calls.push(`volume of ${name}`), w.root === undefined ? false : (put(buf, w.root), true)),
      GetDriveTypeW: (root: string) => (calls.push(`type of ${root}`), w.type),
      GetVolumeInformationByHandleW: (_h: number, _n: unknown, _ns: number, _s: unknown, _m: unknown, flags: number[]) => ((flags[0] = w.flags ?? 0), true),
    };
    const koffi = { load: () => ({ func: (sig: string) => impl[/\s(\w+)\(/.exec(sig)![1]!] }) } as unknown as Koffi;
    return { locate: bindLocate(koffi, () => 5, () => 'C:\\'), calls };
  }

  it('a local spelling that is a link to a share: remote, with the share\'s path; the handle closed', () => {
    const k = fake({ dos: '\\\\?\\UNC\\srv\\share\\PKG1', root: '\\\\srv\\share\\', type: REMOTE });
    expect(k.locate('C:\\Packages\\PKG1')).toEqual({ medium: 'remote', final: '\\\\srv\\share\\PKG1' });
    expect(k.calls).toEqual(['open \\\\?\\C:\\Packages\\PKG1', 'volume of \\\\srv\\share\\PKG1', 'type of \\\\srv\\share\\', 'close 9']);
  });

  it('a volume mounted in a folder is asked by its own root, not C:\\; one without a drive letter by its GUID path', () => {
    const usb = fake({ dos: '\\\\?\\C:\\Mounts\\USB\\PKG', root: 'C:\\Mounts\\USB\\', type: REMOVABLE });
    expect(usb.locate('C:\\Mounts\\USB\\PKG')).toEqual({ medium: 'removable', final: 'C:\\Mounts\\USB\\PKG' });
    expect(usb.calls).toContain('type of C:\\Mounts\\USB\\');
    const guid = fake({ guid: '\\\\?\\Volume{1234}\\PKG', root: '\\\\?\\Volume{1234}\\', type: CDROM });
    expect(guid.locate('C:\\Mounts\\CD\\PKG')).toEqual({ medium: 'cdrom', final: '\\\\?\\Volume{1234}\\PKG' });
  });

  it('a volume that cannot be found, or judged, from the final path is asked by the final path\'s own root; a folder that cannot be opened is named', () => {
    const k = fake({ dos: '\\\\?\\C:\\pkg', type: FIXED, flags: 0x80000 });
    expect(k.locate('C:\\pkg')).toEqual({ medium: 'readonly', final: 'C:\\pkg' });
    expect(k.calls).toContain('type of C:\\');
    // a root the type call cannot judge (Wine with a \\?\ root): the drive of the final path, never C: of the spelling
    const types: string[] = [];
    const link = fake({ dos: '\\\\?\\N:\\ccmcache\\PKG', root: '\\\\?\\N:\\', type: 0 });
    const typed = link.locate('C:\\Packages\\PKG');
    types.push(...link.calls.filter((c) => c.startsWith('type of')));
    expect(types).toEqual(['type of \\\\?\\N:\\', 'type of N:\\']);
    expect(typed.final).toBe('N:\\ccmcache\\PKG');
    expect(() => fake({ type: FIXED, open: false }).locate('C:\\gone')).toThrow(expect.objectContaining({ code: 'ENOENT', path: 'C:\\gone', message: 'cannot open C:\\gone to find its volume (Windows error 5)' }));
  });
});
