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
// All or nothing: the folder and the zip are written under temporary names beside their places and
// renamed in at the end (removed if this fails or is stopped), and `npm run release` first runs
// this with --clear, which removes this version's earlier release: a release whose build fails (a
// signing that cannot) leaves no release of this version, never the earlier unsigned one.
// Text files are CRLF, whatever the checkout's line ends (Git for Windows' core.autocrlf, or not):
// the same commit releases the same bytes on any host.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onStop } from './lib/abort.mjs';
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
const zip = path.join(out, `${name}.zip`);
const released = [folder, zip, `${zip}.sha256`];

if (process.argv.includes('--clear')) {
  for (const f of released) fs.rmSync(f, { recursive: true, force: true });
  process.exit(0);
}

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
  'README.md': crlf(path.join(root, 'README.md')),
};
// the pages the README links to, at the same relative paths, so its links work in the release
const pages = ['CONTRIBUTING.md', 'bench/README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
for (const page of pages.sort()) files[page] = crlf(path.join(root, page)); // CRLF, as the README
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
files.SHA256SUMS = Buffer.from(Object.keys(files).sort().map((f) => `${sha256(files[f])}  ${f}\n`).join(''));

const partial = (f) => `${f}.partial-${process.pid}`;
const clean = () => {
  for (const f of released) fs.rmSync(partial(f), { recursive: true, force: true });
};
const forget = onStop(clean);
try {
  fs.mkdirSync(partial(folder), { recursive: true });
  for (const [f, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(partial(folder), f)), { recursive: true });
    fs.writeFileSync(path.join(partial(folder), f), bytes);
  }
  const folders = [...new Set(Object.keys(files).filter((f) => f.includes('/')).map((f) => `${path.posix.dirname(f)}/`))];
  writeZip(partial(zip), [{ name: `${name}/` }, ...folders.map((d) => ({ name: `${name}/${d}` })), ...Object.entries(files).map(([f, data]) => ({ name: `${name}/${f}`, data }))], epoch());
  fs.writeFileSync(partial(`${zip}.sha256`), `${sha256(fs.readFileSync(partial(zip)))}  ${name}.zip\n`);
  for (const f of released) {
    fs.rmSync(f, { recursive: true, force: true });
    fs.renameSync(partial(f), f);
  }
} catch (err) {
  clean();
  for (const f of released) fs.rmSync(f, { recursive: true, force: true }); // never half a release
  console.error(`zticache release: failed: ${err.message.split('\n')[0]}`);
  process.exit(1);
} finally {
  forget();
}
const zipSha = sha256(fs.readFileSync(zip));
console.log(`released ${folder} (${Object.keys(files).length} files) and ${zip} (${(fs.statSync(zip).size / 1048576).toFixed(1)} MB, sha256 ${zipSha})`);
