// Issue 39 (found by an attack), "every run writes its outcome ... to last-run.json". An admin
// mistypes an option on the OS program's command line (`/mode:sideways`, `/parallel:0`, `/bogus`,
// a stray word): the run exits USAGE and must replace last-run.json, or a compliance baseline
// reads the previous SUCCESS on every client whose program can no longer run. It broke because a
// command line refused by the parser had no --state-dir to record into; the parser now reads the
// rest of the line (parseArgsLeniently) and stageCommand records by it. Breaks if main() stops
// handing stageCommand what was read. A refused `selftest` line or a --what-if one records nothing.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

describe('a refused command line still records its run', () => {
  for (const extra of [['--mode', 'sideways'], ['--parallel', '0'], ['--bogus'], ['stray-word']]) {
    it(`after a success, a run with ${extra.join(' ')} replaces last-run.json with its USAGE`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atk39-usage-'));
      const src = path.join(dir, 'src');
      fs.mkdirSync(src);
      fs.writeFileSync(path.join(src, 'OSDLaunch.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const st = path.join(dir, 'state');
      const base = [CLI, '--source', src, '--target', path.join(dir, 'MININT', 'PackageSource'), '--state-dir', st, '--launch', 'OSDLaunch.sh'];
      const ok = await execa('node', base, { reject: false, all: true });
      expect(ok.exitCode, ok.all).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(st, 'last-run.json'), 'utf8')).exitCode).toBe(0);
      const bad = await execa('node', [...base, ...extra], { reject: false, all: true });
      expect((bad.exitCode ?? -1) & 0xff).toBe(900000001 & 0xff);
      const rec = JSON.parse(fs.readFileSync(path.join(st, 'last-run.json'), 'utf8'));
      expect({ exitCode: rec.exitCode, name: rec.name }, bad.all).toEqual({ exitCode: 900000001, name: 'USAGE' });
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);
  }
  for (const extra of [['selftest', '--bogus'], ['--what-if', '--bogus']]) {
    it(`a refused ${extra.join(' ')} leaves the previous record alone`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-usage-'));
      const src = path.join(dir, 'src');
      fs.mkdirSync(src);
      fs.writeFileSync(path.join(src, 'OSDLaunch.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const st = path.join(dir, 'state');
      const places = ['--source', src, '--target', path.join(dir, 'MININT', 'PackageSource'), '--state-dir', st];
      const ok = await execa('node', [CLI, ...places, '--launch', 'OSDLaunch.sh'], { reject: false, all: true });
      expect(ok.exitCode, ok.all).toBe(0);
      const before = fs.readFileSync(path.join(st, 'last-run.json'), 'utf8');
      const bad = await execa('node', [CLI, ...extra, '--state-dir', st], { reject: false, all: true });
      expect((bad.exitCode ?? -1) & 0xff).toBe(900000001 & 0xff);
      expect(fs.readFileSync(path.join(st, 'last-run.json'), 'utf8')).toBe(before);
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);
  }
});
