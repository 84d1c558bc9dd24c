// LAUNCH: run the launcher (OSDLaunch.exe) from the target, as the original's
// WshShell.Run "OSDLaunch.exe", 0, True did: working directory = the target, hidden window, wait.
// The exit code is returned as an unsigned 32-bit number (3010, 0x80070005 = 2147942405) so it
// reaches zticache's own exit code unchanged. A launcher that cannot be started is a ZtiError.

import fs from 'node:fs';
import os from 'node:os';
import { ExitCode, SIGNAL_EXIT_BASE } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';
import { host } from '../core/host.js';

export interface LaunchOptions {
  launcher: string;
  args: readonly string[];
  cwd: string;
  /** told when zticache is asked to stop (SIGINT, SIGTERM) while the launcher runs */
  onSignal?: (signal: NodeJS.Signals) => void;
  /** told once launch's own stop handlers are in place: from then on a stop request is launch's */
  onListening?: () => void;
}

export interface LaunchResult {
  exitCode: number;
  signal?: string;
  seconds: number;
}

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const started = Date.now();
  // a launcher that is not there must not reach cross-spawn, which would run the name through
  // cmd.exe and hand back cmd's 9009 as if the launcher had returned it
  if (!fs.statSync(opts.launcher, { throwIfNoEntry: false })?.isFile()) {
    throw new ZtiError(ExitCode.LAUNCH_FAILED, `the launcher ${opts.launcher} is missing at launch time; it was not started`, { path: opts.launcher });
  }
  const { execa } = await import('execa'); // loaded when needed: most of the bundle's start-up cost
  // Asked to stop while the launcher runs: zticache must not just vanish (its exit would release
  // the guard under a running OSDLaunch.exe). On POSIX the signal is passed on and zticache exits
  // when the launcher does, with 128 + the signal; on Windows a console's Ctrl+C already reaches
  // the launcher itself, so zticache only logs it and goes on waiting. The handlers are in place
  // before the launcher is started: a signal in between (the launcher already running, zticache
  // not yet listening) is kept and passed on the moment the child exists.
  let child: ReturnType<typeof execa> | undefined;
  const pending: NodeJS.Signals[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    opts.onSignal?.(signal);
    if (!host.passStopToLauncher) return;
    if (child) child.kill(signal);
    else pending.push(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  opts.onListening?.();
  child = execa(opts.launcher, opts.args, {
    cwd: opts.cwd,
    windowsHide: true,
    reject: false,
    stdio: 'inherit',
  });
  for (const s of pending.splice(0)) child.kill(s);
  let r;
  try {
    r = await child;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
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
