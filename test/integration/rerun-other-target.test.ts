// Attack on issue 34, guarantee 1 ("the launcher never starts on fewer files than the journalled
// inventory"): journals are found by target only. After a stuck move finished with the README's
// way out (--mode copy), the cache folder holds the remnant zticache left there (the stuck launcher).
// An admin who reruns the same cache folder into another target (--target on a roomier drive)
// gets a fresh plan from that remnant: the launcher is moved alone into the new target and started
// on it, although the state folder records that this cache folder's package was 5 files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { LAUNCHER, LAUNCHER_SOURCE, expectExit, makeTree, readReport, scene, zticache } from '../helpers/fixtures.js';

describe('a spent cache folder staged again into another target', () => {
  it('is not staged and launched from the remnant zticache left there', async () => {
    const s = scene();
    makeTree(s.source, { 'AutoRun.inf': 'autorun', 'Boot/boot.wim': Buffer.alloc(90_000, 2), 'drivers/net.inf': 'net' });
    const launcher = path.join(s.source, LAUNCHER);
    fs.writeFileSync(launcher, LAUNCHER_SOURCE, { mode: 0o755 });
    if (spawnSync('chattr', ['+i', launcher]).status !== 0) throw new Error('chattr +i is needed for this test');
    try {
      expectExit(await zticache(s.args('--', s.report, '0')), ExitCode.STAGE_FAILED); // stuck on the launcher
      expectExit(await zticache(s.args('--mode', 'copy', '--', s.report, '0')), 0);
    } finally {
      spawnSync('chattr', ['-i', launcher]);
    }
    expect(fs.readdirSync(s.source)).toEqual([LAUNCHER]);
    const other = path.join(s.dir, 'D', 'MININT', 'PackageSource');
    const report2 = path.join(s.dir, 'report2.json');
    const r = await zticache(['--source', s.source, '--target', other, '--launch', LAUNCHER, ...s.stateArgs, '--', report2, '0']);
    const rep = readReport(report2);
    expect(rep === undefined || Object.keys(rep.files).length >= 5, `the launcher ran on ${Object.keys(rep?.files ?? {}).join(', ')} in ${other}\n${r.out}`).toBe(true);
  }, 120_000);
});
