// zticache check's judgments (src/commands/check/readiness.ts) over made-up figures: each refuses
// exactly at its edge, with its code and the figures an admin acts on; the READY and NOT READY lines.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/core/exit-codes.js';
import { MB, judgeCache, judgeHashes, judgeRoom, notReadyLine, readyLine } from '../../../src/commands/check/readiness.js';
import { thrown } from '../../helpers/seams.js';

describe('zticache check\'s judgments', () => {
  it('room: staging plus scratch must fit, to the byte; the message says all three figures and the way out', () => {
    expect(() => judgeRoom('C:\\', { free: 600 * MB, staging: 100 * MB, scratch: 500 * MB })).not.toThrow();
    const e = thrown(() => judgeRoom('C:\\', { free: 600 * MB - 1, staging: 100 * MB, scratch: 500 * MB }));
    expect(e).toMatchObject({ exitCode: ExitCode.NO_SPACE, path: 'C:\\' });
    expect(e.message).toBe('not enough free space on the volume of C:\\ for the OS install: 600.0 MB needed (100.0 MB for staging, 500.0 MB of scratch space), 600.0 MB free; free space there, or keep this computer out of the collection until it has room');
    expect(() => judgeRoom('C:\\', { free: 0, staging: 0, scratch: 0 })).not.toThrow();
  });

  it('the client cache must hold the package, to the MB; the message names the size to give cache-size', () => {
    expect(() => judgeCache({ totalMb: 1536, location: 'C:\\ccmcache', packageBytes: 1536 * MB })).not.toThrow();
    const e = thrown(() => judgeCache({ totalMb: 1536, location: 'C:\\ccmcache', packageBytes: 1536 * MB + 1 }));
    expect(e).toMatchObject({ exitCode: ExitCode.CACHE_TOO_SMALL, path: 'C:\\ccmcache' });
    expect(e.message).toBe('the client cache (1536 MB at C:\\ccmcache) is smaller than the package (1.50 GB): raise it with zticache cache-size 1538 (or the client settings\' cache size), then download the package again');
  });

  it('hashes: none bad is no refusal; the first five named, how many more said', () => {
    expect(() => judgeHashes([], 'm')).not.toThrow();
    const bad = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => `SHA-256 of ${x} is 1`);
    const e = thrown(() => judgeHashes(bad, 'C:\\c\\zticache.sha256'));
    expect(e).toMatchObject({ exitCode: ExitCode.VERIFY_FAILED, path: 'C:\\c\\zticache.sha256' });
    expect(e.message).toBe('the cached package does not match the manifest C:\\c\\zticache.sha256: SHA-256 of a is 1; SHA-256 of b is 1; SHA-256 of c is 1; SHA-256 of d is 1; SHA-256 of e is 1; and 2 more. The client holds a damaged copy: delete the package from the client cache and have it downloaded again');
    expect(thrown(() => judgeHashes(bad.slice(0, 5), 'm')).message).not.toMatch(/more/);
  });

  it('the lines the console shows', () => {
    expect(readyLine({ packageId: 'ABC00001', files: 1200, bytes: 1.5 * 1024 * MB, hashed: 1199, free: 20 * 1024 * MB })).toBe('READY ABC00001: 1200 files, 1.50 GB, 1199 hashes checked, 20.0 GB free');
    expect(readyLine({ packageId: 'ABC00001', files: 3, bytes: 10, hashed: 0, free: 10 })).toBe('READY ABC00001: 3 files, 10 B, no manifest: sizes only, 10 B free');
    expect(notReadyLine('ABC00001', 'NO_SPACE: x')).toBe('NOT READY: NO_SPACE: x (package ABC00001)');
    // issue 39 attack: the code and way out come before the package's name, however long it is
    const long = notReadyLine('W'.repeat(200), 'LAUNCHER_MISSING (fix the launcher in the package): no OSDLaunch.exe');
    expect(long.indexOf('LAUNCHER_MISSING (fix the launcher in the package)')).toBe('NOT READY: '.length);
  });
});
