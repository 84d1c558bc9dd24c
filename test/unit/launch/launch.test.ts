// LAUNCH called directly: the launcher runs in the target with its arguments and its exit code is
// returned; one that is missing, not a file or cannot be started is LAUNCH_FAILED naming it; a stop
// request while it runs (or between the handlers and the start) is passed on, and ends as 128 + the
// signal; launch leaves no handler of its own behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, SIGNAL_EXIT_BASE } from '../../../src/core/exit-codes.js';
import { launch } from '../../../src/launch/launch.js';
import { POSIX_HOST, WINDOWS_HOST, useHost } from '../../../src/core/host.js';
import { tempDir, waitFor } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';

/** A launcher script in a fresh folder: records where it ran and with what, then runs `body`. */
function launcher(body: string) {
  const dir = tempDir('zti-launch-');
  const file = path.join(dir, 'launch.sh');
  fs.writeFileSync(file, `#!/bin/sh\npwd > "${dir}/cwd"\nprintf '%s\\n' "$@" > "${dir}/args"\n${body}\n`, { mode: 0o755 });
  return { dir, file, read: (n: string) => fs.readFileSync(path.join(dir, n), 'utf8') };
}

const handlers = () => ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
const before = handlers();
afterEach(() => expect(handlers()).toEqual(before));

describe('launch', () => {
  it('runs the launcher in the given folder with its arguments and returns its exit code', async () => {
    const l = launcher('exit 42');
    const cwd = tempDir('zti-target-');
    const t0 = Date.now();
    const r = await launch({ launcher: l.file, args: ['a b', 'c'], cwd });
    const wall = (Date.now() - t0) / 1000;
    expect(r.exitCode).toBe(42);
    expect(r.signal).toBeUndefined();
    // seconds, of the call itself (not milliseconds, not a clock reading)
    expect(r.seconds).toBeGreaterThanOrEqual(0);
    expect(r.seconds).toBeLessThanOrEqual(wall);
    expect(l.read('cwd').trim()).toBe(fs.realpathSync(cwd));
    expect(l.read('args')).toBe('a b\nc\n');
  });

  it('a missing launcher, or a folder of that name, is LAUNCH_FAILED naming it, and nothing is run', async () => {
    const dir = tempDir('zti-launch-');
    for (const missing of [path.join(dir, 'OSDLaunch.exe'), dir]) {
      const e = await rejection(launch({ launcher: missing, args: [], cwd: dir }));
      expect(e.exitCode).toBe(ExitCode.LAUNCH_FAILED);
      expect(e.message).toBe(`the launcher ${missing} is missing at launch time; it was not started`);
      expect(e.path).toBe(missing);
    }
  });

  it('a launcher that cannot be started is LAUNCH_FAILED with the system\'s reason', async () => {
    const l = launcher('exit 0');
    fs.chmodSync(l.file, 0o644);
    const e = await rejection<Error & { exitCode: number; path: string; syscallCode?: string }>(launch({ launcher: l.file, args: [], cwd: l.dir }));
    expect(e.exitCode).toBe(ExitCode.LAUNCH_FAILED);
    expect(e.message).toBe(`cannot start the launcher ${l.file}`);
    expect(e.path).toBe(l.file);
    expect(e.syscallCode).toBe('EACCES');
  });

  it('a launcher killed by a signal ends as 128 + the signal, naming it', async () => {
    const l = launcher('kill -9 $$');
    expect(await launch({ launcher: l.file, args: [], cwd: l.dir })).toMatchObject({ exitCode: SIGNAL_EXIT_BASE + 9, signal: 'SIGKILL' });
  });

  it('a stop request while the launcher runs is told and passed on to it', async () => {
    const l = launcher(`touch "$0.started"\nwhile :; do sleep 0.05; done`);
    const told: string[] = [];
    const run = launch({ launcher: l.file, args: [], cwd: l.dir, onSignal: (s) => void told.push(s) });
    await waitFor('the launcher to start', () => fs.existsSync(`${l.file}.started`));
    process.emit('SIGTERM', 'SIGTERM');
    expect(await run).toMatchObject({ exitCode: SIGNAL_EXIT_BASE + 15, signal: 'SIGTERM' });
    expect(told).toEqual(['SIGTERM']);
  });

  it('a stop request after the handlers are in place but before the launcher exists is passed on once it does', async () => {
    const l = launcher(`touch "$0.started"\nwhile :; do sleep 0.05; done`);
    const order: string[] = [];
    const r = await launch({
      launcher: l.file, args: [], cwd: l.dir,
      onListening: () => {
        order.push('listening');
        process.emit('SIGINT', 'SIGINT');
      },
      onSignal: (s) => void order.push(s),
    });
    expect(order).toEqual(['listening', 'SIGINT']);
    expect(r).toMatchObject({ exitCode: SIGNAL_EXIT_BASE + 2, signal: 'SIGINT' });
  });

  it("on Windows' rules a stop request is told, not passed on (a console's Ctrl+C reaches the launcher itself); without a listener it is not told", async () => {
    const l = launcher(`touch "$0.started"\nwhile [ ! -e "$0.go" ]; do sleep 0.05; done\nexit 7`);
    const told: string[] = [];
    useHost(WINDOWS_HOST);
    try {
      const run = launch({ launcher: l.file, args: [], cwd: l.dir, onSignal: (s) => void told.push(s) });
      await waitFor('the launcher to start', () => fs.existsSync(`${l.file}.started`));
      process.emit('SIGINT', 'SIGINT');
      expect(told).toEqual(['SIGINT']);
      fs.writeFileSync(`${l.file}.go`, '');
      // the launcher was not stopped: it ends by itself, with its own code
      const r = await run;
      expect([r.exitCode, r.signal]).toEqual([7, undefined]);
    } finally {
      useHost(POSIX_HOST);
    }
    const quiet = launcher(`touch "$0.started"\nwhile :; do sleep 0.05; done`);
    const run = launch({ launcher: quiet.file, args: [], cwd: quiet.dir });
    await waitFor('the launcher to start', () => fs.existsSync(`${quiet.file}.started`));
    process.emit('SIGTERM', 'SIGTERM');
    expect(await run).toMatchObject({ exitCode: SIGNAL_EXIT_BASE + 15, signal: 'SIGTERM' });
  });
});
