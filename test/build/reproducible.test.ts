// Same sources, same bytes: a second build of the exe, in another folder, has the SHA-256 of
// dist/zticache.exe (the SEA blob is made from relative paths; resedit and postject add no dates),
// with a PE checksum that is right (postject and resedit leave node.exe's; the build sets it); its
// notices and SBOM are the same bytes, and so is the release zip made from each build.
import { execa, execaSync } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/fixtures.js';
// @ts-expect-error: a build script, plain JavaScript
import { peChecksum, recordedChecksum } from '../../scripts/lib/pe.mjs';

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const first = path.join(ROOT, 'dist');
const osslsigncode = execaSync('sh', ['-c', 'command -v osslsigncode'], { reject: false }).exitCode === 0;
if (!osslsigncode && process.env.CI === 'true') throw new Error('CI=true and osslsigncode is missing: .ci/run installs it');

describe('two unsigned builds', () => {
  let second: string;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(first, 'zticache.exe'))) throw new Error('dist/zticache.exe is missing: run npm run build first');
    second = tempDir('zti-build-');
    await execa(process.execPath, [path.join(ROOT, 'scripts', 'build-exe.mjs'), '--out', second], { cwd: ROOT, env: { ZTICACHE_SIGN_PFX: '', ZTICACHE_SIGN_COMMAND: '' } });
  }, 180_000);

  it('zticache.exe is byte-identical', () => {
    expect(sha(path.join(second, 'zticache.exe'))).toBe(sha(path.join(first, 'zticache.exe')));
  });

  it('zticache.exe carries its correct PE checksum (not node.exe\'s, which the injection made stale)', () => {
    const bytes = fs.readFileSync(path.join(first, 'zticache.exe'));
    expect(recordedChecksum(bytes)).toBe(peChecksum(bytes));
    expect(recordedChecksum(bytes)).not.toBe(0);
  });

  it.skipIf(!osslsigncode)('osslsigncode computes the same PE checksum, and finds no signature', () => {
    const r = execaSync('osslsigncode', ['verify', '-in', path.join(first, 'zticache.exe')], { reject: false, all: true });
    expect(r.all).toMatch(/No signature found/);
    expect(r.all).not.toMatch(/invalid PE checksum/);
    const recorded = recordedChecksum(fs.readFileSync(path.join(first, 'zticache.exe'))).toString(16).toUpperCase().padStart(8, '0');
    expect(r.all).toMatch(new RegExp(`PE checksum\\s*: ${recorded}`));
  });

  it('THIRD-PARTY-NOTICES.txt and the SBOM are byte-identical', () => {
    for (const f of ['THIRD-PARTY-NOTICES.txt', 'zticache.cdx.json']) expect(sha(path.join(second, f)), f).toBe(sha(path.join(first, f)));
  });

  it('the release zip made from each build has the same bytes', async () => {
    const [a, b] = [tempDir('zti-release-'), tempDir('zti-release-')];
    await execa(process.execPath, [path.join(ROOT, 'scripts', 'release.mjs'), '--out', a], { cwd: ROOT });
    await execa(process.execPath, [path.join(ROOT, 'scripts', 'release.mjs'), '--from', second, '--out', b], { cwd: ROOT });
    const zip = (d: string) => path.join(d, fs.readdirSync(d).find((f) => f.endsWith('.zip'))!);
    expect(sha(zip(b))).toBe(sha(zip(a)));
    expect(fs.readFileSync(`${zip(a)}.sha256`, 'utf8')).toBe(`${sha(zip(a))}  ${path.basename(zip(a))}\n`);
  }, 120_000);
});
