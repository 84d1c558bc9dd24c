// npm run demo: stages a small sample package with the built CLI, as the OSD program would, and
// shows what happened: the launcher's view, the exit code, the CMTrace log.
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
  "#!/usr/bin/env node\nconsole.log(`OSDLaunch stand-in: running in ${process.cwd()}, returning 3010`);\nprocess.exit(3010);\n", { mode: 0o755 });

console.log(`demo package in ${source}\n`);
const r = spawnSync(process.execPath, [path.join(root, 'dist', 'zticache.cjs'), '--source', source, '--target', target, '--launch', 'OSDLaunch.js', '--state-dir', path.join(dir, 'state')], { stdio: 'inherit' });
console.log(`\nzticache exit code: ${r.status} (3010 & 255 = ${3010 & 255}: a POSIX parent sees 8 bits; Windows sees all 32)`);
console.log(`source folder now: [${fs.readdirSync(source).join(', ')}]`);
console.log(`\n${path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS', 'ZTICache.log')}:`);
process.stdout.write(fs.readFileSync(path.join(dir, 'MININT', 'SMSOSD', 'OSDLOGS', 'ZTICache.log'), 'utf8'));
fs.rmSync(dir, { recursive: true, force: true });
process.exit(r.status === (3010 & 255) ? 0 : 1);
