// npm run build: bundles src/ and its dependencies into one CommonJS file, dist/zticache.cjs,
// which is both the `zticache` bin of the npm package and the script of the single executable.
// The licence comments of the bundled packages are not kept in it (legalComments: 'none'): their
// whole licence texts go to THIRD-PARTY-NOTICES.txt instead, found from esbuild's metafile
// (dist/zticache.meta.json) by scripts/build-exe.mjs.
import { build, transform } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The shipped bundle has no fault points (ZTI_FAULT_POINTS folded to false, the dead code dropped);
 * the crash suite gets its own bundle with them, in dist/test/, which nothing ships.
 */
for (const [out, faultPoints] of [[`${root}dist/zticache.cjs`, false], [`${root}dist/test/zticache-faults.cjs`, true]]) {
  const r = await build({
    absWorkingDir: root,
    entryPoints: ['src/bin.ts'],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define: { ZTI_FAULT_POINTS: String(faultPoints) },
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: !faultPoints,
  });
  if (r.metafile) writeFileSync(`${root}dist/zticache.meta.json`, JSON.stringify(r.metafile, null, 1));
  await asciiOnly(out);
  chmodSync(out, 0o755);
  console.log(`built ${out}`);
}

/**
 * esbuild escapes every non-ASCII character of strings and names but keeps those of the comments
 * it leaves (one dash in a bundled package's comment): one such character makes V8 hold the whole
 * 950 KB source as two-byte text, 1 MB more of every run's heap. In a comment a \u escape is the
 * same text; anywhere else (a raw template) it would not be, so the build stops there instead.
 */
async function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) return;
  const code = (await transform(text.replace(/^#!.*/, ''), { minifyWhitespace: true, legalComments: 'none', loader: 'js' })).code;
  const inCode = /[^\x00-\x7f]/.exec(code);
  if (inCode) throw new Error(`${file}: a non-ASCII character outside a comment (${JSON.stringify(code.slice(Math.max(0, inCode.index - 40), inCode.index + 20))}): escape it in the source`);
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
