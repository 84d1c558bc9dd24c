// LAUNCH: run the launcher (OSDLaunch.exe) from the target, as the original's
// WshShell.Run "OSDLaunch.exe", 0, True did: working directory = the target, hidden window, wait.
// The exit code is returned as an unsigned 32-bit number (3010, 0x80070005 = 2147942405) so it
// reaches zticache's own exit code unchanged. A launcher that cannot be started is a ZtiError.

import os from 'node:os';
import { ExitCode, SIGNAL_EXIT_BASE } from './exit-codes.js';
import { ZtiError } from './errors.js';

export interface LaunchOptions {
  launcher: string;
  args: readonly string[];
  cwd: string;
}

export interface LaunchResult {
  exitCode: number;
  signal?: string;
  seconds: number;
}

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const started = Date.now();
  const { execa } = await import('execa'); // loaded when needed: most of the bundle's start-up cost
  const r = await execa(opts.launcher, opts.args, {
    cwd: opts.cwd,
    windowsHide: true,
    reject: false,
    stdio: 'inherit',
  });
  const seconds = (Date.now() - started) / 1000;
  if (r.signal) {
    const n = os.constants.signals[r.signal as keyof typeof os.constants.signals] ?? 0;
    return { exitCode: SIGNAL_EXIT_BASE + n, signal: r.signal, seconds };
  }
  if (r.exitCode === undefined) {
    const cause = (r as { cause?: unknown }).cause;
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    throw new ZtiError(ExitCode.LAUNCH_FAILED, `cannot start the launcher ${opts.launcher}`, { path: opts.launcher, syscallCode: code, cause });
  }
  return { exitCode: r.exitCode >>> 0, seconds };
}
