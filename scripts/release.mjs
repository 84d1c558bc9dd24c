// npm run release: what a security team is handed, from a build (npm run build, signed or not):
//   dist/release/zticache-<version>/   zticache.exe; koffi.node (the native module the exe carries
//                                      and writes out at run time: not to deploy, here for hash
//                                      rules and checks); LICENSE; THIRD-PARTY-NOTICES.txt; the
//                                      CycloneDX SBOM zticache.cdx.json; README.md (the admin's)
//                                      and every page its links reach (CONTRIBUTING.md, docs/*.md,
//                                      bench/README.md), so they work in the folder too;
//                                      SHA256SUMS of them all (sha256sum -c);
//   dist/release/zticache-<version>.zip (and .zip.sha256): that folder, written so that two clean
//                                      builds of one commit give the same bytes (lib/zip.mjs; every
//                                      entry carries the commit's time, or SOURCE_DATE_EPOCH's).
// --from DIR takes the build from DIR instead of dist/ (scripts/build-exe.mjs --out DIR), --out DIR
// writes there instead of dist/release.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeZip } from './lib/zip.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? path.resolve(process.argv[i + 1]) : fallback;
};
const from = arg('--from', path.join(root, 'dist'));
const out = arg('--out', path.join(root, 'dist', 'release'));
const name = `zticache-${pkg.version}`;
const folder = path.join(out, name);

/** Text for Windows admins: CRLF, which every Notepad shows (Windows Server 2016's does not read bare LF). */
const crlf = (file) => Buffer.from(fs.readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'));

/** The one time every zip entry carries: SOURCE_DATE_EPOCH, else the commit's, else 1980-01-01. */
function epoch() {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  try {
    return Number(execFileSync('git', ['-C', root, 'log', '-1', '--format=%ct'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 315532800;
  } catch {
    return 315532800;
  }
}

const files = {
  'zticache.exe': fs.readFileSync(path.join(from, 'zticache.exe')),
  'koffi.node': fs.readFileSync(path.join(from, 'sea', 'koffi.node')),
  'THIRD-PARTY-NOTICES.txt': fs.readFileSync(path.join(from, 'THIRD-PARTY-NOTICES.txt')), // CRLF already
  'zticache.cdx.json': fs.readFileSync(path.join(from, 'zticache.cdx.json')),
  LICENSE: crlf(path.join(root, 'LICENSE')),
  'README.md': fs.readFileSync(path.join(root, 'README.md')),
};
// the pages the README links to, at the same relative paths, so its links work in the release
const pages = ['CONTRIBUTING.md', 'bench/README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
for (const page of pages.sort()) files[page] = fs.readFileSync(path.join(root, page));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
files.SHA256SUMS = Buffer.from(Object.keys(files).sort().map((f) => `${sha256(files[f])}  ${f}\n`).join(''));

fs.rmSync(folder, { recursive: true, force: true });
fs.mkdirSync(folder, { recursive: true });
for (const [f, bytes] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(folder, f)), { recursive: true });
  fs.writeFileSync(path.join(folder, f), bytes);
}
const zip = path.join(out, `${name}.zip`);
const folders = [...new Set(Object.keys(files).filter((f) => f.includes('/')).map((f) => `${path.posix.dirname(f)}/`))];
writeZip(zip, [{ name: `${name}/` }, ...folders.map((d) => ({ name: `${name}/${d}` })), ...Object.entries(files).map(([f, data]) => ({ name: `${name}/${f}`, data }))], epoch());
const zipSha = sha256(fs.readFileSync(zip));
fs.writeFileSync(`${zip}.sha256`, `${zipSha}  ${name}.zip\n`);
console.log(`released ${folder} (${Object.keys(files).length} files) and ${zip} (${(fs.statSync(zip).size / 1048576).toFixed(1)} MB, sha256 ${zipSha})`);
