// Same sources, same bytes: a second build of the exe, in another folder, has the SHA-256 of
// dist/zticache.exe (the SEA blob is made from relative paths; resedit and postject add no dates).
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/fixtures.js';

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

it('two builds of zticache.exe are byte-identical', async () => {
  const first = path.join(ROOT, 'dist', 'zticache.exe');
  if (!fs.existsSync(first)) throw new Error('dist/zticache.exe is missing: run npm run build first');
  const out = tempDir('zti-build-');
  await execa(process.execPath, [path.join(ROOT, 'scripts', 'build-exe.mjs'), '--out', out], { cwd: ROOT });
  expect(sha(path.join(out, 'zticache.exe'))).toBe(sha(first));
}, 180_000);
