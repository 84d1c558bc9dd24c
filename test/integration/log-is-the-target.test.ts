// Attack on issue 34, guarantee 8 (a log is written only where a run would accept it; it never
// creates the target or a folder inside it): --log naming the target itself is not "inside" the
// target (the check asks for strictly inside), so the run opens its log there and creates the
// target as a FILE, then fails TARGET_UNSAFE; and so does every run after it with the corrected
// command line, although the way-out table says a USAGE or TARGET_UNSAFE refusal needs nothing
// undone. On Windows `zticache.exe /log:C:\MININT\PackageSource` does this to the default target
// (the Wine suite's attack file shows it on the real exe).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { expectExit, makePackage, scene, zticache } from '../helpers/fixtures.js';

describe('--log naming the target itself', () => {
  it('is refused as USAGE without creating the target, and the corrected command line then stages', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(s.args('--log', s.target, '--', s.report, '0'));
    expect(fs.existsSync(s.target), `${s.target} was created by the log:\n${r.out}`).toBe(false);
    expectExit(r, ExitCode.USAGE);
    const fixed = await zticache(s.args('--', s.report, '0'));
    expectExit(fixed, 0);
  });
});
