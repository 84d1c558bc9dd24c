// Issue 39 (found by an attack), "counts that add up (moved, copied and kept said apart)". A copy
// cut short (the process killed) is finished by the next run, keeping the complete files. It
// broke: the resumed run said "Copying 62 files" and "Copied 232.7 MB of 232.7 MB, 62 of 62 files,
// 4847.8 MB/s" beside "Copy: 21 files copied, 41 already complete": the earlier run's files were
// counted as this run's copies (and made up its rate). Progress.kept() now takes them out of the
// totals and says them apart; the opening line describes the package. Breaks if copy.ts counts a
// complete file with add() again.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

describe('a resumed copy says what it copied', () => {
  it('the copy lines count only what this run copied', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-resume-'));
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    const chunk = Buffer.alloc(4_000_000);
    for (let i = 1; i <= 60; i++) { chunk.writeUInt32LE(i, 0); fs.writeFileSync(path.join(src, `f${i}.bin`), chunk); }
    fs.writeFileSync(path.join(src, 'OSDLaunch.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const target = path.join(root, 'MININT', 'PackageSource');
    const args = [CLI, '--source', src, '--target', target, '--state-dir', path.join(root, 'st'), '--launch', 'OSDLaunch.sh', '--mode', 'copy'];
    // first run: killed once a few files are in the target
    const child = spawn('node', [...args, '--parallel', '1'], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const n = fs.existsSync(target) ? fs.readdirSync(target).length : 0;
      if (n >= 5) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const r = await execa('node', args, { reject: false, all: true });
    const out = r.all ?? '';
    expect(r.exitCode, out).toBe(0);
    const m = /Copy: (\d+) files? copied, (\d+) already complete/.exec(out);
    expect(m, out).not.toBeNull(); // the first run really was cut short and this one resumed
    const copied = Number(m![1]);
    expect(Number(m![2]), out).toBeGreaterThan(0);
    const progress = /Copied [\d.]+ \w?B of [\d.]+ \w?B, (\d+) of (\d+) files?.*; (\d+) files? \([^)]*\) already complete from an earlier run/.exec(out);
    expect(progress, out).not.toBeNull();
    expect(Number(progress![1]), progress![0]).toBe(copied);
    expect(Number(progress![2]), progress![0]).toBe(copied);
    expect(Number(progress![3]), progress![0]).toBe(Number(m![2]));
    const copying = /Copying (\d+) files?/.exec(out);
    if (copying) expect(Number(copying[1]), copying[0]).toBe(copied);
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
