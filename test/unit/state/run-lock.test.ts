// One run at a time: the platform's lock decides; owner.json only names the holder. A losing run
// names the process the operating system named (or a live one from owner.json), never itself and
// never a dead run's leftover, and changes nothing; --what-if writes no owner.json.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { type Busy, type Platform, type RunLock } from '../../../src/platform/platform.js';
import { posixPlatform } from '../../../src/platform/posix/platform.js';
import { acquireRunLock } from '../../../src/state/run-lock.js';
import { tempDir } from '../../helpers/fixtures.js';
import { rejection } from '../../helpers/seams.js';

const held: RunLock = { where: 'here', release() {} };
const platformWith = (answer: RunLock | Busy, seen: unknown[] = []): Platform =>
  ({ ...posixPlatform, lock: async (dir: string, opts?: unknown) => (seen.push([dir, opts]), answer) }) as Platform;

/** Resolves once the loser has read `file` `n` more times: it is still looking, not settled. */
async function polled(file: string, n: number): Promise<void> {
  const spy = vi.spyOn(fs, 'readFileSync');
  try {
    const reads = () => spy.mock.calls.filter((c) => c[0] === file).length;
    const until = Date.now() + 10_000;
    while (reads() < n && Date.now() < until) await new Promise((r) => setImmediate(r));
    expect(reads()).toBeGreaterThanOrEqual(n);
  } finally {
    spy.mockRestore();
  }
}

const refusal = (p: Promise<unknown>) => rejection<{ exitCode: number; message: string; path?: string }>(p);

describe('the run lock', () => {
  it('the winner gets the platform\'s lock and names itself in owner.json', async () => {
    const dir = tempDir('zti-lock-');
    const seen: unknown[] = [];
    const lock = await acquireRunLock(platformWith(held, seen), dir, 'zticache.exe /mode:move');
    expect(lock).toBe(held);
    expect(seen).toEqual([[dir, { readOnly: false }]]);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8'));
    expect(owner).toEqual({ pid: process.pid, started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), command: 'zticache.exe /mode:move' });
    expect(fs.readdirSync(dir)).toEqual(['owner.json']);
  });

  it('--what-if takes the lock read-only and writes nothing', async () => {
    const dir = tempDir('zti-lock-');
    const seen: unknown[] = [];
    expect(await acquireRunLock(platformWith(held, seen), dir, 'x', true)).toBe(held);
    expect(seen).toEqual([[dir, { readOnly: true }]]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a state folder owner.json cannot be written in does not stop the winner', async () => {
    const dir = path.join(tempDir('zti-lock-'), 'missing');
    expect(await acquireRunLock(platformWith(held), dir, 'x')).toBe(held);
  });

  it('the loser is refused with RUN_IN_PROGRESS, naming the holder from owner.json when it is the process the system named', async () => {
    const dir = tempDir('zti-lock-');
    fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: 4242, started: '2026-11-27T10:00:00Z', command: 'zticache.exe /mode:copy' }));
    const e = await refusal(acquireRunLock(platformWith({ busy: true, pid: 4242 }), dir, 'y'));
    expect(e.exitCode).toBe(ExitCode.RUN_IN_PROGRESS);
    expect(e.path).toBe(dir);
    expect(e.message).toBe(`another zticache run is in progress (process 4242, started 2026-11-27T10:00:00Z: zticache.exe /mode:copy); it holds the lock in ${dir}, so this run changed nothing. Wait for it to finish.`);
    // the loser writes no owner.json of its own
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')).pid).toBe(4242);
  });

  it('where the system names no process, owner.json names a live holder, and is waited for while it names a dead one', async () => {
    const dir = tempDir('zti-lock-');
    const file = path.join(dir, 'owner.json');
    // a dead run's leftover (a process that has exited) and a half-written file are not the holder
    const dead = spawn(process.execPath, ['-e', '']);
    const deadPid = dead.pid!;
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid, started: 'then', command: 'old' }));
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const pending = refusal(acquireRunLock(platformWith({ busy: true }), dir, 'y'));
      let settled = false;
      void pending.then(() => (settled = true));
      // the loser reads the dead run's file again and again: it is still waiting
      await polled(file, 3);
      expect(settled).toBe(false);
      fs.writeFileSync(file, JSON.stringify({ pid: live.pid, started: 'now', command: 'zticache.exe' }));
      const e = await pending;
      expect(e.message).toContain(`(process ${live.pid}, started now: zticache.exe)`);
    } finally {
      live.kill();
    }
  });

  it('owner.json naming this very process, or another than the system named, is not taken for the holder', async () => {
    const dir = tempDir('zti-lock-');
    const file = path.join(dir, 'owner.json');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started: 'me', command: 'me' }));
    const pending = refusal(acquireRunLock(platformWith({ busy: true, pid: 777 }), dir, 'y'));
    let settled = false;
    void pending.then(() => (settled = true));
    await polled(file, 3);
    expect(settled).toBe(false);
    fs.writeFileSync(file, JSON.stringify({ pid: 778, started: 'other', command: 'other' }));
    await polled(file, 3);
    expect(settled).toBe(false);
    fs.writeFileSync(file, JSON.stringify({ pid: 777, started: 'it', command: 'the holder' }));
    expect((await pending).message).toContain('(process 777, started it: the holder)');
  });

  it('without the system\'s word, owner.json naming this very process is not the holder either', async () => {
    const dir = tempDir('zti-lock-');
    const file = path.join(dir, 'owner.json');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started: 'me', command: 'me' }));
    const pending = refusal(acquireRunLock(platformWith({ busy: true }), dir, 'y'));
    let settled = false;
    void pending.then(() => (settled = true));
    await polled(file, 3);
    expect(settled).toBe(false);
    fs.writeFileSync(file, JSON.stringify({ pid: 1, started: 'init', command: 'the holder' }));
    expect((await pending).message).toContain('(process 1, started init: the holder)');
  });

  it('a holder of another user (the system says EPERM to a signal 0) is alive; one that is gone (ESRCH) is not', async () => {
    const dir = tempDir('zti-lock-');
    const file = path.join(dir, 'owner.json');
    const kill = vi.spyOn(process, 'kill').mockImplementation(((pid: number) => {
      throw Object.assign(new Error('no'), { code: pid === 4001 ? 'EPERM' : 'ESRCH' });
    }) as typeof process.kill);
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: 4002, started: 'gone', command: 'old' }));
      const pending = refusal(acquireRunLock(platformWith({ busy: true }), dir, 'y'));
      let settled = false;
      void pending.then(() => (settled = true));
      await polled(file, 3);
      expect(settled).toBe(false);
      fs.writeFileSync(file, JSON.stringify({ pid: 4001, started: 'then', command: 'another user\'s run' }));
      expect((await pending).message).toContain('(process 4001, started then: another user\'s run)');
    } finally {
      kill.mockRestore();
    }
  });

  it('a holder never named in owner.json is described as well as it can be after a generous ceiling (10 s)', async () => {
    vi.useFakeTimers();
    try {
      const dir = tempDir('zti-lock-');
      const named = refusal(acquireRunLock(platformWith({ busy: true, pid: 5150 }), dir, 'y'));
      const unnamed = refusal(acquireRunLock(platformWith({ busy: true }), dir, 'y'));
      let settled = 0;
      void named.then(() => settled++);
      void unnamed.then(() => settled++);
      await vi.advanceTimersByTimeAsync(9_900);
      expect(settled).toBe(0);
      await vi.advanceTimersByTimeAsync(200);
      expect((await named).message).toContain('(process 5150); it holds the lock');
      expect((await unnamed).message).toContain('(its process could not be named); it holds the lock');
    } finally {
      vi.useRealTimers();
    }
  });
});
