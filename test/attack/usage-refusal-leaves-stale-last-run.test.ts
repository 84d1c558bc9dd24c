// ATTACK (issue 39, "every run writes its outcome ... to last-run.json"). An admin edits the OS
// program's command line and mistypes an option (`/mode:sideways`, `/parallel:0`, an unknown
// `/bogus`, a stray word). BROKEN: the run exits USAGE (900000001) but writes no last-run.json: the
// previous run's record ("exitCode": 0, "name": "SUCCESS") stays, so a compliance baseline reading
// last-run.json reports success on every client whose program can no longer run at all. (A USAGE
// refusal of a parsed --log inside the package does write its record: the parse failures do not.)
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');

describe('attack: a refused command line still records its run', () => {
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
      expect(bad.exitCode & 0xff).toBe(900000001 & 0xff);
      const rec = JSON.parse(fs.readFileSync(path.join(st, 'last-run.json'), 'utf8'));
      expect({ exitCode: rec.exitCode, name: rec.name }, bad.all).toEqual({ exitCode: 900000001, name: 'USAGE' });
      fs.rmSync(dir, { recursive: true, force: true });
    }, 60_000);
  }
});
