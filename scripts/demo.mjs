// npm run demo: stages a small sample package with the built CLI, as the OSD program would, and
// shows what happened: the launcher's view, the exit code, the CMTrace log. The stand-in launcher
// returns 0: on POSIX a parent sees only a code's low 8 bits, so a 3010 (success, restart
// required) would arrive as 194, a failure; 3010 and 1641 as successes are shown on Windows, where
// all 32 bits arrive (the Wine suite runs zticache.exe with launchers that return them).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zticache-demo-'));
const source = path.join(dir, 'ccmcache', 'ABC00001');
const target = path.join(dir, 'MININT', 'PackageSource');
fs.mkdirSync(path.join(source, 'OSD', 'Custom'), { recursive: true });
fs.writeFileSync(path.join(source, 'image.wim'), Buffer.alloc(1 << 20, 1));
fs.writeFileSync(path.join(source, 'OSD', 'Custom', 'osd.xml'), '<osd/>');
fs.writeFileSync(path.join(source, 'OSDLaunch.js'),
  "#!/usr/bin/env node\nconsole.log(`OSDLaunch stand-in: running in ${process.cwd()}, returning 0`);\nprocess.exit(0);\n", { mode: 0o755 });

console.log(`demo package in ${source}\n`);
const r = spawnSync(process.execPath, [path.join(root, 'dist', 'zticache.cjs'), '--source', source, '--target', target, '--launch', 'OSDLaunch.js', '--state-dir', path.join(dir, 'state')], { stdio: 'inherit' });
console.log(`\nzticache exit code: ${r.status} (the launcher's, passed through; 3010 and 1641 are successes too, seen whole on Windows: a POSIX parent sees only 8 bits)`);
console.log(`source folder now: [${fs.readdirSync(source).join(', ')}]`);
console.log(`\n${path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS', 'ZTICache.log')}:`);
process.stdout.write(fs.readFileSync(path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS', 'ZTICache.log'), 'utf8'));
fs.rmSync(dir, { recursive: true, force: true });
process.exit(r.status === 0 ? 0 : 1);
