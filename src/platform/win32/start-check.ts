// Platform.cannotStart on Windows: the launcher's first bytes judged by pe.ts, against this
// computer's own machine (IsWow64Process2: an x64 zticache.exe runs emulated on ARM64 Windows,
// which also starts ARM64 programs). Read by name from where the launcher is at plan time (the
// cache folder): a check that refuses before anything moves, not a hold; VERIFY and the guard
// vouch for what is launched.

import fs from 'node:fs';
import { HEAD_BYTES, MACHINE, nameProblem, peProblem } from './pe.js';
import type { Koffi } from './load-native.js';

export function bindCannotStart(koffi: Koffi): (launcher: string) => string | undefined {
  let native: number | undefined;
  const machine = (): number => {
    if (native !== undefined) return native;
    native = MACHINE.amd64;
    try {
      const k32 = koffi.load('kernel32.dll');
      const GetCurrentProcess = k32.func('intptr __stdcall GetCurrentProcess()');
      const IsWow64Process2 = k32.func('bool __stdcall IsWow64Process2(intptr h, _Out_ uint16_t *process, _Out_ uint16_t *native)');
      const proc = [0];
      const nat = [0];
      if (IsWow64Process2(GetCurrentProcess(), proc, nat) && nat[0]) native = nat[0];
    } catch {
      /* before Windows 10 1709: an x64 computer */
    }
    return native;
  };
  return (launcher) => {
    const named = nameProblem(launcher);
    if (named) return named;
    let fd: number | undefined;
    try {
      fd = fs.openSync(launcher, 'r');
      const head = Buffer.alloc(HEAD_BYTES);
      const n = fs.readSync(fd, head, 0, HEAD_BYTES, 0);
      return peProblem(head.subarray(0, n), fs.fstatSync(fd).size, machine());
    } catch (err) {
      return `it cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
}
