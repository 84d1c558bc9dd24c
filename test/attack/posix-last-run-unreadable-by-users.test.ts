// ATTACK (issue 39, "last-run.json ... readable by Users"). On POSIX (the Linux CLI) zticache makes
// its state folder mode 700 and writes last-run.json 644 inside it, so the file's own mode is moot:
// BROKEN: a standard user (uid 65534 here) cannot read last-run.json ("Permission denied"), which
// is the one thing the record was made readable for (a monitoring script not running as root).
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = path.join(__dirname, '..', '..', 'dist', 'zticache.cjs');
const root = process.getuid?.() === 0;

describe.skipIf(!root)('attack: last-run.json readable by a standard user (POSIX)', () => {
  it('a user other than root reads last-run.json after a run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atk39-users-'));
    fs.chmodSync(dir, 0o755);
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'OSDLaunch.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const st = path.join(dir, 'state');
    const r = await execa('node', [CLI, '--source', src, '--target', path.join(dir, 'MININT', 'PackageSource'), '--state-dir', st, '--launch', 'OSDLaunch.sh'], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(fs.existsSync(path.join(st, 'last-run.json'))).toBe(true);
    const asUser = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', path.join(st, 'last-run.json')], { reject: false, all: true });
    expect(asUser.exitCode, asUser.all).toBe(0);
    expect(JSON.parse(asUser.stdout).exitCode).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
