// ATTACK (issue 38): README step 3, the admin's guarantee: "`zticache manifest` writes
// zticache.sha256 into the package folder: every client checks every file against it before
// OSDLaunch.exe starts, and a damaged or changed file stops the launch (VERIFY_FAILED)".
//
// How it breaks: the manifest's line for the running zticache.exe is now set aside (plan.ts
// findManifest: listsExe), so a cached zticache.exe that differs from the manifest (damaged in the
// download, or another build dropped into the cache folder) never stops the launch: OSDLaunch.exe
// starts, exit 0, and `zticache check` says READY. Before issue 38 the exe was copied into
// PackageSource and hashed like every file (VERIFY_FAILED). The README still promises every file;
// only the plan's log line ("its line in the manifest is not checked") says otherwise.
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
