// The POSIX state folder and run lock, in-process: the folder is made 700 and refused when others
// could write it or another user owns it; the lock is an abstract socket named from a root-only
// key, held once, judged busy by the kernel's word (this process holds it), released for the next;
// --what-if makes no key, no folder, no socket.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../../src/core/exit-codes.js';
import { lockNameOf, posixLock, preparePosixStateDir } from '../../../../src/platform/posix/state.js';
import { PosixFolder } from '../../../../src/platform/posix/places.js';
import { needs, tempDir } from '../../../helpers/fixtures.js';
import { rejection, thrown } from '../../../helpers/seams.js';

describe('the POSIX state folder', () => {
  it('is made with mode 700, and said so; an existing one is described with its owner and mode', () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    expect(preparePosixStateDir(dir)).toBe(`Created the state folder ${dir} (mode 700)`);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(preparePosixStateDir(dir)).toBe(`State folder ${dir} (owner ${process.geteuid!()}, mode 700)`);
    fs.chmodSync(dir, 0o750);
    expect(preparePosixStateDir(dir)).toBe(`State folder ${dir} (owner ${process.geteuid!()}, mode 750)`);
  });

  it('--what-if makes none', () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    expect(preparePosixStateDir(dir, { readOnly: true })).toBe(`The state folder ${dir} does not exist, and --what-if creates nothing`);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('one others can write in, by group or by all, is refused with its mode', () => {
    for (const mode of [0o777, 0o720, 0o702]) {
      const dir = path.join(tempDir('zti-state-'), 'state');
      fs.mkdirSync(dir);
      fs.chmodSync(dir, mode);
      const e = thrown(() => preparePosixStateDir(dir));
      expect(e.exitCode, mode.toString(8)).toBe(ExitCode.STATE_UNSAFE);
      expect(e.message).toContain(`can be written by other users (mode ${mode.toString(8)})`);
    }
  });

  it('one another user owns is refused, naming the user', (ctx) => {
    if (process.geteuid?.() !== 0) return ctx.skip('needs root to give a folder to another user');
    const dir = path.join(tempDir('zti-state-'), 'state');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, 65534, 65534);
    expect(thrown(() => preparePosixStateDir(dir)).message).toContain('belongs to user 65534, not to root or the user running zticache (0)');
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the test as if zticache ran as user `uid` (its folders' ownership is judged against it). */
const runAs = (uid: number) => vi.spyOn(process, 'geteuid').mockReturnValue(uid);

describe('the POSIX state folder, zticache running as another user than root', () => {
  it('one this run may not write in is a permission problem, said as one (not a damaged journal)', (ctx) => {
    if (!needs(ctx, process.geteuid?.() === 0, 'root, so that the folder is root\'s')) return;
    const dir = path.join(tempDir('zti-state-'), 'state');
    fs.mkdirSync(dir, { mode: 0o700 });
    runAs(65534);
    vi.spyOn(PosixFolder.prototype, 'writable').mockReturnValue(false);
    const e = thrown(() => preparePosixStateDir(dir));
    expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
    expect(e.path).toBe(dir);
    expect(e.message).toBe(`the state folder ${dir} belongs to user 0 and this run (user 65534) may not write in it: a permission problem, not a damaged journal. Run zticache as root, or give --state-dir a folder of your own; nothing was changed`);
  });

  it('is accepted when root or that user owns it, refused when a third user does', (ctx) => {
    if (process.geteuid?.() !== 0) return ctx.skip('needs root to give a folder to another user');
    const dir = path.join(tempDir('zti-state-'), 'state');
    fs.mkdirSync(dir, { mode: 0o700 });
    runAs(65534);
    expect(preparePosixStateDir(dir)).toBe(`State folder ${dir} (owner 0, mode 700)`);
    fs.chownSync(dir, 65534, 65534);
    expect(preparePosixStateDir(dir)).toBe(`State folder ${dir} (owner 65534, mode 700)`);
    fs.chownSync(dir, 1234, 1234);
    const e = thrown(() => preparePosixStateDir(dir));
    expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
    expect(e.message).toContain('belongs to user 1234, not to root or the user running zticache (65534)');
  });
});

/** A listener on the abstract name, in a process of user `uid`; resolves once it listens. */
async function listenerAs(uid: number, name: string) {
  const child = spawn(process.execPath, ['-e', "require('net').createServer(() => {}).listen('\\0' + process.argv[1], () => console.log('listening'))", name], { uid, gid: uid, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
  });
  return { pid: child.pid!, stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); }) };
}

/** Takes the lock, waiting (ceiling: 500 turns of the event loop) for the kernel to let go of a name just closed. */
async function lockWhenFree(dir: string) {
  let lock = await posixLock(dir);
  for (let i = 0; 'busy' in lock && i < 500; i++) {
    await new Promise((r) => setImmediate(r));
    lock = await posixLock(dir);
  }
  return lock;
}

describe('the POSIX run lock', () => {
  it('a holder running as root is genuine to a run as another user too', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const first = await posixLock(dir);
    if ('busy' in first) throw new Error('not held');
    runAs(1234);
    expect(await posixLock(dir)).toEqual({ busy: true, pid: process.pid });
    first.release();
  });

  it('a holder the kernel lists but no process can be found for (one just ending) counts as busy: never two runs at once', async () => {
    const dir = path.join(tempDir('zti-lock-'), 'state');
    preparePosixStateDir(dir);
    const first = await posixLock(dir);
    const real = fs.readdirSync;
    // the listening socket is in /proc/net/unix, but no /proc/<pid>/fd holds it any more
    const spy = vi.spyOn(fs, 'readdirSync').mockImplementation(((p: fs.PathLike, o?: unknown) => (p === '/proc' ? [] : real(p, o as never))) as typeof fs.readdirSync);
    try {
      expect(await posixLock(dir)).toEqual({ busy: true, pid: undefined });
    } finally {
      spy.mockRestore();
      if (!('busy' in first)) first.release();
    }
  });

  it("another user's listener on the name is a squatter: the runs move to the next key; the user zticache runs as is not", async (ctx) => {
    if (process.geteuid?.() !== 0) return ctx.skip('needs root to start a process as another user');
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const first = await posixLock(dir);
    if ('busy' in first) throw new Error('not held');
    first.release();
    const name = lockNameOf(fs.readFileSync(path.join(dir, 'lock.key.1')));
    const squatter = await listenerAs(65534, name);
    try {
      runAs(65534); // zticache itself runs as that user: the listener is one of its own runs
      expect(await posixLock(dir)).toEqual({ busy: true, pid: squatter.pid });
      expect(fs.readdirSync(dir).sort()).toEqual(['lock.key.1']);
      vi.restoreAllMocks();
      const lock = await posixLock(dir);
      if ('busy' in lock) throw new Error(`busy: ${JSON.stringify(lock)}`);
      expect(lock.where).toBe(`abstract socket @${lockNameOf(fs.readFileSync(path.join(dir, 'lock.key.2')))} (key 2 in ${dir})`);
      lock.release();
    } finally {
      await squatter.stop();
    }
  });

  it('a run holding an older key still counts once the runs moved on to a newer one', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const old = await posixLock(dir);
    if ('busy' in old) throw new Error('not held');
    fs.writeFileSync(path.join(dir, 'lock.key.2'), Buffer.alloc(32, 2), { mode: 0o600 });
    expect(await posixLock(dir)).toEqual({ busy: true, pid: process.pid });
    old.release();
    const next = await lockWhenFree(dir);
    if ('busy' in next) throw new Error('still busy');
    expect(next.where).toContain('(key 2 in ');
    next.release();
  });

  it('gives up naming a key after 64 generations, saying where to look', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    fs.writeFileSync(path.join(dir, 'lock.key.65'), Buffer.alloc(32, 65), { mode: 0o600 });
    const e = await rejection(posixLock(dir));
    expect(e.exitCode).toBe(ExitCode.STATE_UNSAFE);
    expect(e.path).toBe(dir);
    expect(e.message).toBe(`the run lock of ${dir} is held by processes of other users under 64 keys in a row; nothing was changed. Find them with: grep zticache- /proc/net/unix`);
    fs.renameSync(path.join(dir, 'lock.key.65'), path.join(dir, 'lock.key.64'));
    const last = await posixLock(dir);
    if ('busy' in last) throw new Error('busy');
    expect(last.where).toContain('(key 64 in ');
    last.release();
  });

  it('off Linux: a socket file in the state folder, held once, taken over when nobody answers on it', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const sock = path.join(dir, 'zticache.lock.sock');
    fs.writeFileSync(sock, ''); // left by a run that died: nobody answers
    vi.spyOn(process, 'platform', 'get').mockReturnValue('darwin');
    const first = await posixLock(dir);
    if ('busy' in first) throw new Error('not taken over');
    expect(first.where).toBe(sock);
    expect(fs.statSync(sock).isSocket()).toBe(true);
    expect(await posixLock(dir)).toEqual({ busy: true });
    first.release();
    const next = await posixLock(dir);
    if ('busy' in next) throw new Error('busy after release');
    next.release();
    expect(fs.readdirSync(dir)).not.toContain('lock.key.1');
  });

  it('is held once: a second taker is busy, named as this process by the kernel; after release the next one gets it', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const first = await posixLock(dir);
    expect('busy' in first).toBe(false);
    if ('busy' in first) return;
    const key = fs.readFileSync(path.join(dir, 'lock.key.1'));
    expect(key).toHaveLength(32);
    expect(fs.statSync(path.join(dir, 'lock.key.1')).mode & 0o777).toBe(0o600);
    expect(first.where).toBe(`abstract socket @${lockNameOf(key)} (key 1 in ${dir})`);
    expect(await posixLock(dir)).toEqual({ busy: true, pid: process.pid });
    expect(await posixLock(dir, { readOnly: true })).toEqual({ busy: true, pid: process.pid });
    first.release();
    // the kernel lets go of the name once the server has closed
    let next = await posixLock(dir);
    for (let i = 0; 'busy' in next && i < 500; i++) {
      await new Promise((r) => setImmediate(r));
      next = await posixLock(dir);
    }
    expect('busy' in next).toBe(false);
    if (!('busy' in next)) next.release();
    expect(fs.readdirSync(dir).sort()).toEqual(['lock.key.1']);
  });

  it('the name comes from the key alone, and no one without the key can know it', () => {
    const a = Buffer.alloc(32, 1);
    expect(lockNameOf(a)).toBe(lockNameOf(Buffer.alloc(32, 1)));
    expect(lockNameOf(a)).toMatch(/^zticache-[0-9a-f]{40}$/);
    expect(lockNameOf(Buffer.alloc(32, 2))).not.toBe(lockNameOf(a));
  });

  it('the newest key counts; --what-if without a key makes none and holds nothing', async () => {
    const dir = path.join(tempDir('zti-state-'), 'state');
    preparePosixStateDir(dir);
    const look = await posixLock(dir, { readOnly: true });
    expect(look).toMatchObject({ held: false, where: `The lock key in ${dir} does not exist, and --what-if creates nothing` });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect((await posixLock(path.join(dir, 'missing'), { readOnly: true }) as { held?: boolean }).held).toBe(false);
    fs.writeFileSync(path.join(dir, 'lock.key.3'), Buffer.alloc(32, 3), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'lock.key.x'), 'not a generation');
    const lock = await posixLock(dir);
    expect('busy' in lock).toBe(false);
    if (!('busy' in lock)) {
      expect(lock.where).toBe(`abstract socket @${lockNameOf(Buffer.alloc(32, 3))} (key 3 in ${dir})`);
      lock.release();
    }
  });
});
