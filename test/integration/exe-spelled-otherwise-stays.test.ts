// Issue 38 (attack 38, finding 5): "the running zticache.exe is no longer staged ... it stays in the cache
// folder" and the team rule "a name is not an identity: src/names decides what a name is; there is
// no other case folding of a package path".
//
// How it breaks: the plan finds the running exe's package path from the path it was started by,
// through realpathSync.native, and falls back to the path AS GIVEN when that cannot be read
// (plan.ts realPath: "as given when it cannot be read"). The inventory then leaves it out by an
// exact string comparison (inventory.ts: opts.skip.has(rel)), not by names.key. On a Windows volume
// where the program was started as ZTICACHE.EXE (the SMS program's command line in capitals:
// GetModuleFileName gives the spelling it was started by) and the path is not canonicalised, the
// exe's key matches but its spelling does not: the running exe is inventoried, journalled and, at
// the top of a local package, keptEntries() keeps nothing back, so the move RENAMES the running
// zticache.exe out of the SMS client's cache folder into PackageSource. Modelled on Linux with
// Windows' names rules (the fallback path: the capitalised path does not exist on ext4, so realpath
// fails and the path is used as given, exactly the fallback).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainWith, rt } from '../helpers/seams.js';
import { makePackage, scene } from '../helpers/fixtures.js';
import { winNames } from '../helpers/names.js';

describe('the running exe started by another spelling of its name', () => {
  it('is not moved: it stays in the cache folder, and the target gets it beside the package as a second name of that file (names decide by key, not by spelling)', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ running exe' });
    // started as ...\ZTICACHE.EXE; Windows' rules say that is the name zticache.exe
    expect(winNames.key('ZTICACHE.EXE')).toBe(winNames.key('zticache.exe'));
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'ZTICACHE.EXE') });
    const code = await mainWith({ platform: { names: () => winNames } }, s.args('--', s.report, '0'), exe);
    const log = fs.readFileSync(s.log, 'utf8');
    expect(code).toBe(0);
    expect(log).toMatch(/Not moved: zticache\.exe /);
    // the file the SMS client runs must still be in its cache folder; PackageSource has it by a hard link
    const cached = fs.statSync(path.join(s.source, 'zticache.exe'));
    expect(fs.statSync(path.join(s.target, 'zticache.exe')).ino).toBe(cached.ino);
    expect(fs.readdirSync(s.target).filter((n) => n.toLowerCase() === 'zticache.exe')).toEqual(['zticache.exe']);
  });
});
