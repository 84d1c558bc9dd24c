// One run at a time. The platform's lock (a lock file held with share mode 0 on Windows, an
// abstract socket on Linux) is released by the operating system when the process dies, so a crash
// or a kill never leaves a stale lock. Beside it the holder writes owner.json (process ID, start
// time, command line) so that a second run can say who holds the lock; the lock itself, not that
// file, decides. Taken before the plan looks at anything, --what-if included; released after the
// launcher has returned.

import fs from 'node:fs';
import path from 'node:path';
import { ExitCode } from './exit-codes.js';
import { ZtiError } from './errors.js';
import type { Platform, RunLock } from './platform.js';

const OWNER_FILE = 'owner.json';

interface Owner {
  pid: number;
  started: string;
  command: string;
}

export async function acquireRunLock(platform: Platform, stateDir: string, command: string): Promise<RunLock> {
  const lock = await platform.lock(stateDir);
  const ownerFile = path.join(stateDir, OWNER_FILE);
  if (lock === 'busy') {
    throw new ZtiError(ExitCode.RUN_IN_PROGRESS,
      `another zticache run is in progress (${await describeOwner(ownerFile)}); it holds the lock in ${stateDir}, so this run changed nothing. Wait for it to finish.`,
      { path: stateDir });
  }
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
 * The holder, from owner.json, once that names a live process: the winner of a close race may not
 * have written it yet (or an earlier, dead run's is still there), so it is read again for up to a
 * second before giving up on a name.
 */
async function describeOwner(file: string): Promise<string> {
  const until = Date.now() + 1000;
  for (;;) {
    try {
      const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Owner;
      if (o.pid !== process.pid && alive(o.pid)) return `process ${o.pid}, started ${o.started}: ${o.command}`;
    } catch {
      /* not written yet */
    }
    if (Date.now() > until) return 'its process could not be named';
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
