// Whether Windows can start a file as a program, judged from its first bytes before anything moves:
// a launcher that is 0 bytes, text, a DLL, a driver or an image for another machine is found out in
// the plan, with the package still in the cache folder, instead of as LAUNCH_FAILED once it has
// been moved. CreateProcess starts a PE image (MZ header, then PE\0\0 where e_lfanew points) that is
// an executable image, not a DLL, for the Windows GUI or console subsystem, whose machine this
// computer runs: x86 and x64 everywhere zticache.exe (x64) runs; ARM64 images only on ARM64.
// Before the bytes, the name: only a .exe or .com is started as given, never through cmd.exe.

const IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002;
const IMAGE_FILE_DLL = 0x2000;
const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;
export const MACHINE = { i386: 0x014c, amd64: 0x8664, arm64: 0xaa64 } as const;
/** the machines a refusal can name (an x86 image always runs, and zticache.exe never runs on an x86 computer) */
const NAMES: Record<number, string> = { [MACHINE.amd64]: 'x64', [MACHINE.arm64]: 'ARM64', 0x01c4: 'ARM', 0x0200: 'Itanium' };
/** how many bytes the judgment reads: the headers of any image a linker writes */
export const HEAD_BYTES = 4096;

/** Files cmd.exe runs rather than CreateProcess loading them. */
export const BATCH = /\.(cmd|bat)$/i;

/**
 * Why a launcher's name alone keeps Windows from starting it without cmd.exe, or undefined: a
 * batch file is cmd.exe's to run (and cmd reads & | % ^ " in its arguments, so zticache never
 * hands one to it); a name that does not end in .exe or .com is not one CreateProcess starts
 * as given (a name without an extension gets .exe added), and a launcher library that falls back
 * to cmd.exe would report cmd's 9009 as the launcher's code.
 */
export function nameProblem(file: string): string | undefined {
  if (BATCH.test(file)) return 'it is a batch file, which only cmd.exe runs, and zticache never runs the launcher through cmd.exe (cmd reads & | % ^ in its arguments): to run it so anyway, name %SystemRoot%\\System32\\cmd.exe as the launcher, with /c and the batch file after --';
  if (!/\.(exe|com)$/i.test(file)) return 'its name does not end in .exe or .com, which Windows needs to start a program without cmd.exe (a name without an extension gets .exe added): rename it in the package';
  return undefined;
}

/**
 * Why `head` (the first HEAD_BYTES of a file of `size` bytes) cannot be started on a computer whose
 * own machine is `native`, or undefined when it can.
 */
export function peProblem(head: Buffer, size: number, native: number): string | undefined {
  if (size === 0) return 'it is empty (0 bytes)';
  if (head.length < 64 || head.toString('latin1', 0, 2) !== 'MZ') return 'it is not a Windows program (no MZ header: a text or data file?)';
  const pe = head.readUInt32LE(0x3c);
  if (pe + 24 + 70 > head.length) return 'it is not a Windows program (its PE header is not where the MZ header points)';
  if (head.toString('latin1', pe, pe + 4) !== 'PE\0\0') return 'it is not a Windows program (an MS-DOS program, or a damaged image)';
  const machine = head.readUInt16LE(pe + 4);
  const characteristics = head.readUInt16LE(pe + 22);
  const subsystem = head.readUInt16LE(pe + 24 + 68);
  if (characteristics & IMAGE_FILE_DLL) return 'it is a DLL, not a program';
  if (!(characteristics & IMAGE_FILE_EXECUTABLE_IMAGE)) return 'it is not marked as an executable image (a damaged or unfinished link)';
  if (subsystem !== IMAGE_SUBSYSTEM_WINDOWS_GUI && subsystem !== IMAGE_SUBSYSTEM_WINDOWS_CUI) return `it is not a Windows desktop or console program (subsystem ${subsystem}: a driver, a boot or EFI image?)`;
  const runs = native === MACHINE.arm64 ? [MACHINE.i386, MACHINE.amd64, MACHINE.arm64] : [MACHINE.i386, MACHINE.amd64];
  if (!(runs as number[]).includes(machine)) {
    return `it is a program for ${NAMES[machine] ?? `machine type 0x${machine.toString(16)}`}, which this ${NAMES[native] ? `${NAMES[native]} ` : ''}computer cannot run`;
  }
  return undefined;
}
