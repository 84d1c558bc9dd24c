// The zticache.exe put beside the package when the target is on another volume than the cache
// folder: a hard link cannot cross volumes, so it is a copy with the cached file's time, counted in
// the free-space check; a rerun finds it there and leaves it; a rerun after the admin put another
// build into the cache folder replaces it (a custom action finds the build that runs).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import { mainWith, rt } from '../helpers/seams.js';
import { LAUNCHER, makePackage, readReport, scene, tempDir } from '../helpers/fixtures.js';

describe('zticache.exe beside the package, the target on another volume', () => {
  it('is a copy with its time, needs its room, stays on a rerun and follows a new build', async () => {
    const s = scene(tempDir('zti-', '/dev/shm')); // the cache on tmpfs ...
    const target = path.join(tempDir(), 'MININT', 'PackageSource'); // ... PackageSource on the disk
    makePackage(s.source, { 'zticache.exe': Buffer.alloc(300_000, 7) });
    const old = new Date('2001-02-03T04:05:06Z');
    fs.utimesSync(path.join(s.source, 'zticache.exe'), old, old);
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const args = ['--source', s.source, '--target', target, ...s.stateArgs, '--launch', LAUNCHER, '--', s.report, '0'];
    // the package's clusters fit, the exe's copy does not: refused before anything moves
    const pkg = fs.readdirSync(s.source).length;
    expect(await mainWith({ platform: { ...posixPlatform, freeBytes: () => 450_000 } }, args, exe)).toBe(ExitCode.NO_SPACE);
    expect(fs.readdirSync(s.source)).toHaveLength(pkg);
    expect(await main(args, exe)).toBe(0);
    const placed = path.join(target, 'zticache.exe');
    expect(fs.statSync(placed).ino).not.toBe(fs.statSync(path.join(s.source, 'zticache.exe')).ino);
    expect(fs.statSync(placed).mtimeMs).toBe(old.getTime());
    expect(fs.readFileSync(path.join(path.dirname(target), 'SMSOSD', 'OSDLOGS', 'ZTICache.log'), 'utf8')).toMatch(/Put .*zticache\.exe beside the package: a copy of .*another volume/);
    expect(readReport(s.report)!.files['zticache.exe']).toBeDefined();
    // a rerun: already staged, the copy is left as it is
    const ino = fs.statSync(placed).ino;
    expect(await main(args, exe)).toBe(0);
    expect(fs.statSync(placed).ino).toBe(ino);
    // the admin drops another build into the cache folder: the target's follows it
    fs.writeFileSync(path.join(s.source, 'zticache.exe'), 'another build');
    expect(await main(args, exe)).toBe(0);
    expect(fs.readFileSync(placed, 'utf8')).toBe('another build');
    expect(readReport(s.report)!.runs).toBe(3);
  });
});
