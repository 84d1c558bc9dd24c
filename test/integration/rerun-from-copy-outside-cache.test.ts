// Issue 38 (attack 38, finding 3): "reruns still find 'already staged' from the journal" and README (SOURCE_MIXED
// row): "What zticache itself leaves there (zticache.exe and its folder, ...) never count as a new
// version".
//
// How it breaks: the running zticache.exe is no longer inventoried or journalled; a rerun passes
// over it only when it is the RUNNING exe (exeKey). When the admin reruns zticache from a copy
// outside the cache folder (a newer build on a share or in C:\Temp, `--source C:\ccmcache\3`), the
// zticache.exe the first run left in the cache folder is neither running nor in the record, so it
// counts as ADDED content: after a move the rerun is refused as SOURCE_MIXED (the staged package is
// never launched); after a copy the whole staged target is removed and staged again as "a new
// version" although the journal says it is staged and nothing of the package changed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { rt } from '../helpers/seams.js';
import { makePackage, readReport, scene } from '../helpers/fixtures.js';

function firstRunFromCache(mode: 'move' | 'copy') {
  const s = scene();
  makePackage(s.source, { 'zticache.exe': 'MZ zticache 1.0' });
  const fromCache = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
  return { s, fromCache, args: s.args('--mode', mode, '--', s.report, '0') };
}

describe('a rerun by a zticache.exe outside the cache folder', () => {
  it('after a move: the zticache.exe zticache left in the cache folder is not a new version (already staged, launched)', async () => {
    const { s, fromCache, args } = firstRunFromCache('move');
    expect(await main(args, fromCache)).toBe(0);
    expect(fs.readdirSync(s.source)).toEqual(['zticache.exe']);
    // the admin reruns with a copy of zticache.exe kept outside the cache (same or newer build)
    const outside = path.join(s.dir, 'tools', 'zticache.exe');
    fs.mkdirSync(path.dirname(outside));
    fs.writeFileSync(outside, 'MZ zticache 1.1');
    const code = await main(args, rt(s.dir, { packaged: true, execPath: outside }));
    const log = fs.readFileSync(s.log, 'utf8');
    expect(log).not.toMatch(/SOURCE_MIXED/);
    expect(code, log.split('\n').slice(-6).join('\n')).toBe(0);
    expect(readReport(s.report)!.runs).toBe(2);
  });

  it('after a copy: the staged target is not removed and staged again because of zticache\'s own exe', async () => {
    const { s, fromCache, args } = firstRunFromCache('copy');
    expect(await main(args, fromCache)).toBe(0);
    const marker = path.join(s.target, 'launcher-wrote.log'); // what the launcher wrote there on the first run
    fs.writeFileSync(marker, 'x');
    const outside = path.join(s.dir, 'tools', 'zticache.exe');
    fs.mkdirSync(path.dirname(outside));
    fs.writeFileSync(outside, 'MZ zticache 1.1');
    const code = await main(args, rt(s.dir, { packaged: true, execPath: outside }));
    const log = fs.readFileSync(s.log, 'utf8');
    expect(code).toBe(0);
    expect(log).not.toMatch(/a new version in the cache folder/);
    expect(log).toMatch(/already staged by an earlier run/);
  });
});
