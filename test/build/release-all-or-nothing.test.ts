// The release, whatever the checkout and however the build ends (README, "A release to hand over"):
// - its README.md is CRLF like its other text files, and a Git for Windows checkout (CRLF,
//   core.autocrlf=true, its installer's default) releases the same SHA256SUMS and zip as a Linux
//   one (scripts/release.mjs makes text CRLF from either);
// - `npm run release` asked to sign that cannot (a wrong password) leaves no release of this
//   version: not the earlier unsigned one that a hand-over would pick up (--clear first, and the new
//   one renamed in only when whole).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, needs } from '../helpers/fixtures.js';
import { PASSWORD, canSign, filesUnder, pfx } from './sign-helpers.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const NAME = `zticache-${pkg.version}`;
const built = ['zticache.exe', 'sea/koffi.node', 'THIRD-PARTY-NOTICES.txt', 'zticache.cdx.json'].every((f) => fs.existsSync(path.join(ROOT, 'dist', f)));
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zti-release-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the project's sources in a folder of its own; `crlf` turns its text files' LF into CRLF, as Git for Windows checks them out. */
function checkout(name: string, crlf: boolean): string {
  const root = path.join(dir, name);
  for (const f of ['package.json', 'package-lock.json', 'LICENSE', 'README.md', 'CONTRIBUTING.md', 'docs', 'bench/README.md', 'tsconfig.json', 'scripts', 'src']) {
    fs.cpSync(path.join(ROOT, f), path.join(root, f), { recursive: true });
  }
  if (crlf) {
    for (const f of filesUnder(root)) {
      const p = path.join(root, f);
      const text = fs.readFileSync(p);
      if (!text.includes(0)) fs.writeFileSync(p, text.toString('utf8').replace(/\r?\n/g, '\r\n'));
    }
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  if (fs.existsSync(path.join(ROOT, '.cache'))) fs.symlinkSync(path.join(ROOT, '.cache'), path.join(root, '.cache'));
  return root;
}

/** That checkout's scripts/release.mjs on the build in ROOT/dist, into `out`; the same time for every zip entry. */
function release(root: string, out: string): { sums: string; zip: Buffer; readme: Buffer } {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'release.mjs'), '--from', path.join(ROOT, 'dist'), '--out', out], {
    env: { ...process.env, SOURCE_DATE_EPOCH: '1800000000' }, stdio: 'ignore',
  });
  return {
    sums: fs.readFileSync(path.join(out, NAME, 'SHA256SUMS'), 'utf8'),
    zip: fs.readFileSync(path.join(out, `${NAME}.zip`)),
    readme: fs.readFileSync(path.join(out, NAME, 'README.md')),
  };
}

describe('the release: the same bytes from any checkout, and all or nothing', () => {
  it('its README.md is CRLF, as the README says its text files are', (ctx) => {
    if (!needs(ctx, built, 'npm run build')) return;
    const r = release(ROOT, path.join(dir, 'plain'));
    const bareLf = r.readme.toString('utf8').split('\n').length - r.readme.toString('utf8').split('\r\n').length;
    expect(bareLf, 'lines of the release README.md ending in a bare LF').toBe(0);
  }, 120_000);

  it('a Git for Windows checkout (core.autocrlf=true) releases the same SHA256SUMS and zip as a Linux one', (ctx) => {
    if (!needs(ctx, built, 'npm run build')) return;
    const linux = release(checkout('linux', false), path.join(dir, 'linux-out'));
    const windows = release(checkout('windows', true), path.join(dir, 'windows-out'));
    expect(windows.sums).toBe(linux.sums);
    expect(windows.zip.equals(linux.zip), 'the zips differ').toBe(true);
  }, 180_000);

  it('npm run release asked to sign that cannot leaves no unsigned exe of an earlier release behind', (ctx) => {
    if (!needs(ctx, canSign && built, 'openssl, osslsigncode and npm run build')) return;
    const root = checkout('stale', false);
    // an earlier, unsigned `npm run release` of this version
    const earlier = path.join(root, 'dist', 'release', NAME);
    fs.mkdirSync(earlier, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'dist', 'zticache.exe'), path.join(earlier, 'zticache.exe'));
    fs.writeFileSync(path.join(root, 'dist', 'release', `${NAME}.zip`), 'PK an earlier unsigned release');
    const r = spawnSync('npm', ['run', 'release'], {
      cwd: root, encoding: 'utf8',
      env: { ...process.env, ZTICACHE_SIGN_PFX: pfx(dir, 'good'), ZTICACHE_SIGN_PASSWORD: `not-${PASSWORD}`, TMPDIR: fs.mkdtempSync(path.join(dir, 'tmp-')) },
    });
    expect(r.status, r.stderr).not.toBe(0);
    expect(r.stderr).toContain('zticache build: cannot sign koffi.node');
    const left = filesUnder(path.join(root, 'dist')).filter((f) => /zticache\.exe$|\.zip$/.test(f));
    expect(left, 'what a hand-over would pick up after the failed signed release').toEqual([]);
  }, 240_000);
});
