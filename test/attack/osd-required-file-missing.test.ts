// ATTACK (issue 38): "never launch on incomplete content", and issue 38's own condition: leave the
// running zticache.exe out of the staged set only "if nothing needs it there".
//
// How it breaks: the README (step 3) and the original document tell the admin to add zticache.exe
// to the OS package "as a required file of a custom action (for example, the BDD Zero Touch
// Installation - Validation custom action). This will cause the SMS OSD Feature Pack to include
// this file in the package directory" (seed document, line 106). So the package that OSDLaunch.exe
// runs declares zticache.exe as a required file of one of its actions. zticache now launches
// OSDLaunch.exe from a PackageSource that does not hold it: a file the package itself lists as
// required is missing when the launcher starts, and neither VERIFY nor the log says the launcher
// will miss it (the log says "nothing in the target needs it"). The stand-in launcher below checks
// its action's required files as the OSD Feature Pack's custom-action runner would.
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
