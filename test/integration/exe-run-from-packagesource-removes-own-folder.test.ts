// Attack on issue 38 follow-up (kept as a test; fixed), guarantees 2 and 3 (and docs/security.md: an existing target is
// removed "never [when it is] an ancestor of the running exe").
// How it broke: an admin reruns the zticache.exe that the first run put beside the package,
// C:\MININT\PackageSource\zticache.exe --source <cache folder>, after the client downloaded a new
// version of the package into the cache folder. plan.ts finds no running exe in the source and takes
// the journal's leftOut as exeRel, so judgeOldTarget's refusal (it applies only when exeRel is
// undefined) is skipped: the old PackageSource, which holds the running exe, is removed. And as
// run.ts decided "zticache runs from the target" (exeInTarget) before that removal, nothing is
// put beside the new package: the launcher runs without the zticache.exe its custom action needs.
// Observed (Linux CLI in-process): exit 0, log "Removing the old .../PackageSource", the new
// PackageSource holds Empty, Images, OSD, launch.js, readme.txt, setup.cab and no zticache.exe.
// (Under Wine the removal instead fails part way at the running exe: see the -wine test.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { rt } from '../helpers/seams.js';
import { makePackage, readReport, scene } from '../helpers/fixtures.js';

describe('zticache run from the zticache.exe beside the package, after a new version was cached', () => {
  it('never removes the folder it runs from, and the staged package has zticache.exe beside it', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ build one' });
    expect(await main(s.args('--', s.report, '1'), rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') }))).toBe(1);
    const running = path.join(s.target, 'zticache.exe');
    expect(fs.existsSync(running)).toBe(true);
    // a new version of the package downloaded into the same cache folder
    makePackage(s.source, { 'setup.cab': 'version 2', 'readme.txt': 'version 2' });
    const code = await main(s.args('--', s.report, '0'), rt(s.dir, { packaged: true, execPath: running }));
    const launched = readReport(s.report);
    expect(fs.existsSync(running), `the running ${running} was deleted with its folder (exit ${code})`).toBe(true);
    if (code === 0) expect(Object.keys(launched!.files)).toContain('zticache.exe');
  });
});
