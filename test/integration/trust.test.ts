// Trust nothing zticache did not make: one run at a time (a lock the OS drops when the process
// dies), targets trusted only by the identity zticache recorded, planted state never resumed or
// launched, nothing deleted that zticache did not stage, and output that never ends a run.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/exit-codes.js';
import { lockNameOf } from '../../src/platform/posix/state.js';
import { failing, fast, mainWith, rt } from '../helpers/seams.js';
import {
  CLI, GATED_LAUNCHER, GATED_LAUNCHER_SOURCE, LAUNCHER, LAUNCHER_SOURCE, expectExit, makePackage, makeTree, needs, readReport, scene, snapshot, waitFor, zticache, itProcess,
} from '../helpers/fixtures.js';

const RACE_TRIALS = Number(process.env.ZTI_RACE_TRIALS ?? 5);

function gatedPackage(s: ReturnType<typeof scene>, extra: Record<string, string> = {}) {
  makePackage(s.source, extra);
  fs.writeFileSync(path.join(s.source, GATED_LAUNCHER), GATED_LAUNCHER_SOURCE, { mode: 0o755 });
}

const start = (args: string[]) => execa(process.execPath, [CLI, ...args], { reject: false, all: true });

/** A run of a gated package, once its launcher has started: the run is at launch, holding the lock. */
async function runAtLaunch(s: ReturnType<typeof scene>) {
  gatedPackage(s);
  const go = path.join(s.dir, 'go');
  const run = start(s.args('--launch', GATED_LAUNCHER, '--', s.report, '0', go));
  await waitFor('the launcher to start', () => fs.existsSync(`${s.report}.started`));
  return { run, go, release: () => fs.writeFileSync(go, '') };
}

describe('one run at a time', () => {
  for (const mode of ['move', 'copy'] as const) {
    for (const old of [false, true]) {
      itProcess(`${RACE_TRIALS} pairs of runs started together (${mode}, ${old ? 'with' : 'without'} an old target): package intact, launcher once, the other refused`, async () => {
        for (let trial = 0; trial < RACE_TRIALS; trial++) {
          const s = scene();
          const go = path.join(s.dir, 'go');
          if (old) {
            // an old package that zticache staged earlier, so the second run would want to remove it
            gatedPackage(s, { 'old.txt': 'the last package' });
            fs.writeFileSync(go, '');
            expect((await zticache(s.args('--mode', mode, '--launch', GATED_LAUNCHER, '--', s.report, '0', go))).code).toBe(0);
            fs.rmSync(go);
            fs.rmSync(s.report);
            fs.rmSync(`${s.report}.started`);
            // the next package is downloaded into a cache folder of its own, as the client does
            fs.rmSync(s.source, { recursive: true });
          }
          gatedPackage(s, { 'new.txt': `package ${trial}` });
          const want = snapshot(s.source);
          const args = s.args('--mode', mode, '--launch', GATED_LAUNCHER, '--', s.report, '0', go);
          const runs = [start(args), start(args)];
          // the loser must give up at once, while the winner waits in its launcher
          const first = await Promise.race(runs.map((r, i) => r.then((x) => ({ i, x }))));
          expectExit({ code: first.x.exitCode, out: first.x.all ?? '' }, ExitCode.RUN_IN_PROGRESS);
          expect(first.x.all).toMatch(/another zticache run is in progress \(process \d+, started .*\); it holds the lock in .*state, so this run changed nothing/);
          fs.writeFileSync(go, '');
          const winner = await runs[1 - first.i]!;
          expect(winner.exitCode, winner.all).toBe(0);
          expect(snapshot(s.target)).toEqual(want);
          expect(readReport(s.report)!.runs).toBe(1);
          expect(readReport(s.report)!.files).toEqual(want);
        }
      });
    }
  }

  it('a run killed with SIGKILL leaves no lock behind: the next run goes ahead', async () => {
    const s = scene();
    const { run, go, release } = await runAtLaunch(s);
    // while it runs, a second run is refused...
    expectExit(await zticache(s.args('--', s.report, '0')), ExitCode.RUN_IN_PROGRESS);
    run.kill('SIGKILL');
    release(); // let the orphaned launcher finish (it holds the run's output pipe)
    await run;
    await waitFor('the orphaned launcher to finish', () => readReport(s.report) !== undefined);
    // ...and once it is dead, the next one is not
    const r = await zticache(s.args('--launch', GATED_LAUNCHER, '--', s.report, '0', go));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/already staged by an earlier run/);
  });

  it("another user listening on the lock's name (learned from /proc/net/unix) stops no run: the runs move on to a new key", async (ctx) => {
    if (!needs(ctx, process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0, 'root and setpriv (util-linux)')) return;
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    const name = lockNameOf(fs.readFileSync(path.join(s.state, 'lock.key.1')));
    // the squatter: user nobody, accepting connections and answering nothing
    const squatter = execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e',
      "require('net').createServer(() => {}).listen('\\0' + process.argv[1], () => console.log('listening'))", name], { reject: false });
    try {
      await new Promise<void>((resolve) => squatter.stdout!.once('data', () => resolve()));
      // other clients' packages, the same state folder (one machine)
      const on = (x: ReturnType<typeof scene>, ...more: string[]) => ['--source', x.source, '--target', x.target, '--state-dir', s.state, ...more];
      const next = scene();
      makePackage(next.source);
      const r = await zticache(on(next, '--launch', LAUNCHER, '--', next.report, '0'));
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/Holding the run lock \(abstract socket @zticache-[0-9a-f]+ \(key 2 in /);
      // and under the new key one run at a time still holds
      const third = scene();
      gatedPackage(third);
      const go = path.join(third.dir, 'go');
      const held = start(on(third, '--launch', GATED_LAUNCHER, '--', third.report, '0', go));
      await waitFor('the launcher to start', () => fs.existsSync(`${third.report}.started`));
      const fourth = scene();
      makePackage(fourth.source);
      expectExit(await zticache(on(fourth, '--launch', LAUNCHER, '--what-if')), ExitCode.RUN_IN_PROGRESS);
      fs.writeFileSync(go, '');
      expect((await held).exitCode).toBe(0);
    } finally {
      squatter.kill('SIGKILL');
      await squatter;
    }
  });

  it('--what-if takes the lock too: it says a run is in progress instead of reading a moving target', async () => {
    const s = scene();
    const { run, release } = await runAtLaunch(s);
    expectExit(await zticache(s.args('--what-if')), ExitCode.RUN_IN_PROGRESS);
    release();
    expect((await run).exitCode).toBe(0);
  });
});

describe('nothing is deleted that zticache did not stage', () => {
  it('an existing --target that zticache did not make, holding files, is refused; nothing is deleted', async () => {
    const s = scene();
    makePackage(s.source);
    makeTree(s.target, { 'E-drive data/keep.me': 'precious', 'other.txt': 'not ours' });
    const before = { target: snapshot(s.target), source: snapshot(s.source) };
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.TARGET_UNSAFE);
    expect(r.out).toMatch(/exists, holds files and was not made by zticache \(no staging record for it in .*state\)/);
    expect(snapshot(s.target)).toEqual(before.target);
    expect(snapshot(s.source)).toEqual(before.source);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('an empty existing --target is used (replaced by a folder zticache creates)', async () => {
    const s = scene();
    makePackage(s.source);
    fs.mkdirSync(s.target, { recursive: true });
    const r = await zticache(s.args('--', s.report, '0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/will be removed first \(an empty folder\)/);
  });

  it('--target / (a volume root) is refused; nothing is deleted', async () => {
    const s = scene();
    makePackage(s.source);
    const r = await zticache(['--source', s.source, '--target', '/', '--launch', LAUNCHER, ...s.stateArgs, '--log', path.join(s.dir, 'z.log')]);
    expectExit(r, ExitCode.TARGET_UNSAFE);
    expect(r.out).toMatch(/the target \/ is the root of a volume/);
    expect(fs.existsSync('/etc/passwd')).toBe(true);
  });

  it('a --target that holds the source is an overlap by identity, even spelled through a link', async () => {
    const s = scene();
    makePackage(s.source);
    fs.symlinkSync(path.dirname(s.source), path.join(s.dir, 'alias'));
    const before = snapshot(s.source);
    const r = await zticache(['--source', path.join(s.dir, 'alias', 'ABC00001'), '--target', path.join(s.dir, 'ccmcache'), '--launch', LAUNCHER, ...s.stateArgs]);
    expectExit(r, ExitCode.OVERLAP);
    expect(snapshot(s.source)).toEqual(before);
  });
});

describe('planted state is never trusted', () => {
  const planted = `#!/bin/sh\necho PLANTED > "$1.planted"\n`;

  it('a journal planted in MININT beside a planted target is never read; the planted launcher never runs', async () => {
    const s = scene();
    makePackage(s.source);
    const before = snapshot(s.source);
    // what a standard user could write into C:\MININT before the run: a target with a launcher
    // padded to the real one's size, and a journal saying a move from the cache was interrupted
    makeTree(s.target, { [LAUNCHER]: planted.padEnd(LAUNCHER_SOURCE.length, '#') });
    fs.chmodSync(path.join(s.target, LAUNCHER), 0o755);
    fs.writeFileSync(`${s.target}.zticache.json`, JSON.stringify({
      tool: 'zticache', version: 2, source: s.source, target: s.target, mode: 'move', state: 'staging', started: '', updated: '',
      inventory: { files: [{ rel: LAUNCHER, size: LAUNCHER_SOURCE.length, mtimeMs: 0 }], dirs: [], bytes: LAUNCHER_SOURCE.length },
    }));
    const r = await zticache(s.args('--', s.report, '0'));
    // not the default target, so refused rather than replaced; either way never resumed or launched
    expectExit(r, ExitCode.TARGET_UNSAFE);
    expect(r.out).not.toMatch(/finishing an interrupted/);
    expect(fs.existsSync(`${s.report}.planted`)).toBe(false);
    expect(snapshot(s.source)).toEqual(before); // the real launcher stays in the cache
  });

  it('a target removed and recreated after staging (same files) is not trusted: the planted launcher never runs', async () => {
    const s = scene();
    makePackage(s.source);
    expect((await zticache(s.args('--', s.report, '0'))).code).toBe(0);
    const staged = path.join(s.dir, 'staged-copy');
    fs.cpSync(s.target, staged, { recursive: true, preserveTimestamps: true });
    fs.rmSync(s.target, { recursive: true });
    fs.cpSync(staged, s.target, { recursive: true, preserveTimestamps: true });
    fs.writeFileSync(path.join(s.target, LAUNCHER), planted.padEnd(LAUNCHER_SOURCE.length, '#'));
    const r = await zticache(s.args('--', s.report, '0'));
    expectExit(r, ExitCode.SOURCE_EMPTY);
    expect(r.out).toMatch(/staged .* by an earlier run, but .*PackageSource has been replaced since/);
    expect(fs.existsSync(`${s.report}.planted`)).toBe(false);
    expect(readReport(s.report)!.runs).toBe(1);
  });

  it('an interrupted move whose target was replaced meanwhile (same files, a padded launcher) is never resumed into it: JOURNAL_CONFLICT, nothing moved, nothing launched', async () => {
    const s = scene();
    makePackage(s.source);
    expect(await mainWith({ fs: failing('rename', 'EFAULT', 3), retry: fast }, s.args('--', s.report, '0'), rt(s.dir))).toBe(ExitCode.STAGE_FAILED);
    const left = snapshot(s.source);
    // someone who owns MININT swaps in a folder of their own with what was moved, and a launcher
    fs.renameSync(s.target, path.join(s.dir, 'theirs-now'));
    fs.cpSync(path.join(s.dir, 'theirs-now'), s.target, { recursive: true });
    fs.writeFileSync(path.join(s.target, LAUNCHER), planted.padEnd(LAUNCHER_SOURCE.length, '#'), { mode: 0o755 });
    const code = await mainWith({}, s.args('--', s.report, '0'), rt(s.dir));
    expect(code).toBe(ExitCode.JOURNAL_CONFLICT);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/an unfinished move from .* is recorded .*but .*PackageSource is no longer the folder zticache created \(it was replaced\)/);
    expect(snapshot(s.source)).toEqual(left); // nothing more moved into the replaced folder
    expect(fs.existsSync(`${s.report}.planted`)).toBe(false);
    expect(readReport(s.report)).toBeUndefined();
  });

  it('a --target of zticache\'s own, removed and made again with someone\'s files: "has a journal" is not "is ours", nothing is deleted', async () => {
    const s = scene();
    makePackage(s.source);
    expect(await mainWith({}, s.args('--', s.report, '0'), rt(s.dir))).toBe(0);
    fs.rmSync(s.target, { recursive: true });
    makeTree(s.target, { 'E-drive data/keep.me': 'precious' });
    const before = snapshot(s.target);
    const next = path.join(s.dir, 'next');
    makePackage(next);
    const code = await mainWith({}, ['--source', next, '--target', s.target, '--launch', LAUNCHER, ...s.stateArgs, '--', s.report, '0'], rt(s.dir));
    expect(code).toBe(ExitCode.TARGET_UNSAFE);
    expect(snapshot(s.target)).toEqual(before);
  });

  it('an old target of zticache\'s own holding a link (to a folder and to a file outside): the links go, what they point to stays', async () => {
    const s = scene();
    makePackage(s.source);
    expect(await mainWith({}, s.args('--', s.report, '0'), rt(s.dir))).toBe(0);
    const outside = path.join(s.dir, 'outside');
    makeTree(outside, { 'precious.txt': 'keep', 'sub/deep.txt': 'keep too' });
    fs.symlinkSync(outside, path.join(s.target, 'OSD', 'to-outside'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(s.target, 'file-link'));
    const before = snapshot(outside);
    makePackage(s.source, { 'new.txt': 'the next package' });
    expect(await mainWith({}, s.args('--', s.report, '0'), rt(s.dir))).toBe(0);
    expect(snapshot(outside)).toEqual(before);
    expect(fs.readFileSync(path.join(s.target, 'new.txt'), 'utf8')).toBe('the next package');
    expect(fs.existsSync(path.join(s.target, 'file-link'))).toBe(false);
  });

  it('a run killed during launch: the next run relaunches from zticache\'s own target', async () => {
    const s = scene();
    const { run: first, go, release } = await runAtLaunch(s);
    first.kill('SIGKILL');
    release();
    await first;
    await waitFor('the orphaned launcher to finish', () => readReport(s.report) !== undefined);
    expect(s.journal().kind === 'ok' && (s.journal() as { journal: { state: string } }).journal.state).toBe('staged');
    const r = await zticache(s.args('--launch', GATED_LAUNCHER, '--', s.report, '0', go));
    expect(r.code, r.out).toBe(0);
    expect(readReport(s.report)!.runs).toBe(2);
  });
});

describe('output never ends a run', () => {
  itProcess('a stdout closed after the first byte (zticache | head -c1): the run goes on, launches and exits with the launcher\'s code', async () => {
    const s = scene();
    makePackage(s.source);
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const cmd = `${q(process.execPath)} ${q(CLI)} ${s.args('--', s.report, '7').map(q).join(' ')} | head -c1 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`;
    const r = await execa('bash', ['-c', cmd], { reject: false, all: true });
    expect(r.all).toContain('exit=7');
    expect(readReport(s.report)!.runs).toBe(1);
    expect(fs.readFileSync(s.log, 'utf8')).toMatch(/Return code from launch\.js = 7/);
  });
});
