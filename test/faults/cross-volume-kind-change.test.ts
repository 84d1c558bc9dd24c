// Attack on issue 34, guarantee 7 (no INTERNAL from a file's kind changing between versions, at any
// point of a copy) and the way-out table: a move across volumes (its copy, check, delete) killed
// part way, then the cache folder refreshed with a version where a folder of the package became a
// file (OSD\Custom -> a file named OSD). The resume stops with a bare "failed at ... (ENOTDIR)" on
// every rerun: the stat of OSD/Custom/osd.xml meets a file on the way, and the check that would say
// "changed after it was inventoried ... have the package downloaded again, then delete PackageSource
// and the journal" (what the reverse change, a file that became a folder, does say) throws ENOTDIR
// itself. STAGE_FAILED's row says "run again: the journal finishes", which cannot help here.
import { execa } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { FAULTS_CLI, expectExit, makePackage, scene, tempDir, zticache } from '../helpers/fixtures.js';

describe('a move across volumes resumed after a folder of the package became a file', () => {
  it('names the changed entry and the way out (download again, delete PackageSource and the journal), not a bare ENOTDIR', async () => {
    const s = scene(tempDir('zti-', '/dev/shm')); // the cache on tmpfs ...
    const far = tempDir(); // ... PackageSource on the disk: another volume
    const target = path.join(far, 'MININT', 'PackageSource');
    makePackage(s.source);
    const args = ['--source', s.source, '--target', target, ...s.stateArgs, '--launch', 'launch.js', '--', s.report, '0'];
    // killed after the first file of the copy across volumes (the crash suite's bundle)
    const killed = await execa(process.execPath, [FAULTS_CLI, ...args], { reject: false, all: true, env: { ZTICACHE_TEST_KILL_AT: '4' } });
    expect(killed.all).toMatch(/killed at fault point 4: file copied/);
    // the cache folder is refreshed meanwhile: the folder OSD is a file in the new version
    fs.rmSync(path.join(s.source, 'OSD'), { recursive: true });
    fs.writeFileSync(path.join(s.source, 'OSD'), 'now a file');
    const r = await zticache(args);
    expectExit(r, ExitCode.STAGE_FAILED);
    expect(r.out).not.toMatch(/\(ENOTDIR\)/);
    expect(r.out).toMatch(/changed after it was inventoried|removed from the source after it was inventoried/);
    expect(r.out).toMatch(/downloaded again/);
  });
});
