// npm run build: bundles src/ and its dependencies into one CommonJS file, dist/zticache.cjs,
// which is both the `zticache` bin of the npm package and the script of the single executable.
// The licence comments of the bundled packages are not kept in it (legalComments: 'none'): their
// whole licence texts go to THIRD-PARTY-NOTICES.txt instead, found from esbuild's metafile
// (dist/zticache.meta.json) by scripts/build-exe.mjs.
import { build } from 'esbuild';
import { chmodSync, writeFileSync } from 'node:fs';
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
  chmodSync(out, 0o755);
  console.log(`built ${out}`);
}
