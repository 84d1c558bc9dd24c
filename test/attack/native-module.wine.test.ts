// Attack on issue 37, under Wine: the real dist/zticache.exe and the native module it keeps in
// %LOCALAPPDATA%\zticache\native\<SHA-256>\koffi.node.
//
// - "--what-if changes nothing on disk" (README, "Command line"): the one thing it may not avoid is
//   writing the module it must load; it also deletes other versions' module folders.
// - "checked against the SHA-256 the exe carries before every load ... loaded only if it is the
//   right one": the check reads the file by name and process.dlopen opens the name again; a file
//   put in its place between the two (by any process of the account that owns the folder: for an
//   administrator's elevated `zticache cache-size`/`util`/`selftest`, any medium-integrity process
//   of that administrator) is loaded, and its DllMain runs in zticache's process. helpers/gate.c
//   gives the attacker the timing an oplock gives on Windows; the swap itself is a Windows
//   process's MoveFileExW (helpers/swap.c), which a handle held across the load would refuse.
// - "on Windows 8, 7, Server 2012 and older, zticache.exe exits with code 216 ... before any
//   zticache code runs ... the OS install does not begin" (README, first lines): Node's own check
//   is skipped when NODE_SKIP_PLATFORM_CHECK=1 is in the environment (a machine-wide variable that
//   legacy Node applications on Windows 7/8 are commonly installed with), and zticache then runs.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXE, Wine, haveGcc, haveWine } from '../wine/harness.js';
import { needs, waitFor } from '../helpers/fixtures.js';

const HELPERS = path.join(path.dirname(new URL(import.meta.url).pathname), 'helpers');
const available = haveWine();
if (!available && process.env.CI === 'true') throw new Error('CI=true but wine or mingw-w64 is missing');

let wine: Wine;
let local: string; // the Linux path of C:\users\<user>\AppData\Local
let pkg: string; // a Windows path of a small package with a startable launcher

describe.runIf(available)('the native module under Wine (attack 37)', () => {
  beforeAll(async () => {
    wine = new Wine();
    await wine.start();
    await Promise.all([
      execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-shared', '-o', path.join(wine.bin, 'evil.dll'), path.join(HELPERS, 'evil.c')]),
      execa('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', '-municode', '-o', path.join(wine.bin, 'swap.exe'), path.join(HELPERS, 'swap.c')]),
      ...(haveGcc() ? [execa('gcc', ['-O2', '-Wall', '-shared', '-fPIC', '-o', path.join(wine.bin, 'gate.so'), path.join(HELPERS, 'gate.c'), '-ldl'])] : []),
    ]);
    local = wine.host(`C:\\users\\${os.userInfo().username}\\AppData\\Local`);
    pkg = 'C:\\attackpkg';
    fs.mkdirSync(wine.host(pkg), { recursive: true });
    fs.copyFileSync(path.join(wine.bin, 'osdlaunch.exe'), wine.host(`${pkg}\\OSDLaunch.exe`));
    fs.writeFileSync(wine.host(`${pkg}\\data.txt`), 'data');
  }, 240_000);

  afterAll(async () => {
    await wine?.stop();
  }, 60_000);

  const nativeRoot = () => path.join(local, 'zticache', 'native');
  const whatIf = (env?: Record<string, string>) => wine.run(Wine.z(EXE), ['--what-if', '--source', pkg], { env });

  /** the version folder this exe uses, made by a first plain run */
  async function moduleInPlace(): Promise<string> {
    const r = await whatIf();
    expect(r.code, r.out).toBe(0);
    const names = fs.readdirSync(nativeRoot()).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(names).toHaveLength(1);
    return names[0]!;
  }

  it('--what-if deletes nothing: another version\'s native module folder is still there afterwards', async () => {
    await moduleInPlace();
    const other = path.join(nativeRoot(), 'b'.repeat(64));
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'koffi.node'), 'another version of zticache keeps its module here');
    try {
      const r = await whatIf();
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('--what-if: nothing was changed');
      // README: "--what-if changes nothing on disk" but the module it must load
      expect(fs.existsSync(path.join(other, 'koffi.node')), `--what-if removed ${other}:\n${r.out}`).toBe(true);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 120_000);

  it('a koffi.node put in place of the checked one before it is loaded is never loaded (its DllMain does not run)', async (ctx) => {
    if (!needs(ctx, haveGcc(), 'gcc (the LD_PRELOAD gate)')) return;
    const version = await moduleInPlace();
    const moduleWin = `C:\\users\\${os.userInfo().username}\\AppData\\Local\\zticache\\native\\${version}\\koffi.node`;
    const dir = fs.mkdtempSync(path.join(wine.prefix, 'gate-'));
    const mark = path.join(dir, 'checked');
    const release = path.join(dir, 'release');
    const ran = path.join(dir, 'evil-ran');
    const planted = wine.host('C:\\planted-koffi.node');
    fs.copyFileSync(path.join(wine.bin, 'evil.dll'), planted);

    const run = wine.run(Wine.z(EXE), ['--what-if', '--source', pkg], {
      env: {
        LD_PRELOAD: path.join(wine.bin, 'gate.so'),
        ZTI_GATE_NAME: `/zticache/native/${version}/koffi.node`,
        ZTI_GATE_MARK: mark,
        ZTI_GATE_RELEASE: release,
        ZTI_EVIL_MARK: Wine.z(ran),
      },
    });
    let finished = false;
    void run.then(() => (finished = true), () => (finished = true));
    // the run has read the module to its end (its SHA-256 check) and closed it, or it never does
    await waitFor('the check of koffi.node, or the end of the run', () => fs.existsSync(mark) || finished, 120_000);
    let swap = '';
    if (fs.existsSync(mark)) {
      const s = await wine.run(path.join(wine.bin, 'swap.exe'), ['C:\\planted-koffi.node', moduleWin]);
      swap = `swap.exe: ${s.code} ${s.out.trim()}`;
      fs.writeFileSync(release, '');
    }
    const r = await run;
    expect(fs.existsSync(ran), `the planted DLL was loaded by zticache.exe after the check passed (${swap}):\n${r.out}`).toBe(false);
  }, 240_000);

  it('Windows 8 with NODE_SKIP_PLATFORM_CHECK=1 in the environment: exit 216 before any zticache code runs', async () => {
    fs.rmSync(path.join(local, 'zticache'), { recursive: true, force: true });
    const key = 'HKCU\\Software\\Wine\\AppDefaults\\zticache.exe';
    await execa('wine', ['reg', 'add', key, '/v', 'Version', '/d', 'win8', '/f'], { env: wine.env, stdio: 'ignore' });
    try {
      const plain = await whatIf();
      expect(plain.code, plain.out).toBe(216); // Node's own check, as the README says
      const r = await whatIf({ NODE_SKIP_PLATFORM_CHECK: '1' });
      expect({ code: r.code, nativeModuleWritten: fs.existsSync(path.join(local, 'zticache')) }, r.out).toEqual({ code: 216, nativeModuleWritten: false });
    } finally {
      await execa('wine', ['reg', 'delete', key, '/f'], { env: wine.env, stdio: 'ignore', reject: false });
    }
  }, 120_000);
});
