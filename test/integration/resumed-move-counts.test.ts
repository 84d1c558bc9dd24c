// Issue 39 (found by an attack), "counts that add up (moved, copied and kept said apart)". A move
// across volumes cut short (the process killed) is finished by the next run. It broke: the resumed
// run said "Move: 41 entries moved across volumes (5 files copied by this run)" and then
// "Staged 41 files ...: 41 moved", counting the earlier run's copies as this run's moves. The
// closing line now says "N moved, M copied by an earlier run and moved by this one". Breaks if
// move.ts counts an earlier run's complete copy as moved again.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');
const otherVolume = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(os.tmpdir()).dev;

describe.skipIf(!otherVolume)('a resumed move across volumes says what an earlier run did', () => {
  it('the staged line does not count the earlier run\'s files as moved by this one', async () => {
    const a = fs.mkdtempSync(path.join('/dev/shm', 'zti-mv-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-mv-'));
    const src = path.join(a, 'src');
    fs.mkdirSync(src);
    const chunk = Buffer.alloc(4_000_000);
    for (let i = 1; i <= 40; i++) { chunk.writeUInt32LE(i, 0); fs.writeFileSync(path.join(src, `f${i}.bin`), chunk); }
    fs.writeFileSync(path.join(src, 'OSDLaunch.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const target = path.join(b, 'MININT', 'PackageSource');
    const args = [CLI, '--source', src, '--target', target, '--state-dir', path.join(b, 'st'), '--launch', 'OSDLaunch.sh'];
    const child = spawn('node', [...args, '--parallel', '1'], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(fs.existsSync(target) && fs.readdirSync(target).length >= 8)) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const r = await execa('node', args, { reject: false, all: true });
    const out = r.all ?? '';
    expect(r.exitCode, out).toBe(0);
    const thisRun = /\((\d+) files? copied by this run\)/.exec(out);
    expect(thisRun, out).not.toBeNull(); // resumed a move across volumes
    const staged = /Staged (\d+) files? .*: (\d+) moved/.exec(out);
    expect(staged, out).not.toBeNull();
    // moved by this run: what this run copied; the earlier run's part said apart, the two adding up
    expect(Number(staged![2]), out).toBe(Number(thisRun![1]));
    const line = out.split('\n').find((l) => l.includes('Staged '))!;
    const earlier = /(\d+) copied by an earlier run and moved by this one/.exec(line);
    expect(earlier, line).not.toBeNull();
    expect(Number(earlier![1])).toBeGreaterThan(0);
    expect(Number(staged![2]) + Number(earlier![1])).toBe(Number(staged![1]));
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }, 120_000);
});
