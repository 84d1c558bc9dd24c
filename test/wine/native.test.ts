// The native module's place and the OS floor, under Wine, on the real dist/zticache.exe (npm run
// build first). Wine has SYSTEM's profile folder only when a test makes it: here it does, as
// Windows ships it, and Wine lets its one user write there, as Windows lets SYSTEM and an elevated
// administrator. What Wine cannot show (it has no DACLs): that a standard user, or an
// administrator's unelevated process, is denied that folder; test/unit/platform/win32/load-native.test.ts
// shows what the loader does then.
//
// - --what-if changes nothing but the module it must load: other versions' folders stay.
// - The check of koffi.node and its load are two steps by name (Node cannot hold the file deny-write
//   before koffi exists): a process that can write the folder can swap the file between them
//   (helpers/gate.c gives it the timing an oplock gives on Windows; helpers/swap.c is its
//   MoveFileExW). So a run that can use SYSTEM's place never loads from its own profile, which the
//   account's unelevated processes can write: the swap there changes nothing.
// - NODE_SKIP_PLATFORM_CHECK=1 skips Node's check of the Windows version, not zticache's: Windows 8
//   still exits 216 and nothing is written.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXE, Wine, haveGcc, haveWine } from './harness.js';
import { needs, waitFor } from '../helpers/fixtures.js';

const HELPERS = path.join(path.dirname(new URL(import.meta.url).pathname), 'helpers');
const available = haveWine();
if (!available && process.env.CI === 'true') throw new Error('CI=true but wine or mingw-w64 is missing');

const USER = os.userInfo().username;
const SYSTEM_LOCAL = 'C:\\windows\\system32\\config\\systemprofile\\AppData\\Local';
/** as zticache spells it: %SystemRoot% (Wine: C:\\windows) joined with System32 */
const SYSTEM_LOCAL_SAID = 'C:\\windows\\System32\\config\\systemprofile\\AppData\\Local';
const OWN_LOCAL = `C:\\users\\${USER}\\AppData\\Local`;
const VERSION = () => createHash('sha256').update(fs.readFileSync(path.join(EXE, '..', 'sea', 'koffi.node'))).digest('hex');

let wine: Wine;
const pkg = 'C:\\nativepkg';

describe.runIf(available)('the native module under Wine: its place, --what-if, the OS floor', () => {
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
    await Promise.all([
      execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-shared', '-o', path.join(wine.bin, 'evil.dll'), path.join(HELPERS, 'evil.c')]),
      execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-municode', '-o', path.join(wine.bin, 'swap.exe'), path.join(HELPERS, 'swap.c')]),
      ...(haveGcc() ? [execa('gcc', ['-O2', '-Wall', '-shared', '-fPIC', '-o', path.join(wine.bin, 'gate.so'), path.join(HELPERS, 'gate.c'), '-ldl'])] : []),
    ]);
    fs.mkdirSync(wine.host(SYSTEM_LOCAL), { recursive: true });
    fs.mkdirSync(wine.host(pkg), { recursive: true });
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), wine.host(`${pkg}\\OSDLaunch.exe`));
    fs.writeFileSync(wine.host(`${pkg}\\data.txt`), 'data');
  }, 240_000);

  afterAll(async () => {
    await wine?.stop();
  }, 60_000);

  const systemRoot = () => wine.host(`${SYSTEM_LOCAL}\\zticache\\native`);
  const ownRoot = () => wine.host(`${OWN_LOCAL}\\zticache\\native`);
  const whatIf = (env?: Record<string, string>) => wine.run(Wine.z(EXE), ['--what-if', '--source', pkg], { env });

  it("a run that can use SYSTEM's profile keeps and loads the module there, never in its own profile", async () => {
    const r = await whatIf();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`Native module written to ${SYSTEM_LOCAL_SAID}\\zticache\\native\\${VERSION()}\\koffi.node`);
    expect(fs.readdirSync(systemRoot())).toEqual([VERSION()]);
    expect(fs.existsSync(wine.host(`${OWN_LOCAL}\\zticache`))).toBe(false);
  }, 120_000);

  it("--what-if deletes nothing: another version's native module folder is still there afterwards", async () => {
    const other = path.join(systemRoot(), 'b'.repeat(64));
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'koffi.node'), 'another version of zticache keeps its module here');
    try {
      const r = await whatIf();
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('--what-if: nothing was changed');
      expect(r.out).toContain(`--what-if: ${SYSTEM_LOCAL_SAID}\\zticache\\native\\${'b'.repeat(64)}, another zticache version's native module, is left for a run without --what-if`);
      expect(fs.existsSync(path.join(other, 'koffi.node')), `--what-if removed ${other}:\n${r.out}`).toBe(true);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 120_000);

  it("a koffi.node swapped in the account's own profile between its check and its load is never loaded (its DllMain does not run)", async (ctx) => {
    if (!needs(ctx, haveGcc(), 'gcc (the LD_PRELOAD gate)')) return;
    const version = VERSION();
    // the module in the account's own profile, as an earlier unelevated run left it
    fs.mkdirSync(path.join(ownRoot(), version), { recursive: true });
    fs.copyFileSync(path.join(EXE, '..', 'sea', 'koffi.node'), path.join(ownRoot(), version, 'koffi.node'));
    const dir = fs.mkdtempSync(path.join(wine.prefix, 'gate-'));
    const mark = path.join(dir, 'checked');
    const release = path.join(dir, 'release');
    const ran = path.join(dir, 'evil-ran');
    fs.copyFileSync(path.join(wine.bin, 'evil.dll'), wine.host('C:\\planted-koffi.node'));
    try {
      const run = wine.run(Wine.z(EXE), ['--what-if', '--source', pkg], {
        env: {
          LD_PRELOAD: path.join(wine.bin, 'gate.so'),
          ZTI_GATE_NAME: `/users/${USER}/AppData/Local/zticache/native/${version}/koffi.node`,
          ZTI_GATE_MARK: mark,
          ZTI_GATE_RELEASE: release,
          ZTI_EVIL_MARK: Wine.z(ran),
        },
      });
      let finished = false;
      void run.then(() => (finished = true), () => (finished = true));
      // the run has read that file to its end (a SHA-256 check) and looks at its name again, or it never does
      await waitFor('the check of koffi.node in the own profile, or the end of the run', () => fs.existsSync(mark) || finished, 120_000);
      let swap = '';
      if (fs.existsSync(mark)) {
        // a process of the account, unelevated, replaces the checked file before it is loaded
        const s = await wine.run(path.join(wine.bin, 'swap.exe'), ['C:\\planted-koffi.node', `${OWN_LOCAL}\\zticache\\native\\${version}\\koffi.node`]);
        swap = `swap.exe: ${s.code} ${s.out.trim()}`;
        fs.writeFileSync(release, '');
      }
      const r = await run;
      expect(fs.existsSync(ran), `the planted DLL was loaded by zticache.exe after the check passed (${swap}):\n${r.out}`).toBe(false);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`Native module ${SYSTEM_LOCAL_SAID}\\zticache\\native\\${version}\\koffi.node is the one this exe carries`);
    } finally {
      fs.rmSync(wine.host(`${OWN_LOCAL}\\zticache`), { recursive: true, force: true });
    }
  }, 240_000);

  it('Windows 8 with NODE_SKIP_PLATFORM_CHECK=1 in the environment: exit 216 before anything is written', async () => {
    fs.rmSync(wine.host(`${SYSTEM_LOCAL}\\zticache`), { recursive: true, force: true });
    const key = 'HKCU\\Software\\Wine\\AppDefaults\\zticache.exe';
    await execa('wine', ['reg', 'add', key, '/v', 'Version', '/d', 'win8', '/f'], { env: wine.env, stdio: 'ignore' });
    try {
      const plain = await whatIf();
      expect(plain.code, plain.out).toBe(216); // Node's own check
      const r = await whatIf({ NODE_SKIP_PLATFORM_CHECK: '1' });
      expect({ code: r.code, written: [SYSTEM_LOCAL, OWN_LOCAL].filter((l) => fs.existsSync(wine.host(`${l}\\zticache`))) }, r.out).toEqual({ code: 216, written: [] });
      expect(r.out).toMatch(/zticache: this is Windows 6\.2\.\d+; zticache\.exe runs on Windows 10 \/ Windows Server 2016 or later \(x64\) only/);
    } finally {
      await execa('wine', ['reg', 'delete', key, '/f'], { env: wine.env, stdio: 'ignore', reject: false });
    }
  }, 120_000);
});
