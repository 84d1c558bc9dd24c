// zticache selftest on this machine (POSIX, the built CLI and in-process): the real plan, staging,
// places and names in a sandbox of its own, removed after; the checks only Windows can answer
// are SKIP with why; one that FAILs gives its own exit code and, with --status-mif, the MIF.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import { expectExit, itProcess, tempDir, zticache } from '../helpers/fixtures.js';
import { mainWith, rt } from '../helpers/seams.js';

const sandboxes = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('zticache-selftest-'));
const rows = (out: string) => Object.fromEntries([...out.matchAll(/^zticache: (.+?)\s{2,}(PASS|FAIL|SKIP)\s{2,}(.*)$/gm)].map((m) => [m[1]!.trim(), m[2]!]));

describe('zticache selftest', () => {
  // a process of its own: the start check runs zticache itself again, which in-process is the test runner
  itProcess('runs the real code paths in a sandbox it removes: what POSIX can show PASSes, the rest is SKIP with why', async () => {
    const state = tempDir('zti-st-');
    const before = sandboxes();
    const r = await zticache(['selftest', '--state-dir', state]);
    expectExit(r, 0);
    expect(rows(r.out)).toEqual({
      'the machine': 'PASS', 'places: DACL of PackageSource': 'PASS', 'places: DACL of the state folder': 'PASS', 'the guard': 'SKIP',
      'places: symbolic link': 'PASS', 'places: junction': 'SKIP', names: 'PASS', events: 'SKIP', 'how it is started': 'PASS', 'the ConfigMgr client': 'SKIP',
    });
    expect(r.out).toMatch(/the guard +SKIP +nothing held \(POSIX cannot block deletion of an open file\)/);
    expect(r.out).toMatch(/places: symbolic link +PASS +a symbolic link in the sandbox's MININT was refused, not followed/);
    expect(r.out).toMatch(/zticache selftest: 6 PASS, 0 FAIL, 4 SKIP; exit code 0/);
    expect(sandboxes()).toEqual(before); // removed
    expect(fs.readFileSync(path.join(state, 'selftest.log'), 'utf8')).toMatch(/Removed the sandbox .*zticache-selftest-/);
  });

  it('--keep leaves the sandbox; a check that FAILs gives SELFTEST_FAILED and, with --status-mif, the MIF of the first failure', async () => {
    const state = tempDir('zti-st-');
    const before = new Set(sandboxes());
    // a machine that loses a child's exit code
    const lying = { ...posixPlatform.probes, start: async () => 7 };
    const code = await mainWith({ platform: { probes: lying } }, ['selftest', '--state-dir', state, '--status-mif', 'ZTICache.mif', '--keep'], rt(state));
    expect(code).toBe(ExitCode.SELFTEST_FAILED);
    const mif = fs.readFileSync(path.join(state, 'ZTICache.mif'), 'latin1');
    expect(mif).toMatch(/VALUE = "SELFTEST_FAILED: how it is started: started in the background, no standard handles: exit code 7, not 5/);
    const kept = sandboxes().filter((n) => !before.has(n));
    expect(kept).toHaveLength(1);
    expect(fs.existsSync(path.join(os.tmpdir(), kept[0]!, 'MININT', 'PackageSource', 'OSDLaunch.exe'))).toBe(true);
    fs.rmSync(path.join(os.tmpdir(), kept[0]!), { recursive: true, force: true });
  });

  it('--package-size too large for PackageSource\'s volume FAILs the client check even without a client', async () => {
    const state = tempDir('zti-st-');
    const code = await mainWith({ platform: { freeBytes: () => 100 * 1048576 } }, ['selftest', '--state-dir', state, '--package-size', '500'], rt(state));
    expect(code).toBe(ExitCode.SELFTEST_FAILED);
    expect(fs.readFileSync(path.join(state, 'selftest.log'), 'utf8')).toMatch(/the ConfigMgr client: FAIL a 500 MB package is more than PackageSource's volume has free \(100 MB\)/);
  });

  it('its options belong to it', async () => {
    expectExit(await zticache(['--keep']), ExitCode.USAGE);
    expectExit(await zticache(['--package-size', '5']), ExitCode.USAGE);
    expectExit(await zticache(['selftest', '--package-size', 'x']), ExitCode.USAGE);
  });
});
