// One run at a time. The platform's lock (a lock file held with share mode 0 on Windows, an
// abstract socket on Linux) is released by the operating system when the process dies, so a crash
// or a kill never leaves a stale lock. Beside it the holder writes owner.json (process ID, start
// time, command line) so that a second run can say who holds the lock; the lock itself, not that
// file, decides. Taken before the plan looks at anything, --what-if included; released after the
// launcher has returned.

import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from '../core/exit-codes.js';
import { ZtiError } from '../core/errors.js';


const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
  started: string;
  command: string;
}

/**
 * --what-if changes nothing: the state folder and the lock's files are used when they exist, never
 * created (without them no run can hold the lock, so there is nothing to wait for).
 */
export interface ReadOnly {
  readOnly?: boolean;
}

/** What a read-only look found instead of a state folder or a lock. */
export const NOT_CREATED = (what: string) => `${what} does not exist, and --what-if creates nothing`;

export interface Busy {
  busy: true;
  pid?: number;
}

export interface RunLock {
  /** false for --what-if's look where no lock exists yet (nothing held, nothing made) */
  readonly held?: boolean;
  /** where the lock lives, for the log */
  readonly where: string;
  release(): void;
}

/** What takes the lock: the platform's (Platform.lock). */
export interface Locker {
  lock(stateDir: string, opts?: ReadOnly): Promise<RunLock | Busy>;
}

export async function acquireRunLock(platform: Locker, stateDir: string, command: string, readOnly = false): Promise<RunLock> {
  const lock = await platform.lock(stateDir, { readOnly });
  const ownerFile = path.join(stateDir, OWNER_FILE);
  if ('busy' in lock) {
    throw new ZtiError(ExitCode.RUN_IN_PROGRESS,
      `another zticache run is in progress (${await describeOwner(ownerFile, lock.pid)}); it holds the lock in ${stateDir}, so this run changed nothing. Wait for it to finish.`,
      { path: stateDir });
  }
  if (readOnly) return lock; // --what-if: the holder is not named in a file either
  try {
    const owner: Owner = { pid: process.pid, started: new Date().toISOString(), command };
    const tmp = `${ownerFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(owner));
    fs.renameSync(tmp, ownerFile);
  } catch {
    /* naming the holder is a courtesy; the lock is what counts */
  }
  return lock;
}

/**
 * The holder, from owner.json, once that names a live process (the one the operating system named,
 * where it did): the winner of a close race writes it right after taking the lock, and an earlier,
 * dead run's may still be there. Naming is a courtesy: after a generous ceiling the message names
 * what the operating system said, or says the process could not be named.
 */
async function describeOwner(file: string, pid: number | undefined, ceilingMs = 10_000): Promise<string> {
  const until = Date.now() + ceilingMs;
  for (;;) {
    try {
      const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Owner;
      if (o.pid !== process.pid && (pid === undefined ? alive(o.pid) : o.pid === pid)) return `process ${o.pid}, started ${o.started}: ${o.command}`;
    } catch {
      /* not written yet */
    }
    if (Date.now() > until) return pid === undefined ? 'its process could not be named' : `process ${pid}`;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
