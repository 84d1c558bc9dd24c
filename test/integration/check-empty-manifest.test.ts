// Issue 40 (found by an attack), `zticache check`: "READY only when every cached file matches the manifest's
// SHA-256 (sizes without one)". How it breaks: a manifest that IS there but lists nothing (a
// zticache.sha256 cut to 0 bytes by a failed copy to the distribution point or a full disk when
// `zticache manifest` wrote it, or one holding only a comment) is taken as "no manifest": the
// check says READY, exit 0, Success MIF "READY ABC00001: 7 files, ..., no manifest: sizes only",
// having hashed nothing, and its MIF states something false (the manifest exists). A client whose
// every package file is damaged is READY. A manifest that names no file cannot vouch for any.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePackage, scene, zticache } from '../helpers/fixtures.js';

describe('zticache check with an empty zticache.sha256 in the cache folder', () => {
  for (const [what, content] of [['0 bytes', ''], ['only a comment', '# zticache manifest\n']] as const) {
    it(`${what}: not READY on zero hashes, or at least not "no manifest"`, async () => {
      const s = scene();
      makePackage(s.source);
      expect((await zticache(['manifest', s.source])).code).toBe(0);
      fs.writeFileSync(path.join(s.source, 'zticache.sha256'), content);
      // and a damaged file, which nothing will notice
      fs.writeFileSync(path.join(s.source, 'setup.cab'), Buffer.alloc(70_000, 8));
      const r = await zticache(['check', '--source', s.source, '--target', s.target, '--launch', 'launch.js', ...s.stateArgs]);
      const ready = r.code === 0 && /READY ABC00001/.test(r.out);
      const saysNoManifest = /no manifest/.test(r.out);
      expect({ ready, saysNoManifest }).not.toEqual({ ready: true, saysNoManifest: true });
      expect(ready && !/empty|lists no file|no entr/i.test(r.out)).toBe(false);
    });
  }
});
