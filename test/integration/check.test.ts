// zticache check: is this computer ready for the package before the mandatory time? READY (exit 0,
// a Success MIF) on a whole cached package; NOT READY with the code a run would fail with (a file
// missing or changed against the manifest, no room for staging plus scratch space, a client cache
// smaller than the package), a Failed MIF, and nothing changed on disk either way; no lock taken.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import type { Dispatch, Variant } from '../../src/core/automation.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import { expectExit, makePackage, scene, snapshot, zticache, zticacheProcess } from '../helpers/fixtures.js';
import { mainWith, rt } from '../helpers/seams.js';

/** A package in its cache folder with its manifest, the MIF's folder made (POSIX: the default log folder, which a run makes). */
async function cached() {
  const s = scene();
  makePackage(s.source);
  expectExit(await zticache(['manifest', s.source]), 0);
  const mifDir = path.join(s.minint, 'SMSOSD', 'OSDLOGS');
  fs.mkdirSync(mifDir, { recursive: true });
  const check = (...more: string[]) => ['check', '--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs, '--status-mif', 'ZTICheck.mif', ...more];
  const mif = () => fs.readFileSync(path.join(mifDir, 'ZTICheck.mif'), 'latin1');
  /** everything on disk but the MIF: a check changes none of it */
  const disk = () => ({ source: snapshot(s.source), minint: Object.keys(snapshot(s.minint)).filter((k) => !k.endsWith('ZTICheck.mif')), state: fs.existsSync(s.state) });
  return { ...s, check, mif, disk };
}

const field = (mif: string, name: string) => new RegExp(`NAME = "${name}"\\r\\n {6}ID = \\d+\\r\\n(?:.*\\r\\n){3}.*VALUE = "([^"]*)"`).exec(mif)?.[1];

describe('zticache check', () => {
  it('READY on a whole cached package: every hash checked, exit 0, a Success MIF; nothing changed, no target, no state, no log', async () => {
    const s = await cached();
    const before = s.disk();
    const r = await zticacheProcess(s.check());
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Verified the SHA-256 of 6 files against .*ABC00001\/zticache\.sha256/);
    expect(field(s.mif(), 'Status')).toBe('Success');
    expect(field(s.mif(), 'Description')).toMatch(/^READY ABC00001: 7 files, [\d.]+ KB, 6 hashes checked, [\d.]+ [KMGT]?B free$/);
    expect(s.disk()).toEqual(before);
    expect(fs.existsSync(s.target)).toBe(false);
    expect(fs.existsSync(s.log)).toBe(false);
  });

  it('without a manifest it says that it checked presence and sizes only', async () => {
    const s = await cached();
    fs.rmSync(path.join(s.source, 'zticache.sha256'));
    const r = await zticache(s.check());
    expect(r.code, r.out).toBe(0);
    expect(field(s.mif(), 'Description')).toMatch(/^READY ABC00001: 6 files, .*, no manifest: sizes only, /);
  });

  for (const [what, damage, code, said] of [
    ['a file missing', (s: { source: string }) => fs.rmSync(path.join(s.source, 'OSD', 'Custom', 'osd.xml')), ExitCode.VERIFY_FAILED, /lists 1 file\(s\) that are not in the package, first: OSD\/Custom\/osd\.xml/],
    ['a byte changed, the same size and time', (s: { source: string }) => {
      const f = path.join(s.source, 'setup.cab');
      const st = fs.statSync(f);
      const b = fs.readFileSync(f);
      b[1000] ^= 1;
      fs.writeFileSync(f, b);
      fs.utimesSync(f, st.atime, st.mtime);
    }, ExitCode.VERIFY_FAILED, /does not match the manifest .*zticache\.sha256: SHA-256 of setup\.cab is [0-9a-f]{64}, the manifest says [0-9a-f]{64}\. The client holds a damaged copy/],
  ] as const) {
    it(`NOT READY for ${what}: the code a run would fail with, a Failed MIF, nothing changed`, async () => {
      const s = await cached();
      damage(s);
      const before = s.disk();
      const r = await zticache(s.check());
      expectExit(r, code);
      expect(r.out).toMatch(said);
      expect(field(s.mif(), 'Status')).toBe('Failed');
      expect(field(s.mif(), 'Description')).toMatch(/^NOT READY: VERIFY_FAILED \(download the package again\): /);
      expect(s.disk()).toEqual(before);
    });
  }

  it('NOT READY when PackageSource\'s volume cannot hold staging plus the scratch space', async () => {
    const s = await cached();
    const free = posixPlatform.freeBytes(s.dir);
    const r = await zticache(s.check('--scratch-mb', String(Math.ceil(free / 1048576) + 100)));
    expectExit(r, ExitCode.NO_SPACE);
    expect(r.out).toMatch(/not enough free space on the volume of .* for the OS install: .* needed \(.* for staging, .* of scratch space\), .* free/);
    expect(field(s.mif(), 'Description')).toMatch(/^NOT READY: NO_SPACE \(free space, run again\): /);
    // the document's 500 MB fits here
    expectExit(await zticache(s.check()), 0);
  });

  it('NOT READY when the client cache is smaller than the package; READY when it is not, and when there is no client to ask', async () => {
    const s = await cached();
    const client = (totalMb: number) => {
      const info = { get: (n: string): Variant => ({ TotalSize: totalMb, FreeSize: 10, Location: 'C:\\Windows\\ccmcache' })[n], put() {}, call: () => undefined, items: () => [], release() {} } as Dispatch;
      return { createObject: (): Dispatch => ({ get: () => undefined, put() {}, call: () => info, items: () => [], release() {} }) };
    };
    // the package is about 370 KB: a cache of 0 MB cannot hold it, 1 MB can
    expect(await mainWith({ platform: client(0) }, s.check(), rt(s.dir))).toBe(ExitCode.CACHE_TOO_SMALL);
    expect(field(s.mif(), 'Description')).toMatch(/^NOT READY: CACHE_TOO_SMALL \(raise the client cache\): the client cache \(0 MB at C:\\\\Windows\\\\ccmcache\)/);
    expect(await mainWith({ platform: client(1) }, s.check(), rt(s.dir))).toBe(0);
    const broken = { createObject: (): Dispatch => { throw new Error('CO_E_CLASSSTRING'); } };
    expect(await mainWith({ platform: broken }, s.check(), rt(s.dir))).toBe(0);
  });

  it('takes no lock a real run needs: it checks while a run holds the lock', async () => {
    const s = await cached();
    fs.mkdirSync(s.state, { recursive: true, mode: 0o700 });
    const lock = await posixPlatform.lock(s.state);
    try {
      expect('busy' in lock).toBe(false);
      const r = await zticacheProcess(s.check());
      expect(r.code, r.out).toBe(0);
    } finally {
      if (!('busy' in lock)) lock.release();
    }
  });

  it('is what a run would refuse too: a launcher missing, a target someone else filled', async () => {
    const s = await cached();
    const r = await zticache(s.check('--launch', 'not-there.exe'));
    expectExit(r, ExitCode.LAUNCHER_MISSING);
    expect(field(s.mif(), 'Description')).toMatch(new RegExp(`^NOT READY: LAUNCHER_MISSING \\(fix the launcher in the package\\): the launcher not-there\\.exe is not a file of the package`));
    fs.mkdirSync(s.target, { recursive: true });
    fs.writeFileSync(path.join(s.target, 'theirs.txt'), 'x');
    expectExit(await zticache(s.check()), ExitCode.TARGET_UNSAFE);
  });

  it('its option belongs to it', async () => {
    expectExit(await zticache(['--scratch-mb', '500']), ExitCode.USAGE);
    expectExit(await zticache(['check', '--scratch-mb', 'lots']), ExitCode.USAGE);
    expectExit(await zticache(['check', 'extra']), ExitCode.USAGE);
  });
});
