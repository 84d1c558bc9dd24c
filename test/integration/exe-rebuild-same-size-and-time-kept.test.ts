// Attack on issue 38 follow-up (kept as a test; fixed), guarantee 2: "after the admin drops another build into the cache
// folder the target's copy is replaced by it".
// How it broke: stage/own-copy.ts keeps the zticache.exe already in the target when its size and
// last-write time equal the cached one's, without asking whether it is the same file. A hard link
// to the cached file is known by its file ID, but a content refresh that replaces the cached exe
// (a new file, a new ID) with another build of the same length and time (release zips stamp every
// entry with the commit's time or SOURCE_DATE_EPOCH, so a re-signed or rebuilt release of one commit
// keeps its time; PE files are padded to 512 bytes, so a small change keeps the length) leaves the
// old build beside the package, and VERIFY passes over that file as zticache's own.
// Observed: the rerun exits 0 (the launcher ran) and PackageSource/zticache.exe still reads
// "MZ build one" (a hard link to the replaced cached file, inode of the old one), while the cache
// folder holds "MZ build two".
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { rt } from '../helpers/seams.js';
import { makePackage, scene } from '../helpers/fixtures.js';

describe('another build of the same size and time dropped into the cache folder', () => {
  it('replaces the zticache.exe beside the package', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ build one' });
    const cached = path.join(s.source, 'zticache.exe');
    const commitTime = new Date('2026-12-07T01:48:13Z');
    fs.utimesSync(cached, commitTime, commitTime);
    const exe = rt(s.dir, { packaged: true, execPath: cached });
    // the first run stages and the launcher fails: the advertisement will be rerun
    expect(await main(s.args('--', s.report, '1'), exe)).toBe(1);
    const placed = path.join(s.target, 'zticache.exe');
    expect(fs.readFileSync(placed, 'utf8')).toBe('MZ build one');
    // the client's content refresh: another build, same length, same time, a new file
    const tmp = path.join(s.source, 'zticache.exe.download');
    fs.writeFileSync(tmp, 'MZ build two');
    fs.utimesSync(tmp, commitTime, commitTime);
    fs.renameSync(tmp, cached);
    expect(await main(s.args('--', s.report, '0'), exe)).toBe(0);
    expect(fs.readFileSync(placed, 'utf8'), 'the target keeps the build the cache no longer holds').toBe('MZ build two');
  });
});
