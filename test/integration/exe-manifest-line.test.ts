// Attack on issue 38 (kept as a test): README step 3 promises "every client checks every file
// against [the manifest] before OSDLaunch.exe starts". With the running zticache.exe left out of the
// inventory, its manifest line was set aside, so a cached zticache.exe that differs from the
// manifest (damaged in the download, another build dropped into the cache folder) never stopped the
// launch. Now the zticache.exe put beside the package is hashed against its line like any file.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { rt } from '../helpers/seams.js';
import { makePackage, readReport, scene } from '../helpers/fixtures.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('a cached zticache.exe that does not match the manifest', () => {
  it('stops the launch (VERIFY_FAILED), as the README promises for every file', async () => {
    const s = scene();
    makePackage(s.source, { 'zticache.exe': 'MZ zticache as downloaded, damaged' });
    // the manifest the admin wrote on the distribution point, of the good build
    const lines: string[] = [];
    const walk = (d: string, rel: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(d, e.name), r);
        else lines.push(`${r === 'zticache.exe' ? sha('MZ zticache as built') : sha(fs.readFileSync(path.join(d, e.name)))}  ${r}\n`);
      }
    };
    walk(s.source, '');
    fs.writeFileSync(path.join(s.source, 'zticache.sha256'), lines.join(''));
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const code = await main(s.args('--', s.report, '0'), exe);
    expect(readReport(s.report), 'the launcher ran').toBeUndefined();
    expect(code).toBe(ExitCode.VERIFY_FAILED);
  });
});
