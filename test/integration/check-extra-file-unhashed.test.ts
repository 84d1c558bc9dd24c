// Issue 40 (found by an attack), `zticache check`: "READY only when every cached file matches the manifest's
// SHA-256". How it breaks: a file in the cache folder that the manifest does not list (a file
// slipped into the package source after `zticache manifest` was run, an unattend.xml or a driver
// someone added on the distribution point) is part of the package a run stages and launches on,
// yet the check hashes only the manifest's entries and says READY, exit 0, a Success MIF ("8
// files, ..., 6 hashes checked"), without a word naming the file: the console counts the client
// ready on content nobody hashed. (A real run at least warns "1 file is not in the manifest (not
// checked by hash), first: extra.txt"; the check, whose whole point is to say so before the
// deadline, does not.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePackage, scene, zticache } from '../helpers/fixtures.js';

describe('zticache check on a cache folder holding a file the manifest does not list', () => {
  it('is not READY, or at least names the unhashed file', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(['manifest', s.source])).code).toBe(0);
    fs.mkdirSync(path.join(s.minint, 'SMSOSD', 'OSDLOGS'), { recursive: true });
    fs.writeFileSync(path.join(s.source, 'OSD', 'Custom', 'unattend.xml'), '<unattend>not in the manifest</unattend>');
    const r = await zticache(['check', '--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs, '--status-mif', 'ZTICheck.mif']);
    const mif = fs.readFileSync(path.join(s.minint, 'SMSOSD', 'OSDLOGS', 'ZTICheck.mif'), 'latin1');
    const saidReady = r.code === 0 && /VALUE = "READY /.test(mif);
    expect({ saidReady, named: /unattend\.xml/.test(r.out) }).not.toEqual({ saidReady: true, named: false });
  });
});
