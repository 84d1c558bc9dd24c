// Whether Windows can start a launcher, from its first bytes (src/platform/win32/pe.ts): the plan
// refuses an empty file, text, an MS-DOS program, a DLL, a driver or EFI image, and a program for
// another machine while the package is still in the cache folder. Under Wine the real exe refuses a
// 0-byte and a text OSDLaunch.exe before anything moves (test/wine).
import { describe, expect, it } from 'vitest';
import { BATCH, MACHINE, nameProblem, peProblem } from '../../../../src/platform/win32/pe.js';

/** A PE image's headers as a linker writes them: MZ, e_lfanew at 0x3c, PE\0\0, the file header, the optional header's subsystem. */
function image(o: { machine?: number; characteristics?: number; subsystem?: number; at?: number; sig?: string; mz?: string } = {}): Buffer {
  const at = o.at ?? 0x80;
  const b = Buffer.alloc(1024);
  b.write(o.mz ?? 'MZ', 0, 'latin1');
  b.writeUInt32LE(at, 0x3c);
  if (at + 94 > b.length) return b; // e_lfanew points past the file
  b.write(o.sig ?? 'PE\0\0', at, 'latin1');
  b.writeUInt16LE(o.machine ?? MACHINE.amd64, at + 4);
  b.writeUInt16LE(o.characteristics ?? 0x0022, at + 22);
  b.writeUInt16LE(o.subsystem ?? 3, at + 24 + 68);
  return b;
}

describe('a launcher Windows can start', () => {
  it('x64 and x86 console and GUI programs start on an x64 computer; ARM64 ones only on ARM64', () => {
    for (const subsystem of [2, 3]) for (const machine of [MACHINE.amd64, MACHINE.i386]) expect(peProblem(image({ machine, subsystem }), 1024, MACHINE.amd64)).toBeUndefined();
    expect(peProblem(image({ machine: MACHINE.arm64 }), 1024, MACHINE.amd64)).toBe('it is a program for ARM64, which this x64 computer cannot run');
    for (const machine of [MACHINE.arm64, MACHINE.amd64, MACHINE.i386]) expect(peProblem(image({ machine }), 1024, MACHINE.arm64)).toBeUndefined();
    expect(peProblem(image({ machine: 0x200 }), 1024, MACHINE.amd64)).toBe('it is a program for Itanium, which this x64 computer cannot run');
    expect(peProblem(image({ machine: 0x1c4 }), 1024, MACHINE.arm64)).toBe('it is a program for ARM, which this ARM64 computer cannot run');
    expect(peProblem(image({ machine: 0x9041 }), 1024, MACHINE.amd64)).toBe('it is a program for machine type 0x9041, which this x64 computer cannot run');
    // a computer whose own machine is not known by name is not named
    expect(peProblem(image({ machine: MACHINE.arm64 }), 1024, 0)).toBe('it is a program for ARM64, which this computer cannot run');
  });

  it('an empty file, text, an MS-DOS program, a header pointing nowhere are not programs', () => {
    expect(peProblem(Buffer.alloc(0), 0, MACHINE.amd64)).toBe('it is empty (0 bytes)');
    expect(peProblem(Buffer.from('@echo off\r\nsetup.exe /q\r\n'.repeat(5)), 120, MACHINE.amd64)).toBe('it is not a Windows program (no MZ header: a text or data file?)');
    expect(peProblem(Buffer.from('MZ'), 2, MACHINE.amd64)).toBe('it is not a Windows program (no MZ header: a text or data file?)');
    // 64 bytes with an MZ header hold e_lfanew: the PE header it points to is what is missing
    expect(peProblem(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62)]), 64, MACHINE.amd64)).toBe('it is not a Windows program (its PE header is not where the MZ header points)');
    expect(peProblem(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(61)]), 63, MACHINE.amd64)).toBe('it is not a Windows program (no MZ header: a text or data file?)');
    expect(peProblem(image({ mz: 'ZM' }), 1024, MACHINE.amd64)).toMatch(/no MZ header/);
    expect(peProblem(image({ sig: 'NE\0\0' }), 1024, MACHINE.amd64)).toBe('it is not a Windows program (an MS-DOS program, or a damaged image)');
    expect(peProblem(image({ at: 0x7fffffff }), 1024, MACHINE.amd64)).toBe("it is not a Windows program (its PE header is not where the MZ header points)");
    // the headers end exactly where the buffer does: still read
    const tight = image({ at: 1024 - 94 });
    expect(peProblem(tight, 1024, MACHINE.amd64)).toBeUndefined();
    expect(peProblem(image({ at: 1024 - 93 }), 1024, MACHINE.amd64)).toMatch(/its PE header is not where/);
  });

  it('a DLL, an image not marked executable, a driver or EFI image are not programs', () => {
    expect(peProblem(image({ characteristics: 0x2022 }), 1024, MACHINE.amd64)).toBe('it is a DLL, not a program');
    expect(peProblem(image({ characteristics: 0x0020 }), 1024, MACHINE.amd64)).toBe('it is not marked as an executable image (a damaged or unfinished link)');
    for (const subsystem of [1, 10, 16]) expect(peProblem(image({ subsystem }), 1024, MACHINE.amd64)).toBe(`it is not a Windows desktop or console program (subsystem ${subsystem}: a driver, a boot or EFI image?)`);
  });

  it('batch files are cmd.exe\'s to run, not images', () => {
    for (const n of ['run.cmd', 'SETUP.BAT', 'C:\\x\\go.Cmd']) expect(BATCH.test(n), n).toBe(true);
    for (const n of ['OSDLaunch.exe', 'run.cmd.exe', 'batch', 'x.command']) expect(BATCH.test(n), n).toBe(false);
  });

  it('only a .exe or .com is started as given: a batch file, a name without an extension or with another is refused by its name, with the way', () => {
    for (const n of ['OSDLaunch.exe', 'C:\\x\\SETUP.EXE', 'tool.Com']) expect(nameProblem(n), n).toBeUndefined();
    for (const n of ['run.cmd', 'C:\\x\\SETUP.BAT']) expect(nameProblem(n), n).toMatch(/^it is a batch file, which only cmd\.exe runs, and zticache never runs the launcher through cmd\.exe .*name %SystemRoot%\\System32\\cmd\.exe as the launcher, with \/c and the batch file after --$/);
    for (const n of ['Start', 'C:\\x\\launch.bin', 'run.exe.txt', 'x.cmd.']) expect(nameProblem(n), n).toMatch(/^its name does not end in \.exe or \.com, which Windows needs to start a program without cmd\.exe .*: rename it in the package$/);
  });
});
