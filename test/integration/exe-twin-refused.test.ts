// Issue 38 (attack 38, finding 4): NAME_CLASH, "two entries that are one name on the target (a
// case-sensitive cache folder, a NAS share): refused before any change", holds for the running
// zticache.exe too, though it is not staged. A package file ZTICACHE.EXE beside it would otherwise
// be staged, and every rerun's evidence passes over the running exe by its key: a new ZTICACHE.EXE
// from the distribution point would be "already staged" and the old one launched. Modelled with
// Windows' names rules over a case-sensitive folder (ext4), a copy (--mode copy) as from a NAS share.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene } from '../helpers/fixtures.js';
import { winNames } from '../helpers/names.js';

describe('a package file named like the running exe in another case', () => {
  it('is refused as NAME_CLASH before any change, naming both', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ running exe', 'ZTICACHE.EXE': 'payload v1' });
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const code = await mainWith({ platform: { names: () => winNames } }, s.args('--mode', 'copy', '--', s.report, '0'), exe);
    const log = fs.readFileSync(s.log, 'utf8');
    expect(code).toBe(ExitCode.NAME_CLASH);
    expect(log).toMatch(/"ZTICACHE\.EXE" and "zticache\.exe" \(zticache itself, which is not moved\) are two entries of/);
    expect(fs.existsSync(s.target)).toBe(false);
    expect(fs.existsSync(s.report)).toBe(false);
  });

  it('a package without the twin is staged (the refusal is for the twin only)', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ running exe', 'ZTICACHE.TXT': 'payload' });
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    expect(await mainWith({ platform: { names: () => winNames } }, s.args('--mode', 'copy', '--', s.report, '0'), exe)).toBe(0);
  });
});
