// The POSIX side of zticache's state: the state folder (root-owned, mode 700, like /var/lib's
// daemons keep theirs) and the one-run-at-a-time lock. Node has no flock(), so the lock is a
// listening Unix socket: on Linux in the abstract namespace, which the kernel releases the moment
// the holding process dies (no stale lock file after a kill -9, nothing on disk to plant); elsewhere
// a socket file in the state folder, taken over when nobody answers on it.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ExitCode } from './exit-codes.js';
import { ZtiError } from './errors.js';
import { idOf } from './identity.js';
import type { RunLock } from './platform.js';

export function preparePosixStateDir(dir: string): string {
  let made: string | undefined;
  let st: fs.Stats;
  try {
    made = fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = fs.lstatSync(dir);
  } catch (err) {
    // a file in its place or above it, a dangling link, a folder that cannot be created
    let what: fs.Stats | undefined;
    try {
      what = fs.lstatSync(dir, { throwIfNoEntry: false });
    } catch {
      /* below a file: ENOTDIR */
    }
    const why = what?.isSymbolicLink() ? 'is a symbolic link' : what && !what.isDirectory() ? 'is not a folder' : 'cannot be created';
    throw new ZtiError(ExitCode.STATE_UNSAFE, `the state folder ${dir} ${why}; zticache keeps its journals only in a folder of its own, nothing was changed`, { path: dir, cause: err });
  }
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new ZtiError(ExitCode.STATE_UNSAFE, `the state folder ${dir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; zticache keeps its journals only in a folder of its own`, { path: dir });
  }
  const me = process.geteuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== me) {
    throw new ZtiError(ExitCode.STATE_UNSAFE, `the state folder ${dir} belongs to user ${st.uid}, not to root or the user running zticache (${me}); its journals cannot be trusted`, { path: dir });
  }
  if (st.mode & 0o022) {
    throw new ZtiError(ExitCode.STATE_UNSAFE, `the state folder ${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}); its journals cannot be trusted`, { path: dir });
  }
  return made ? `Created the state folder ${dir} (mode 700)` : `State folder ${dir} (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)})`;
}

function listen(server: net.Server, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function answers(where: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(where);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export async function posixLock(stateDir: string): Promise<RunLock | 'busy'> {
  const id = idOf(stateDir);
  const key = createHash('sha256').update(`${id?.dev}:${id?.ino}`).digest('hex').slice(0, 32);
  const abstract = process.platform === 'linux';
  const where = abstract ? `\0zticache-${key}` : path.join(stateDir, 'zticache.lock.sock');
  const server = net.createServer((c) => c.destroy());
  try {
    await listen(server, where);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (abstract || (await answers(where))) return 'busy';
    fs.rmSync(where, { force: true }); // a socket file left by a run that died
    try {
      await listen(server, where);
    } catch {
      return 'busy';
    }
  }
  server.unref();
  return {
    where: abstract ? `abstract socket @zticache-${key}` : where,
    release: () => void server.close(),
  };
}
