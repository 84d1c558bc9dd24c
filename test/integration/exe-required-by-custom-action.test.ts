// Attack on issue 38 (kept as a test): issue 38 allowed leaving the running zticache.exe out of
// the staged set only "if nothing needs it there". The README (step 3) and the original document
// have the admin add zticache.exe to the OS package as a required file of a custom action, so the
// package OSDLaunch.exe runs declares it: launched from a PackageSource without it, that action
// misses a required file. Now it is put beside the package (a hard link on one volume). The
// stand-in launcher checks its action's required files as the OSD Feature Pack's runner would.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { rt } from '../helpers/seams.js';
import { makeTree, scene } from '../helpers/fixtures.js';

const LAUNCHER = `#!/usr/bin/env node
const fs = require('fs');
const required = fs.readFileSync('OSD/actions/validation.required', 'utf8').split('\\n').filter(Boolean);
const missing = required.filter((f) => !fs.existsSync(f));
fs.writeFileSync(process.argv[2], JSON.stringify({ missing }));
process.exit(missing.length ? 1 : 0);
`;

describe('the OS package lists zticache.exe as a required file of a custom action', () => {
  it('OSDLaunch.exe finds every required file of its actions in PackageSource', async () => {
    const s = scene();
    makeTree(s.source, {
      'OSD/actions/validation.required': 'ZTIValidate.wsf\nzticache.exe\n',
      'ZTIValidate.wsf': '<job/>',
      'zticache.exe': 'MZ zticache',
      'image.wim': Buffer.alloc(1000, 1),
    });
    fs.writeFileSync(path.join(s.source, 'launch.js'), LAUNCHER, { mode: 0o755 });
    const exe = rt(s.dir, { packaged: true, execPath: path.join(s.source, 'zticache.exe') });
    const code = await main(s.args('--', s.report), exe);
    const seen = JSON.parse(fs.readFileSync(s.report, 'utf8')) as { missing: string[] };
    expect(seen.missing).toEqual([]);
    expect(code).toBe(0);
  });
});
