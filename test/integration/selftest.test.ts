// zticache selftest on this machine (POSIX, the built CLI and in-process): the real plan, staging,
// places and names in a sandbox of its own, removed after; the checks only Windows can answer
// are SKIP with why; one that FAILs gives its own exit code and, with --status-mif, the MIF.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { posixPlatform } from '../../src/platform/posix/platform.js';
import { execa } from 'execa';
import { CLI, escapeRegExp, expectExit, itProcess, makePackage, tempDir, VERSION, waitFor, zticache, zticacheProcess } from '../helpers/fixtures.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';

const sandboxes = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('zticache-selftest-'));
const rows = (out: string) => Object.fromEntries([...out.matchAll(/^zticache: (.+?)\s{2,}(PASS|FAIL|SKIP)\s{2,}(.*)$/gm)].map((m) => [m[1]!.trim(), m[2]!]));

describe('zticache selftest', () => {
  // a process of its own: the start check runs zticache itself again, which in-process is the test runner
  itProcess('runs the real code paths in a sandbox it removes: what POSIX can show PASSes, the rest is SKIP with why', async () => {
    const state = tempDir('zti-st-');
    const before = sandboxes();
    const r = await zticache(['selftest', '--state-dir', state]);
    expectExit(r, 0);
    expect(rows(r.out)).toEqual({
      'places: the state folder': 'PASS', 'the machine': 'PASS', 'places: MININT and PackageSource': 'SKIP', 'places: DACL of PackageSource': 'PASS', 'places: DACL of the state folder': 'PASS', 'the guard': 'SKIP',
      'places: symbolic link': 'PASS', 'places: junction': 'SKIP', names: 'PASS', events: 'SKIP', 'how it is started': 'PASS', 'the ConfigMgr client': 'SKIP',
    });
    expect(r.out).toMatch(/the guard +SKIP +nothing held \(POSIX cannot block deletion of an open file\)/);
    expect(r.out).toMatch(/places: symbolic link +PASS +a symbolic link in the sandbox's MININT was refused, not followed/);
    expect(r.out).toMatch(/places: MININT and PackageSource +SKIP +this platform has no default PackageSource: give --target/);
    expect(r.out).toMatch(/zticache selftest: 7 PASS, 0 FAIL, 5 SKIP; exit code 0/);
    expect(sandboxes()).toEqual(before); // removed
    expect(fs.readFileSync(path.join(state, 'selftest.log'), 'utf8')).toMatch(/Removed the sandbox .*zticache-selftest-/);
  });

  // a process of its own, as a script runs it: standard output is the JSON alone
  itProcess('--json: every check the table shows, its status and evidence, in a JSON document alone on standard output; the log lines on standard error', async () => {
    const state = tempDir('zti-st-');
    const table = await zticacheProcess(['selftest', '--state-dir', state]);
    const r = await execa(process.execPath, [CLI, 'selftest', '--state-dir', state, '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { tool: string; command: string; version: string; computer: string; sandbox: string; exitCode: number; name: string; pass: number; fail: number; skip: number; firstFailure: unknown; checks: Array<{ check: string; status: string; evidence: string }> };
    expect(j).toMatchObject({ tool: 'zticache', command: 'selftest', version: VERSION, computer: os.hostname(), exitCode: 0, name: 'SUCCESS', pass: 7, fail: 0, skip: 5, firstFailure: null });
    expect(j.sandbox).toMatch(/zticache-selftest-[0-9a-f]{8}$/);
    // every row of the table, in its order, with the same status; each carries its evidence, as its log line says it
    expect(j.checks.map((c) => [c.check, c.status])).toEqual(Object.entries(rows(table.out)));
    for (const c of j.checks) {
      expect(Object.keys(c)).toEqual(['check', 'status', 'evidence']);
      expect(c.evidence.length, c.check).toBeGreaterThan(0);
      expect(r.stderr).toContain(`zticache: ${c.check}: ${c.status} ${c.evidence}`);
    }
    // no table anywhere; the closing count on standard error
    expect(r.stderr).not.toMatch(/^zticache: check +status +evidence/m);
    expect(r.stderr).toMatch(/zticache selftest: 7 PASS, 0 FAIL, 5 SKIP; exit code 0/);
    // a failing check: the JSON names it first, with the exit code's name
    const lying = { ...posixPlatform.probes, start: async () => 7 };
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string, done?: () => void) => (chunks.push(chunk), done?.(), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await mainWith({ platform: { probes: lying } }, ['selftest', '--state-dir', state, '--json'], rt(state));
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(ExitCode.SELFTEST_FAILED);
    const f = JSON.parse(chunks.join('')) as typeof j;
    expect(f).toMatchObject({ exitCode: ExitCode.SELFTEST_FAILED, name: 'SELFTEST_FAILED', fail: 1, firstFailure: { check: 'how it is started', evidence: expect.stringMatching(/returned 7, not the 5 it was told to return/) } });
    expect(f.checks.find((c) => c.status === 'FAIL')).toEqual({ check: 'how it is started', status: 'FAIL', evidence: f.firstFailure && (f.firstFailure as { evidence: string }).evidence });
  });

  it('--keep leaves the sandbox; a check that FAILs gives SELFTEST_FAILED and, with --status-mif, the MIF of the first failure', async () => {
    const state = tempDir('zti-st-');
    const before = new Set(sandboxes());
    // a machine that loses a child's exit code
    const lying = { ...posixPlatform.probes, start: async () => 7 };
    const code = await mainWith({ platform: { probes: lying } }, ['selftest', '--state-dir', state, '--status-mif', 'ZTICache.mif', '--keep'], rt(state));
    expect(code).toBe(ExitCode.SELFTEST_FAILED);
    const mif = fs.readFileSync(path.join(state, 'ZTICache.mif'), 'latin1');
    expect(mif).toMatch(/VALUE = "SELFTEST_FAILED \(fix what the check names\): how it is started: started in the background, no standard handles: returned 7/);
    const kept = sandboxes().filter((n) => !before.has(n));
    expect(kept).toHaveLength(1);
    expect(fs.existsSync(path.join(os.tmpdir(), kept[0]!, 'MININT', 'PackageSource', 'OSDLaunch.exe'))).toBe(true);
    fs.rmSync(path.join(os.tmpdir(), kept[0]!), { recursive: true, force: true });
  });

  it('--package-size too large for PackageSource\'s volume FAILs the client check even without a client', async () => {
    const state = tempDir('zti-st-');
    const code = await mainWith({ platform: { freeBytes: () => 100 * 1048576 } }, ['selftest', '--state-dir', state, '--package-size', '500'], rt(state));
    expect(code).toBe(ExitCode.SELFTEST_FAILED);
    expect(fs.readFileSync(path.join(state, 'selftest.log'), 'utf8')).toMatch(/the ConfigMgr client: FAIL a 500 MB package is more than PackageSource's volume has free \(100 MB\)/);
  });

  describe('judges the places the real run uses, not only its sandbox', () => {
    /** a machine: its state folder and its MININT, as --state-dir and --target name them */
    const machine = () => {
      const dir = tempDir('zti-st-real-');
      return { dir, state: path.join(dir, 'ProgramData', 'zticache'), minint: path.join(dir, 'MININT'), target: path.join(dir, 'MININT', 'PackageSource') };
    };
    // in this process the selftest cannot start itself again: its children's codes come back as a real start gives them
    const starts = { ...posixPlatform.probes, start: async (_exe: string, args: readonly string[]) => Number(args.at(-1)) & 0xff };
    const run = (m: ReturnType<typeof machine>, ...more: string[]) => mainWith({ platform: { probes: starts } }, ['selftest', '--state-dir', m.state, '--target', m.target, ...more], rt(m.dir));
    const logOf = (m: ReturnType<typeof machine>) => fs.readFileSync(path.join(m.state, 'selftest.log'), 'utf8');

    it('a machine a run would stage on: both places PASS, with what a run does there; nothing is made in MININT', async () => {
      const m = machine();
      expect(await run(m)).toBe(0);
      expect(logOf(m)).toMatch(/places: the state folder: PASS Created the state folder .*zticache \(mode 700\)/);
      expect(logOf(m)).toMatch(new RegExp(`places: MININT and PackageSource: PASS ${escapeRegExp(m.target)}: a run creates it, protected; ${escapeRegExp(m.minint)} does not exist yet \\(a run creates it\\); no unfinished staging is recorded for it`));
      expect(fs.existsSync(m.minint)).toBe(false);
      fs.mkdirSync(m.target, { recursive: true });
      fs.writeFileSync(path.join(m.target, 'old.txt'), 'an older PackageSource');
      // not the default target (POSIX has none), holding someone else's files: the real run refuses it, and so the selftest
      expect(await run(m)).toBe(ExitCode.SELFTEST_FAILED);
      expect(logOf(m)).toMatch(/places: MININT and PackageSource: FAIL TARGET_UNSAFE \(remove the named folder or give another\): the target .*PackageSource exists, holds files and was not made by zticache .* Give a new or empty folder, or remove .* yourself/);
    });

    for (const [what, make, code] of [
      ['the state folder is a file', (m: ReturnType<typeof machine>) => { fs.mkdirSync(path.dirname(m.state), { recursive: true }); fs.writeFileSync(m.state, 'x'); }, 'STATE_UNSAFE'],
      ['the state folder was made by another user', (m: ReturnType<typeof machine>) => { fs.mkdirSync(m.state, { recursive: true }); fs.chownSync(m.state, 65534, 65534); }, 'STATE_UNSAFE'],
    ] as const) {
      it(`${what}: FAIL with the real run's code, and the selftest says its log is on the console only`, async () => {
        const m = machine();
        make(m);
        const r = await zticacheProcess(['selftest', '--state-dir', m.state, '--target', m.target], { cwd: m.dir });
        expect(r.code, r.out).toBe(ExitCode.SELFTEST_FAILED & 0xff);
        expect(r.out).toMatch(new RegExp(`places: the state folder +FAIL +${code} \\(an admin deletes the state folder\\): the state folder ${escapeRegExp(m.state)}`));
        expect(r.out).toMatch(/the selftest's log cannot be kept in .*selftest\.log \(the state folder cannot be used, see below\): this console is its only record/);
        expect(r.out).toMatch(/places: DACL of the state folder +SKIP/);
      });
    }

    it('MININT a file, MININT a link to a folder elsewhere, an unfinished staging of another package journalled: each FAILs with the real run\'s code and way out', async () => {
      const file = machine();
      fs.writeFileSync(file.minint, 'a file where MININT goes');
      expect(await run(file)).toBe(ExitCode.SELFTEST_FAILED);
      expect(logOf(file)).toMatch(/places: MININT and PackageSource: FAIL TARGET_UNSAFE \(remove the named folder or give another\): /);

      const link = machine();
      const elsewhere = path.join(link.dir, 'elsewhere');
      fs.mkdirSync(elsewhere);
      fs.symlinkSync(elsewhere, link.minint);
      expect(await run(link)).toBe(ExitCode.SELFTEST_FAILED);
      expect(logOf(link)).toMatch(/places: MININT and PackageSource: FAIL TARGET_UNSAFE \(remove the named folder or give another\): /);
      expect(fs.readdirSync(elsewhere)).toEqual([]);

      const busy = machine();
      const other = path.join(busy.dir, 'ccmcache', 'OTHER');
      makePackage(other);
      const stopped = await mainWith({ fs: failing('copyFile', 'EFAULT', 3), retry: fast }, ['--source', other, '--target', busy.target, '--state-dir', busy.state, '--launch', 'launch.js', '--mode', 'copy'], rt(busy.dir));
      expect(stopped).toBe(ExitCode.STAGE_FAILED);
      expect(await run(busy, '--status-mif', 'ZTICache.mif')).toBe(ExitCode.SELFTEST_FAILED);
      expect(logOf(busy)).toMatch(new RegExp(`places: MININT and PackageSource: FAIL JOURNAL_CONFLICT \\(do what the log says, run again\\): ${escapeRegExp(busy.target)} holds an unfinished staging from ${escapeRegExp(other)} .* Run zticache --source "${escapeRegExp(other)}" to finish it`));
      expect(fs.readFileSync(path.join(busy.state, 'ZTICache.mif'), 'latin1')).toMatch(/SELFTEST_FAILED \(fix what the check names\): places: MININT and PackageSource: JOURNAL_CONFLICT/);
    });
  });

  describe('a selftest that does not get to its own end leaves no sandbox for good', () => {
    itProcess('stopped (SIGTERM) while it runs: the sandbox is removed before it ends, STOPPED', async () => {
      const state = tempDir('zti-st-');
      for (let attempt = 0; ; attempt++) {
        const before = new Set(sandboxes());
        const child = execa(process.execPath, [CLI, 'selftest', '--state-dir', state], { reject: false, all: true });
        await waitFor('the sandbox', () => sandboxes().some((n) => !before.has(n)) || child.exitCode !== null);
        child.kill('SIGTERM');
        const r = await child;
        if (r.exitCode === 0 && attempt < 5) continue; // it had finished first: once more
        expect(r.exitCode, r.all).toBe(ExitCode.STOPPED & 0xff);
        expect(r.all).toMatch(/zticache selftest was asked to stop \(SIGTERM\): stopped/);
        expect(sandboxes().filter((n) => !before.has(n))).toEqual([]);
        return;
      }
    });

    itProcess('killed: the next selftest removes the sandbox it can prove is an earlier one\'s, and says so; a folder of that name it cannot prove is left', async () => {
      const state = tempDir('zti-st-');
      let left: string | undefined;
      // the sandbox this selftest recorded in its state folder (other selftests may be running in
      // the same temp folder: a new folder there is not necessarily this one's)
      const recorded = () => {
        try {
          return (JSON.parse(fs.readFileSync(path.join(state, 'selftest-sandboxes.json'), 'utf8')) as Array<{ path: string }>).map((r) => path.basename(r.path)).find((n) => sandboxes().includes(n));
        } catch {
          return undefined;
        }
      };
      for (let attempt = 0; attempt < 6 && !left; attempt++) {
        const child = execa(process.execPath, [CLI, 'selftest', '--state-dir', state], { reject: false });
        await waitFor('the sandbox, recorded', () => recorded() !== undefined || child.exitCode !== null);
        child.kill('SIGKILL');
        await child;
        left = recorded();
      }
      expect(left).toBeDefined();
      const r = await zticacheProcess(['selftest', '--state-dir', state]);
      expectExit(r, 0);
      expect(r.out).toMatch(new RegExp(`Removed ${escapeRegExp(path.join(os.tmpdir(), left!))}, the sandbox of an earlier selftest that was stopped before it removed it`));
      expect(sandboxes()).not.toContain(left);
      // the record names a folder that is not the one it made: left, and said
      fs.writeFileSync(path.join(state, 'selftest-sandboxes.json'), JSON.stringify([{ path: path.join(os.tmpdir(), 'zticache-selftest-planted'), id: { dev: '1', ino: '2' } }]));
      fs.mkdirSync(path.join(os.tmpdir(), 'zticache-selftest-planted'), { recursive: true });
      try {
        const again = await zticacheProcess(['selftest', '--state-dir', state]);
        expect(again.out).toMatch(/zticache-selftest-planted is not the sandbox an earlier selftest made there .*: left as it is/);
        expect(fs.existsSync(path.join(os.tmpdir(), 'zticache-selftest-planted'))).toBe(true);
      } finally {
        fs.rmSync(path.join(os.tmpdir(), 'zticache-selftest-planted'), { recursive: true, force: true });
      }
    });
  });

  it('its options belong to it', async () => {
    expectExit(await zticache(['--keep']), ExitCode.USAGE);
    expectExit(await zticache(['--package-size', '5']), ExitCode.USAGE);
    expectExit(await zticache(['selftest', '--package-size', 'x']), ExitCode.USAGE);
  });
});
