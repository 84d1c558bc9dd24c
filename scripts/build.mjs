// npm run build: bundles src/ and its dependencies into one CommonJS file, dist/zticache.cjs,
// which is both the `zticache` bin of the npm package and the script of the single executable.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/zticache.cjs`;
await build({
  absWorkingDir: root,
  entryPoints: ['src/bin.ts'],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(out, 0o755);
console.log(`built ${out}`);
