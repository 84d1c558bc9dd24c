// The POSIX state folder and run lock, in-process: the folder is made 700 and refused when others
// could write it or another user owns it; the lock is an abstract socket named from a root-only
// key, held once, judged busy by the kernel's word (this process holds it), released for the next;
// --what-if makes no key, no folder, no socket.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { lockNameOf, posixLock, preparePosixStateDir } from '../../src/posix-state.js';
import { tempDir } from '../helpers/fixtures.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { exitCode: number; message: string; path?: string };
  }
  throw new Error('it was not refused');
};

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
      const e = refusal(() => preparePosixStateDir(dir));
      expect(e.exitCode, mode.toString(8)).toBe(ExitCode.STATE_UNSAFE);
      expect(e.message).toContain(`can be written by other users (mode ${mode.toString(8)})`);
    }
  });

  it('one another user owns is refused, naming the user', (ctx) => {
    if (process.geteuid?.() !== 0) return ctx.skip('needs root to give a folder to another user');
    const dir = path.join(tempDir('zti-state-'), 'state');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, 65534, 65534);
    expect(refusal(() => preparePosixStateDir(dir)).message).toContain('belongs to user 65534, not to root or the user running zticache (0)');
  });
});

describe('the POSIX run lock', () => {
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
