// What zticache.exe is made of, found from the build itself, once, for both the notices and the
// SBOM: node.exe; koffi.node (koffi's win32 build, which compiles in node-addon-api and
// node-api-headers); and every npm package esbuild put into zticache.cjs, read from esbuild's
// metafile (what the bundle holds, not what package.json or the lock file list: types-only and
// unused dependencies are not shipped). Each licence text is taken from the package itself; a
// bundled package without one stops the build, since its notice could not travel.
import fs from 'node:fs';
import path from 'node:path';

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-][\w.-]*)?$/i;

/** The licence files in a package folder, in name order; none is an error. */
export function licenseTexts(dir, what) {
  const files = fs.readdirSync(dir).filter((f) => LICENSE_FILE.test(f) && fs.statSync(path.join(dir, f)).isFile()).sort();
  if (!files.length) throw new Error(`${what} (${dir}) ships no LICENSE file: its notice cannot travel with zticache.exe`);
  return files.map((f) => ({ file: f, text: fs.readFileSync(path.join(dir, f), 'utf8').replace(/\r\n/g, '\n').trimEnd() }));
}

/** The package folders (relative to the project, as the lock file keys them) esbuild bundled. */
export function bundledDirs(metafile, outfile) {
  const out = metafile.outputs[outfile];
  if (!out) throw new Error(`the metafile describes no ${outfile}`);
  const dirs = new Set();
  for (const input of Object.keys(out.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
    if (m) dirs.add(m[1]);
  }
  return [...dirs];
}

const purlOf = (name, version) => `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
const sha512Hex = (integrity) => (integrity?.startsWith('sha512-') ? Buffer.from(integrity.slice(7), 'base64').toString('hex') : undefined);
const byName = (a, b) => (a.name === b.name ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.name < b.name ? -1 : 1);

/**
 * @param o.root the project folder
 * @param o.metafile esbuild's metafile of the shipped bundle, o.outfile its output's key
 * @param o.node { version, licenseDir, integrity, from }: Node.js and where its LICENSE was read
 * @param o.koffi { version, integrity, from }: the koffi.node package the exe carries
 */
export function components(o) {
  const lock = JSON.parse(fs.readFileSync(path.join(o.root, 'package-lock.json'), 'utf8')).packages ?? {};
  const list = [];
  list.push({
    name: o.node.from, title: 'Node.js', version: o.node.version, type: 'framework', license: 'MIT',
    where: `node.exe: zticache.exe is Node.js ${o.node.version}'s node.exe with zticache's script injected (a single executable application)`,
    purl: purlOf(o.node.from, o.node.version), sha512: sha512Hex(o.node.integrity),
    texts: licenseTexts(o.node.licenseDir, `Node.js ${o.node.version}`),
    source: `Node.js's LICENSE, from ${o.node.licenseFrom}@${o.node.version} (${o.node.from} ships none; it is one file for every build of a Node version)`,
  });
  const koffiDir = path.join(o.root, 'node_modules', 'koffi');
  const koffiPkg = JSON.parse(fs.readFileSync(path.join(koffiDir, 'package.json'), 'utf8'));
  if (koffiPkg.version !== o.koffi.version) throw new Error(`node_modules/koffi is ${koffiPkg.version}, the exe carries koffi.node ${o.koffi.version}: their licence texts must come from the same version (npm ci)`);
  list.push({
    name: o.koffi.from, title: 'koffi', version: o.koffi.version, type: 'library', license: koffiPkg.license, where: 'koffi.node: the native module inside zticache.exe, written out and loaded at run time',
    purl: purlOf(o.koffi.from, o.koffi.version), sha512: sha512Hex(o.koffi.integrity),
    texts: [
      ...licenseTexts(koffiDir, `koffi ${koffiPkg.version}`),
      ...['node-addon-api', 'node-api-headers'].flatMap((v) => licenseTexts(path.join(koffiDir, 'vendor', v), `koffi's ${v}`).map((t) => ({ ...t, file: `vendor/${v}/${t.file}` }))),
    ],
    source: `koffi ${koffiPkg.version}'s own LICENSE.txt and those of what koffi.node compiles in (vendor/node-addon-api, vendor/node-api-headers), from the koffi package (${o.koffi.from} ships none)`,
  });
  const seen = new Set();
  const bundled = [];
  for (const dir of bundledDirs(o.metafile, o.outfile)) {
    const pkg = JSON.parse(fs.readFileSync(path.join(o.root, dir, 'package.json'), 'utf8'));
    const key = `${pkg.name}@${pkg.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const license = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type;
    if (!license) throw new Error(`${dir}/package.json names no licence`);
    bundled.push({
      name: pkg.name, version: pkg.version, type: 'library', license, where: 'bundled into zticache.cjs (the script inside zticache.exe)',
      purl: purlOf(pkg.name, pkg.version), sha512: sha512Hex(lock[dir]?.integrity), texts: licenseTexts(path.join(o.root, dir), key),
    });
  }
  return [...list, ...bundled.sort(byName)];
}
