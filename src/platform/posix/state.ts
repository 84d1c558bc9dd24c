// The POSIX side of zticache's state: the state folder (root-owned, mode 700, like /var/lib's
// daemons keep theirs) and the one-run-at-a-time lock. Node has no flock(), so the lock is a
// listening Unix socket: on Linux in the abstract namespace, which the kernel releases the moment
// the holding process dies (no stale lock file after a kill -9); elsewhere a socket file in the
// state folder, taken over when nobody answers on it.
// Any local user can bind an abstract name, so the name must be one nobody else can know or hold:
// it is derived from a random key kept in the state folder (only root reads it), and a listener
// found on it is judged by what the kernel says of it (/proc/net/unix, then the process holding
// that socket, its user) never by what it answers. A name squatted by another user (learned from
// /proc/net/unix while a run held it) is left to them: the runs move on to the next key, made once
// by whichever run finds the squatter first (created exclusively, so all runs agree on it).

import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ExitCode } from '../../core/exit-codes.js';
import { errnoOf, ZtiError } from '../../core/errors.js';
import { NOT_CREATED, type Busy, type ReadOnly, type RunLock } from '../platform.js';
import { posixPlaces, type PosixFolder } from './places.js';
import { openStateFolder, untrustedState } from '../../state/state-folder.js';

export function preparePosixStateDir(dir: string, opts: ReadOnly = {}): string {
  const held = openStateFolder(posixPlaces, dir, path.posix, opts.readOnly) as PosixFolder | undefined;
  if (!held) return NOT_CREATED(`The state folder ${dir}`);
  try {
    const uid = held.owner();
    const mode = held.mode();
    const me = process.geteuid?.() ?? 0;
    if (uid !== 0 && uid !== me) throw untrustedState(dir, `belongs to user ${uid}, not to root or the user running zticache (${me})`);
    if (mode & 0o022) throw untrustedState(dir, `can be written by other users (mode ${(mode & 0o777).toString(8)})`);
    if (!held.writable()) {
      throw new ZtiError(ExitCode.STATE_UNSAFE,
        `the state folder ${dir} belongs to user ${uid} and this run (user ${me}) may not write in it: a permission problem, not a damaged journal. Run zticache as root, or give --state-dir a folder of your own; nothing was changed`,
        { path: dir });
    }
    return held.created ? `Created the state folder ${dir} (mode 700)` : `State folder ${dir} (owner ${uid}, mode ${(mode & 0o777).toString(8)})`;
  } finally {
    held.release();
  }
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

const KEY_PREFIX = 'lock.key.';
/** generations of keys a squatter can push the lock through before zticache gives up naming one */
const MAX_KEYS = 64;

/** The newest key generation in the state folder (0: none yet). */
function newestKey(stateDir: string): number {
  let g = 0;
  for (const n of fs.readdirSync(stateDir)) {
    if (n.startsWith(KEY_PREFIX)) g = Math.max(g, Number(n.slice(KEY_PREFIX.length)) || 0);
  }
  return g;
}

/** Key g, made by the first run that asks (written aside, then linked in: exclusive and whole). */
function keyOf(stateDir: string, g: number): Buffer {
  const file = path.join(stateDir, `${KEY_PREFIX}${g}`);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, randomBytes(32), { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err; // another run made it first: theirs is the key
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file);
}

/** The abstract name of the lock under a key (without its leading NUL). */
export const lockNameOf = (key: Buffer) => `zticache-${createHmac('sha256', key).update('run lock').digest('hex').slice(0, 40)}`;

/**
 * Who listens on the abstract name, as the kernel says: 'none', the user of the process holding
 * it, or 'unknown' (listed, but no process found holding it: one that is just ending).
 */
type Listener = 'none' | 'unknown' | { pid: number; uid: number };

function listenerOn(name: string): Listener {
  const inodes = new Set<string>();
  for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path; an abstract name is shown with a leading @,
    // and its NUL padding (libuv binds the whole sun_path) as more @s
    if (f[7]?.replace(/@+$/, '') === `@${name}` && (parseInt(f[3]!, 16) & 0x10000) !== 0) inodes.add(f[6]!);
  }
  if (!inodes.size) return 'none';
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone meanwhile
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !inodes.has(m[1]!)) continue;
      try {
        const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
        return { pid: Number(pid), uid };
      } catch {
        return 'unknown';
      }
    }
  }
  return 'unknown';
}

/** A holder is genuine when it runs as root or as the user zticache runs as (the state folder's). */
function genuine(holder: Listener): boolean | 'none' {
  if (holder === 'none') return 'none';
  if (holder === 'unknown') return true; // cannot tell: the safe side is "busy"
  return holder.uid === 0 || holder.uid === (process.geteuid?.() ?? 0);
}

async function linuxLock(stateDir: string, opts: ReadOnly): Promise<RunLock | Busy> {
  // no key yet: no run has ever held this lock, and --what-if makes none
  if (opts.readOnly && (!fs.existsSync(stateDir) || newestKey(stateDir) === 0)) return { where: NOT_CREATED(`The lock key in ${stateDir}`), release: () => {}, held: false };
  for (let tries = 0; tries < 4 * MAX_KEYS; tries++) {
    const g = Math.max(1, newestKey(stateDir));
    if (g > MAX_KEYS) break;
    const name = lockNameOf(keyOf(stateDir, g));
    const server = net.createServer((c) => c.destroy());
    try {
      await listen(server, `\0${name}`);
    } catch (err) {
      if (errnoOf(err) !== 'EADDRINUSE') throw err;
      const holder = listenerOn(name);
      const who = genuine(holder);
      if (who === true) return { busy: true, pid: typeof holder === 'object' ? holder.pid : undefined };
      if (who === false) keyOf(stateDir, g + 1); // squatted: every run moves on to the next key
      continue;
    }
    // bound; but a run that found a squatter may have moved everyone to a newer key meanwhile, and
    // a run may hold an older key that was free again when it looked: both are checked after binding
    const newer = newestKey(stateDir) > g;
    const older = newer ? undefined : [...Array(g - 1).keys()].map((i) => listenerOn(lockNameOf(keyOf(stateDir, i + 1)))).find((l) => genuine(l) === true);
    if (newer || older) {
      server.close();
      if (older) return { busy: true, pid: typeof older === 'object' ? older.pid : undefined };
      continue;
    }
    server.unref();
    return { where: `abstract socket @${name} (key ${g} in ${stateDir})`, release: () => void server.close() };
  }
  throw new ZtiError(ExitCode.STATE_UNSAFE, `the run lock of ${stateDir} is held by processes of other users under ${MAX_KEYS} keys in a row; nothing was changed. Find them with: grep zticache- /proc/net/unix`, { path: stateDir });
}

export async function posixLock(stateDir: string, opts: ReadOnly = {}): Promise<RunLock | Busy> {
  if (process.platform === 'linux') return linuxLock(stateDir, opts);
  // elsewhere: a socket file in the state folder, where only its owner can create one
  const where = path.join(stateDir, 'zticache.lock.sock');
  const server = net.createServer((c) => c.destroy());
  try {
    await listen(server, where);
  } catch (err) {
    if (errnoOf(err) !== 'EADDRINUSE') throw err;
    if (await answers(where)) return { busy: true };
    fs.rmSync(where, { force: true }); // a socket file left by a run that died
    try {
      await listen(server, where);
    } catch {
      return { busy: true };
    }
  }
  server.unref();
  return { where, release: () => void server.close() };
}
