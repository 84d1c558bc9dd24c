// Issue 40 (found by an attack), `zticache check`: "run from the package's cache folder ... reads every cached
// file against the manifest", READY meaning THIS client holds the package, intact. How it breaks:
// the check never asks whether what it read is cached at all. Run from a distribution point (the
// check advertisement with download and execute off, or one client of a download-and-execute
// advertisement falling back to "run from a remote distribution point" because no local one has
// the package), its source is the share: it hashes the DISTRIBUTION POINT's copy and says READY,
// exit 0, Success MIF. /readiness then counts that client READY although its cache holds nothing,
// and at the mandatory time it downloads the whole package like every unprepared client (the
// /readiness note about download being off is per advertisement and misses the per-client
// fallback). Shown through the platform seam: the source's medium is the network.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePackage, scene, zticache } from '../helpers/fixtures.js';
import { mainWith, rt } from '../helpers/seams.js';

describe('zticache check run from a share', () => {
  it('is not READY: nothing is cached on this client', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(['manifest', s.source])).code).toBe(0);
    const mifDir = path.join(s.minint, 'SMSOSD', 'OSDLOGS');
    fs.mkdirSync(mifDir, { recursive: true });
    const code = await mainWith(
      { platform: { locate: () => ({ medium: 'remote' }) } },
      ['check', '--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs, '--status-mif', 'ZTICheck.mif'],
      rt(s.dir),
    );
    const mif = fs.readFileSync(path.join(mifDir, 'ZTICheck.mif'), 'latin1');
    expect({ code, ready: /VALUE = "READY /.test(mif) }).not.toEqual({ code: 0, ready: true });
  });
});
